from django.db import migrations

from accreditation.catalogue import install_catalogue


def load(apps, schema_editor):
    install_catalogue(2018, apps.get_model("accreditation", "Principle"),
                      apps.get_model("accreditation", "GeneralObservation"))


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
