"""A record's texts in several languages, each with who translated it, and the reader's language first.

A record's own text fields (its title, description, notes) are its original, in `original_language`.
Translations live beside them in the record's `translations` (one JSON value per record):

    {"title": {"fa": {"text": "…", "by": "archive", "translator": "leyla"},
               "tr": {"text": "…", "by": "source", "source": "source-aztv-2020-10-03"}}}

One value per record, not a table of rows: a translation is part of the record's text, so it is
saved, versioned (the record's history shows who changed which language), published, withdrawn,
exported and imported with the record, in the same write, with no join on any read. Which fields
may be translated is the field spec's (`Field.translatable`, `RecordType.translatable`).

Names are the other case: a place, person, organization or outlet is shown in the reader's
language or script when one of its other names is in it (`name_in`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive import registry

# The tag of the texts each interface language reads first: /az/ reads Azerbaijani in Latin script.
READER_TAGS = {"en": "en", "az": "az-Latn", "fa": "fa", "tr": "tr"}
ENGLISH_NAMES = {"en": "English", "az-Latn": "Azerbaijani (Latin script)", "fa": "Persian", "tr": "Turkish"}
RTL = ("fa", "ar", "az-Arab", "ckb", "he", "ur")
ARCHIVE, SOURCE = "archive", "source"
PROVENANCE = (ARCHIVE, SOURCE)
MAX_LENGTH = 20_000


def reader_tag(language: str | None = None) -> str:
    """The text language a reader of the interface language `language` (default: the active one) reads."""
    code = (language or get_language() or "en").split("-")[0].lower()
    return READER_TAGS.get(code, "en")


def api_language(value: str) -> str:
    """The interface language an API client's `?lang=` names (a tag such as az-Latn, or az); a 400 if none."""
    from rest_framework.exceptions import ValidationError

    wanted = value.strip()
    for code, tag in READER_TAGS.items():
        if wanted.lower() in (code, tag.lower()):
            return code
    raise ValidationError(
        {
            "lang": [
                _("Unknown language “%(value)s”: use one of %(tags)s.")
                % {"value": value[:40], "tags": ", ".join(READER_TAGS.values())}
            ]
        },
        code="unknown_language",
    )


def direction(tag: str) -> str:
    return "rtl" if tag in RTL or tag.split("-")[0] in RTL else "ltr"


@dataclass(frozen=True)
class Text:
    """A text as a reader gets it: in their language if the record has it, else the original."""

    text: str
    language: str  # the tag of what `text` is written in
    wanted: str  # the reader's tag
    original: str  # the original's tag
    own_original: str = ""  # the original, where the page shows it beside a translation (a source's title)
    by: str = ""  # "" for the original, else "archive" or "source"
    translator: str = ""
    source: str = ""

    def __str__(self) -> str:
        return self.text

    @property
    def untranslated(self) -> bool:
        """The reader wanted another language and gets the original."""
        return bool(self.text) and self.language != self.wanted

    @property
    def dir(self) -> str:
        return direction(self.language)

    @property
    def translated(self) -> bool:
        """A translation into the reader's language (not the original, nor a text in it)."""
        return bool(self.text) and self.language == self.wanted and bool(self.by)

    @property
    def note(self) -> str:
        """What the page says beside the text: that it is not yet translated, or who translated it."""
        original = {"language": language_name(self.original)}
        if self.untranslated:
            return _("Not yet translated — original in %(language)s") % original
        if not self.translated:
            return ""
        if self.by == SOURCE:
            return _("Translated from %(language)s; the translation is a source's:") % original
        return _("Translated from %(language)s by the archive") % original

    @property
    def source_url(self) -> str:
        """The page of the source that published the translation ("" if the archive made it)."""
        from django.urls import reverse

        return reverse("archive:detail", args=["sources", self.source]) if self.by == SOURCE and self.source else ""


def language_name(tag: str) -> str:
    """A language tag as the reader's interface names it."""
    names = {
        "en": _("English"),
        "az-Latn": _("Azerbaijani (Latin script)"),
        "az-Arab": _("Azerbaijani (Arabic script)"),
        "fa": _("Persian"),
        "tr": _("Turkish"),
        "ru": _("Russian"),
        "ar": _("Arabic"),
        "hy": _("Armenian"),
    }
    return str(names.get(tag, tag))


def text_of(record, field: str, language: str | None = None) -> Text:
    """The record's `field` for a reader of `language` (a tag; default: the active interface's)."""
    wanted = language or reader_tag()
    spec = _spec(record, field)
    original = (getattr(record, f"{spec.written_in}_id", None) if spec and spec.written_in else None) or (
        getattr(record, "original_language", "") or "en"
    )
    own = getattr(record, field) or ""
    if wanted == original or not own:
        return Text(own, original, wanted, original)
    if wanted == "en" and spec and spec.english and getattr(record, spec.english):
        return Text(getattr(record, spec.english), "en", "en", original, own_original=own)
    found = ((getattr(record, "translations", None) or {}).get(field) or {}).get(wanted)
    if isinstance(found, dict) and found.get("text"):
        return Text(
            found["text"],
            wanted,
            wanted,
            original,
            own_original=own if spec and spec.written_in else "",
            by=found.get("by", ARCHIVE),
            translator=found.get("translator", ""),
            source=found.get("source", ""),
        )
    return Text(own, original, wanted, original)


