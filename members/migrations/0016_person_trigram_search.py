"""GIN trigram indexes for the people search (issue 21.3), on PostgreSQL only.

The admin's icontains compares upper(column) LIKE upper('%term%'), and the typo
fallback upper(column) % 'TERM': both are served by a gin_trgm_ops index on
upper(column). On the embedded SQLite default these operations do nothing and the
search is a plain scan. The indexes live outside the models' state, so
makemigrations never tries to create them on SQLite.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ("first_name", "last_name", "email", "postcode")


class PostgresOnlySQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("members", "0015_person_phone_indexes")]

    operations = [
        TrigramExtension(),
        *(
            PostgresOnlySQL(
                sql=(
                    f"CREATE INDEX IF NOT EXISTS person_{column}_trgm "
                    f"ON members_person USING gin (upper({column}) gin_trgm_ops)"
                ),
                reverse_sql=f"DROP INDEX IF EXISTS person_{column}_trgm",
            )
            for column in COLUMNS
        ),
    ]
