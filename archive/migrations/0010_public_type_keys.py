"""One spelling of each record type's public key (`protests`, `media-outlets`…) in tombstones and
search entries, which said `protest`, `media-outlet`; and the archive's state row, which tells the
data package when something public changed."""

from django.db import migrations, models

# The spellings before this migration → the registry's public keys (frozen here: migrations stay as written).
KEYS = {
    "protest": "protests",
    "arrest": "arrests",
    "statement": "statements",
    "organization": "organizations",
    "media-outlet": "media-outlets",
    "person": "people",
    "place": "places",
    "source": "sources",
}


def rename_keys(apps, schema_editor):
    apps.get_model("archive", "ArchiveState").objects.get_or_create(pk=1)
    for model_name in ("Tombstone", "SearchEntry"):
        model = apps.get_model("archive", model_name)
        for old, new in KEYS.items():
            model.objects.filter(record_type=old).update(record_type=new)


def restore_keys(apps, schema_editor):
    for model_name in ("Tombstone", "SearchEntry"):
        model = apps.get_model("archive", model_name)
        for old, new in KEYS.items():
            model.objects.filter(record_type=new).update(record_type=old)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0009_date_sort_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArchiveState",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1,
                        editable=False,
                        help_text="Always 1: there is one row.",
                        primary_key=True,
                        serialize=False,
                        verbose_name="row",
                    ),
                ),
                (
                    "public_changed",
                    models.DateTimeField(
                        blank=True,
                        help_text="When a record the public could already see last changed or stopped being public.",
                        null=True,
                        verbose_name="public records last changed",
                    ),
                ),
            ],
            options={
                "verbose_name": "archive state",
                "verbose_name_plural": "archive state",
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="archive_archivestate_one_row")],
            },
        ),
        migrations.RunPython(rename_keys, restore_keys),
    ]