def _spec(record, field: str):
    return next((f for f in registry.of(record).fields if f.name == field), None)


# --- names -------------------------------------------------------------------------------------------

NAME_KINDS_FIRST = ("native", "translation", "transliteration", "variant")


def name_in(record, language: str | None = None) -> str:
    """A named record's name as a reader of `language` reads it: its primary name in English (the
    archive's working language, whose readers cite it by that name) or when it is in that language,
    else its other name in that language or script (native and translated forms before variants),
    else its primary name. Reads other names only if they were prefetched (no query)."""
    wanted = language or reader_tag()
    primary = record.name
    if wanted == "en" or getattr(record, "name_language_id", None) == wanted:
        return primary  # the archive's working language reads the name it cites the record by
    cache = getattr(record, "_prefetched_objects_cache", {})
    names = cache.get("other_names")
    if names is None:
        return primary
    rank = {kind: i for i, kind in enumerate(NAME_KINDS_FIRST)}
    # Not an abbreviation, a former name or a pseudonym: those are other names, not the name in a language.
    found = [n for n in names if n.language_id == wanted and n.kind in rank]
    if not found:
        return primary
    return min(found, key=lambda n: (rank[n.kind], n.pk)).name


def names_in(record_type, ids, language: str | None = None) -> dict[int, str]:
    """{pk: other name in the reader's language or script} for named records among `ids` (a list, or a queryset
    of their keys: thousands of ids bound one by one cost five times the query), in one query (none in English,
    or for a type without names): what `name_in` would choose for each."""
    wanted = language or reader_tag()
    if wanted == "en" or not record_type.named:
        return {}
    names = record_type.model._meta.get_field("other_names").related_model
    rank = {kind: i for i, kind in enumerate(NAME_KINDS_FIRST)}
    found: dict[int, tuple] = {}
    owners = ids if isinstance(ids, QuerySet) else list(ids)
    rows = names.objects.filter(owner_id__in=owners, language_id=wanted, kind__in=list(rank))
    for owner, name, kind, pk in rows.values_list("owner_id", "name", "kind", "pk"):
        key = (rank[kind], pk)
        if owner not in found or key < found[owner][0]:
            found[owner] = (key, name)
    return {owner: name for owner, (_key, name) in found.items()}


def label_in(record_type, label: str, value: dict | None, name: str | None, language: str | None = None) -> str:
    """A record's label read as values (its label field, its translations, its name from `names_in`), in the
    reader's language where it has it: as `title_in` gives it for the record itself."""
    if name:
        return name
    field = record_type.label_field
    if record_type.named or field not in record_type.translatable:
        return label
    spec = next(f for f in record_type.fields if f.name == field)
    if spec.written_in:  # (a source's title: its language is another column) the record itself knows best
        return label
    entry = ((value or {}).get(field) or {}).get(language or reader_tag()) or {}
    return entry.get("text") or label


def title_in(record, language: str | None = None) -> str:
    """What the public calls a record, in the reader's language where the record has it."""
    record_type = registry.of(record)
    if record_type.named:
        return name_in(record, language)
    if record_type.label_field and record_type.label_field in record_type.translatable:
        return text_of(record, record_type.label_field, language).text
    return str(record_type.label_of(record))


def heading(record, language: str | None = None) -> Text:
    """The record's name or title as its page heads it, with the language it is in."""
    wanted = language or reader_tag()
    record_type = registry.of(record)
    if record_type.label_field and record_type.label_field in record_type.translatable:
        return text_of(record, record_type.label_field, wanted)
    name = title_in(record, wanted)
    if record_type.named and name != record.name:  # its other name in the reader's language; the page adds its own
        original = getattr(record, "name_language_id", None) or ""
        return Text(name, wanted, wanted, original, own_original=record.name)
    # A primary name (its language if known) or a label made from others (an arrest's detainee).
    own = getattr(record, "name_language_id", None) or (record.original_language if record_type.named else wanted)
    return Text(name, own, own, own)


def public(record) -> dict:
    """The record's translations as the public gets them (API, exports): of its public texts only (a
    withdrawal's reason is public only on a withdrawn record's answer), each with its provenance."""
    record_type = registry.of(record)
    shown = {f.name for f in record_type.fields if f.translatable and f.public} | {"public_note"}
    if getattr(record_type, "dated", False):
        shown.add("date_note")
    # Who in the archive translated a text is the archive's to know (its history), not the public's:
    # the public reads that the archive translated it.
    return {
        field: {tag: {k: v for k, v in entry.items() if k != "translator"} for tag, entry in languages.items()}
        for field, languages in (record.translations or {}).items()
        if field in shown
    }


