"""The full-text index of recommendation paragraphs, for precedent search.

A GIN index over the paragraph's words (PostgreSQL's ``to_tsvector`` with the
'simple' configuration): PostgreSQL only. On SQLite the operation changes the
migration state alone, so the models and migrations agree on every database, and the
search there falls back to matching each word (reviews/search.py).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0003_default_rulebook"),
        ("reviews", "0006_letter_templates"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name="recommendationparagraph",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector(
                    "text", "notes", "standard", "request", config="simple"
                ),
                name="paragraph_search",
            ),
        ),
    ]
