# Search at scale: an index that serves "newest first" per tier, and on PostgreSQL an array of the
# folded names with a GIN index, so "is this exactly a name or alias" is one index lookup.

from django.db import migrations, models

POSTGRES_FORWARD = [
    """ALTER TABLE archive_searchentry ADD COLUMN name_list text[] GENERATED ALWAYS AS (
        string_to_array(btrim(names, '| '), ' | ')
    ) STORED""",
    "CREATE INDEX searchentry_name_list_gin ON archive_searchentry USING gin (name_list)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS searchentry_name_list_gin",
    "ALTER TABLE archive_searchentry DROP COLUMN IF EXISTS name_list",
]


def postgres_forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def postgres_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0007_web_address_validators"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(
                condition=models.Q(("is_public", True)), fields=["-date", "id"], name="searchentry_public_recent"
            ),
        ),
        migrations.RunPython(postgres_forward, postgres_backward),
    ]
