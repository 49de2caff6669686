"""Editing a record's translations in its admin form, and finding records not yet translated.

Each language the site is read in has a fieldset: one box per translatable text (its label says the
language; the original beside it, as the box's help, so the two read side by side), who translated it
(the archive — the person saving is noted as translator — or a source, named by its public id).
Languages the form does not offer (a Russian translation from an import) are kept as they are.
"""

from django import forms
from django.contrib import admin
from django.db.models import Q, TextField
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from archive import registry, translations

EDITED = tuple(translations.READER_TAGS.values())  # en, az-Latn, fa, tr


def box(tag: str, field: str) -> str:
    return f"translation__{tag}__{field}"


def by_box(tag: str) -> str:
    return f"translation__{tag}__by"


def source_box(tag: str) -> str:
    return f"translation__{tag}__source"


def fieldsets(record_type, *, original: str = "en") -> list:
    """The texts' own language, then one collapsed fieldset per other language the site is read in."""
    found = [(_("Translations"), {"fields": ("original_language",)})]
    for tag in EDITED:
        if tag == original:
            continue
        boxes = (*(box(tag, name) for name in record_type.translatable), by_box(tag), source_box(tag))
        title = _("In %(language)s") % {"language": translations.language_name(tag)}
        found.append((title, {"fields": boxes, "classes": ("collapse", "translation")}))
    return found


def form_for(base: type[forms.ModelForm], record_type) -> type[forms.ModelForm]:
    """`base` with a box for each text in each language, and what they write into `translations`."""
    declared = {}
    for tag in EDITED:
        language = translations.language_name(tag)
        for name in record_type.translatable:
            model_field = record_type.model._meta.get_field(name)
            long = isinstance(model_field, TextField)
            declared[box(tag, name)] = forms.CharField(
                label=f"{capfirst(model_field.verbose_name)} ({language})",
                required=False,
                widget=forms.Textarea(attrs={"rows": 4, "lang": tag, "dir": translations.direction(tag)})
                if long
                else forms.TextInput(
                    attrs={"lang": tag, "dir": translations.direction(tag), "class": "vLargeTextField"}
                ),
            )
        declared[by_box(tag)] = forms.ChoiceField(
            label=_("Translated by (%(language)s)") % {"language": language},
            choices=[
                (translations.ARCHIVE, _("the archive (you are noted as translator)")),
                (translations.SOURCE, _("a source (give its public id)")),
            ],
            initial=translations.ARCHIVE,
            required=False,
        )
        declared[source_box(tag)] = forms.CharField(
            label=_("Source of the translation (%(language)s)") % {"language": language},
            required=False,
            max_length=64,
            help_text=_("The public id of the source that published this translation, e.g. source-aztv-2020-10-03."),
        )
    return type(f"{record_type.model.__name__}TranslationForm", (TranslationFormMixin, base), declared)


class TranslationFormMixin:
    """Fills the translation boxes from the record and writes them back to its `translations`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record_type = registry.of(self._meta.model)
        stored = self.instance.translations or {}
        for tag in EDITED:
            if box(tag, record_type.translatable[0]) not in self.fields:
                continue
            entries = []
            for name in record_type.translatable:
                entry = (stored.get(name) or {}).get(tag) or {}
                self.fields[box(tag, name)].initial = entry.get("text", "")
                original = getattr(self.instance, name, "") or ""
                if original:
                    shown = original if len(original) <= 400 else original[:400] + "…"
                    self.fields[box(tag, name)].help_text = _("Original: %(text)s") % {"text": shown}
                if entry:
                    entries.append(entry)
            if entries:
                self.fields[by_box(tag)].initial = entries[0].get("by", translations.ARCHIVE)
                self.fields[source_box(tag)].initial = entries[0].get("source", "")

    def clean(self):
        cleaned = super().clean()
        record_type = registry.of(self._meta.model)
        value = {field: dict(languages) for field, languages in (self.instance.translations or {}).items()}
        user = getattr(self, "translator", "")
        for tag in EDITED:
            if box(tag, record_type.translatable[0]) not in self.fields:
                continue  # not offered (the texts' own language): its translations, if any, are left as they are
            by = cleaned.get(by_box(tag)) or translations.ARCHIVE
            source = (cleaned.get(source_box(tag)) or "").strip()
            if (
                by == translations.SOURCE
                and not source
                and any((cleaned.get(box(tag, name)) or "").strip() for name in record_type.translatable)
            ):
                self.add_error(source_box(tag), _("Name the source that published this translation."))
                continue
            for name in record_type.translatable:
                text = (cleaned.get(box(tag, name)) or "").strip()
                languages = value.setdefault(name, {})
                old = languages.get(tag) or {}
                if not text:
                    languages.pop(tag, None)
                    continue
                entry = {"text": text, "by": by}
                if by == translations.SOURCE:
                    entry["source"] = source
                elif old.get("text") == text and old.get("by", translations.ARCHIVE) == translations.ARCHIVE:
                    entry["translator"] = old.get("translator", "")  # unchanged: whoever translated it
                else:
                    entry["translator"] = user
                languages[tag] = {key: val for key, val in entry.items() if val}
        self.instance.translations = {field: languages for field, languages in value.items() if languages}
        return cleaned


def shown(record) -> str:
    """A record's translations as a read-only page shows them: each text in each language, with who made it."""
    rows = []
    for field, languages in (record.translations or {}).items():
        label = capfirst(record._meta.get_field(field).verbose_name)
        for tag, entry in sorted(languages.items()):
            if entry.get("by") == translations.SOURCE:
                who = _("published by the source %(id)s") % {"id": entry.get("source", "")}
            else:
                who = _("translated by %(who)s") % {"who": entry.get("translator") or _("the archive")}
            rows.append(
                format_html(
                    '<li>{} ({}): <span lang="{}" dir="{}">{}</span> <small>— {}</small></li>',
                    label,
                    translations.language_name(tag),
                    tag,
                    translations.direction(tag),
                    entry.get("text", ""),
                    who,
                )
            )
    return format_html("<ul>{}</ul>", format_html_join("", "{}", ((row,) for row in rows))) if rows else "—"


class MissingTranslationFilter(admin.SimpleListFilter):
    """Records with a text not yet in a language (its title, description or another translatable text)."""

    title = _("missing translation")
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        return [(tag, _("in %(language)s") % {"language": translations.language_name(tag)}) for tag in EDITED]

    def queryset(self, request, queryset):
        tag = self.value()
        if tag not in EDITED:
            return queryset
        record_type = registry.of(queryset.model)
        missing = Q()
        for name in record_type.translatable:
            # (No translation of the field at all: its key is absent, and has_key on it would be NULL.)
            untranslated = Q(**{f"translations__{name}__isnull": True}) | ~Q(**{f"translations__{name}__has_key": tag})
            missing |= ~Q(**{name: ""}) & untranslated
        return queryset.exclude(original_language=tag).filter(missing)
