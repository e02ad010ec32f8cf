"""Version 1 of every letter in every language, from the default texts in
reviews/letters/defaults/ (data only: no change to the tables)."""

from pathlib import Path

from django.db import migrations
from django.utils import timezone

DEFAULTS = Path(__file__).resolve().parent.parent / "letters" / "defaults"
KINDS = (
    "invitation",
    "acknowledgement",
    "summary",
    "recommendation",
    "deferral",
    "decision",
    "certificate",
)
LANGUAGES = ("en", "fr", "es", "ar", "zh-hans", "ru")


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("reviews", "LetterTemplate")
    now = timezone.now()
    for kind in KINDS:
        for language in LANGUAGES:
            if LetterTemplate.objects.filter(kind=kind, language=language).exists():
                continue
            text = (DEFAULTS / f"{kind}.{language}.txt").read_text(encoding="utf-8")
            subject, _blank, body = text.partition("\n")
            LetterTemplate.objects.create(
                kind=kind,
                language=language,
                version=1,
                subject=subject.strip(),
                body=body.strip("\n") + "\n",
                note="The default text",
                created_at=now,
            )


def unseed(apps, schema_editor):
    LetterTemplate = apps.get_model("reviews", "LetterTemplate")
    LetterTemplate.objects.filter(version=1, created_by=None, note="The default text").delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_generated_documents")]

    operations = [migrations.RunPython(seed, unseed)]
