"""A record's translations in its import/export file: a column per translatable text and language
(`title[fa]`, `description[az-Latn]`) and one column naming the texts a source translated.

- `title[fa]`: the Persian title. A filled cell is that translation (an unchanged text keeps who
  translated it; a changed one is the archive's, and the record's history names who imported it); an
  empty cell removes it; a file without the column changes nothing.
- `translation_sources`: a JSON object from such a column's name to the public id of the source that
  published that translation, e.g. {"title[fa]": "source-fn-12"}. With the column present, a text it does
  not name is the archive's translation; without it, provenance is kept as it is.

`original_language` says what the originals are written in. An export writes a column for every language
the site is read in (en, az-Latn, fa, tr); a translation into another language has no column, and an
import leaves it as it is, so an export → import round trip keeps every translation and its provenance.
"""

import copy
import json

from django.utils.translation import gettext as _
from import_export.fields import Field

from archive import translations
from archive.resources.cells import TextWidget, cell_text
from archive.resources.fields import Column

SOURCES = "translation_sources"


def column_name(field: str, tag: str) -> str:
    return f"{field}[{tag}]"


def _value(instance) -> dict:
    """The row's own copy of the record's translations (the loaded value stays as the database has it)."""
    if not getattr(instance, "_import_translations_copied", False):
        instance.translations = copy.deepcopy(instance.translations or {})
        instance._import_translations_copied = True
    return instance.translations


class TranslationColumn(Field):
    """One text of the record in one language other than its original."""

    def __init__(self, field: str, tag: str):
        super().__init__(attribute=None, column_name=column_name(field, tag), widget=TextWidget())
        self.field, self.tag = field, tag
        self.model_fields = ()  # the record's check of its translations reports at `translation_sources`

    def apply(self, instance, row, pending) -> None:
        text = cell_text(row[self.column_name]).strip()
        if len(text) > translations.MAX_LENGTH:
            raise ValueError(_("Longer than %(n)s characters.") % {"n": translations.MAX_LENGTH})
        value = _value(instance)
        languages = value.setdefault(self.field, {})
        old = languages.get(self.tag) or {}
        if not text:
            languages.pop(self.tag, None)
        elif old.get("text") != text:
            languages[self.tag] = {"text": text, "by": translations.ARCHIVE}
        if not languages:
            value.pop(self.field, None)

    def export(self, instance, **kwargs):
        entry = ((instance.translations or {}).get(self.field) or {}).get(self.tag) or {}
        return entry.get("text", "")


class TranslationSourcesColumn(Field):
    """Which translations a source published, by column: {"title[fa]": "source-fn-12"}."""

    def __init__(self, record_type):
        super().__init__(attribute=None, column_name=SOURCES, widget=TextWidget())
        self.record_type = record_type
        self.model_fields = ("translations",)

    def apply(self, instance, row, pending) -> None:
        text = cell_text(row[SOURCES]).strip()
        try:
            given = json.loads(text) if text else {}
        except ValueError:
            raise ValueError(
                _('Not JSON: give an object from a column to a source\'s public id, e.g. {"title[fa]": "source-x"}.')
            ) from None
        if not isinstance(given, dict) or not all(isinstance(v, str) and v.strip() for v in given.values()):
            raise ValueError(
                _('Give an object from a column to a source\'s public id, e.g. {"title[fa]": "source-x"}.')
            )
        value = _value(instance)
        named = {}
        for column, source in given.items():
            field, _sep, rest = column.partition("[")
            tag = rest[:-1] if rest.endswith("]") else ""
            entry = (value.get(field) or {}).get(tag)
            if field not in self.record_type.translatable or field == "withdrawn_reason" or not tag or entry is None:
                raise ValueError(
                    _("“%(column)s” names no translation of this row (a column such as title[fa] with a text).")
                    % {"column": column}
                )
            named[(field, tag)] = source.strip()
        for field, languages in value.items():
            for tag, entry in languages.items():
                source = named.get((field, tag))
                if source:
                    languages[tag] = {"text": entry["text"], "by": translations.SOURCE, "source": source}
                elif entry.get("by") == translations.SOURCE:
                    languages[tag] = {"text": entry["text"], "by": translations.ARCHIVE}

    def export(self, instance, **kwargs):
        found = {
            column_name(field, tag): entry["source"]
            for field, languages in (instance.translations or {}).items()
            for tag, entry in sorted(languages.items())
            if entry.get("by") == translations.SOURCE and entry.get("source")
        }
        return json.dumps(found, ensure_ascii=False) if found else ""


def translation_columns(record_type) -> list:
    """The translation columns of a type's file: each translatable text in each language the site is read in."""
    tags = translations.READER_TAGS.values()
    # (A withdrawal's reason is the editors' word in the admin, as the withdrawal is: no column.)
    fields = [field for field in record_type.translatable if field != "withdrawn_reason"]
    columns = [TranslationColumn(field, tag) for field in fields for tag in tags]
    return [Column("original_language"), *columns, TranslationSourcesColumn(record_type)]
