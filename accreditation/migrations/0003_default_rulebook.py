from django.db import migrations

from accreditation.rulebook import install_default_rules


def load(apps, schema_editor):
    install_default_rules(apps.get_model("accreditation", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0002_catalogue_2018")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