def searchable(record_type, value) -> tuple[list[str], list[str]]:
    """A record's translations as search reads them: (its title's translations, which rank as names;
    the translations of its other texts)."""
    names, texts = [], []
    for field, languages in (value or {}).items():
        found = [entry["text"] for entry in languages.values() if isinstance(entry, dict) and entry.get("text")]
        (names if field == record_type.label_field else texts).extend(found)
    return names, texts


# --- checking a value --------------------------------------------------------------------------------


def problems(record_type, value) -> list[str]:
    """What is wrong with a `translations` value for a record of `record_type` (empty: nothing)."""
    from archive.models.base import language_tag_validator

    if value in (None, ""):
        return []
    if not isinstance(value, dict):
        return [_("Translations must be an object of fields, each an object of languages.")]
    found = []
    for field, languages in value.items():
        if field not in record_type.translatable:
            found.append(
                _("%(field)s cannot be translated; these can: %(fields)s.")
                % {"field": field, "fields": ", ".join(record_type.translatable)}
            )
            continue
        if not isinstance(languages, dict):
            found.append(_("The translations of %(field)s must be an object of languages.") % {"field": field})
            continue
        for tag, entry in languages.items():
            where = f"{field}[{tag}]"
            try:
                language_tag_validator(tag)
            except ValidationError:
                found.append(
                    _("%(where)s: “%(tag)s” is not a BCP 47 tag such as az-Latn.") % {"where": where, "tag": tag}
                )
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) or not entry["text"].strip():
                found.append(_("%(where)s needs a text.") % {"where": where})
                continue
            unknown = set(entry) - {"text", "by", "translator", "source"}
            if unknown:
                found.append(
                    _("%(where)s: unknown keys %(keys)s.") % {"where": where, "keys": ", ".join(sorted(unknown))}
                )
            if len(entry["text"]) > MAX_LENGTH:
                found.append(_("%(where)s is longer than %(n)s characters.") % {"where": where, "n": MAX_LENGTH})
            by = entry.get("by", ARCHIVE)
            if by not in PROVENANCE:
                found.append(
                    _("%(where)s: “by” is “archive” (the archive's translation) or “source” (a source's).")
                    % {"where": where}
                )
            elif by == SOURCE and not entry.get("source"):
                found.append(
                    _("%(where)s: a source's translation names the source (its public id).") % {"where": where}
                )
            for key in ("translator", "source"):
                if key in entry and not isinstance(entry[key], str):
                    found.append(_("%(where)s: “%(key)s” must be text.") % {"where": where, "key": key})
    return found


def unknown_sources(value) -> list[str]:
    """Problems with the sources a value's translations name: each must be a source the archive has."""
    from archive.models import Source

    if not isinstance(value, dict):
        return []
    named = {
        entry["source"]
        for languages in value.values()
        if isinstance(languages, dict)
        for entry in languages.values()
        if isinstance(entry, dict) and isinstance(entry.get("source"), str) and entry.get("by") == SOURCE
    }
    if not named:
        return []
    known = set(Source.objects.filter(public_id__in=named).values_list("public_id", flat=True))
    return [
        _("No source has the public id “%(id)s” (named as a translation's source).") % {"id": missing}
        for missing in sorted(named - known)
    ]


def stamped(old, new, translator: str):
    """`new` with `translator` noted on each of the archive's translations that is new or changed since
    `old` and names no translator; unchanged ones keep theirs. Not a dict: returned as given (refused later)."""
    if not isinstance(new, dict):
        return new
    out = {}
    for field, languages in new.items():
        if not isinstance(languages, dict):
            out[field] = languages
            continue
        out[field] = {}
        for tag, entry in languages.items():
            before = ((old or {}).get(field) or {}).get(tag) or {}
            if isinstance(entry, dict) and entry.get("by", ARCHIVE) == ARCHIVE and not entry.get("translator"):
                if before.get("text") == entry.get("text") and before.get("translator"):
                    entry = {**entry, "translator": before["translator"]}
                elif translator:
                    entry = {**entry, "translator": translator}
            out[field][tag] = entry
    return out


def cleaned(value) -> dict:
    """The value as stored: texts stripped, empty fields dropped, the archive's provenance written out."""
    out = {}
    for field, languages in (value or {}).items():
        kept = {}
        for tag, entry in sorted(languages.items()):
            entry = {key: entry[key].strip() for key in ("text", "by", "translator", "source") if entry.get(key)}
            entry.setdefault("by", ARCHIVE)
            kept[tag] = entry
        if kept:
            out[field] = kept
    return out
