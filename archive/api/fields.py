"""The read API's fields, one per kind of value (`registry.Kind`) and per kind of part, and the shapes
the OpenAPI schema gives them.

`record_fields(record_type)` derives a type's fields from its registry entry: its public spec fields
(by kind, under their `api_name`), its `api_groups`, its parts, its `reverse` lists and its
`computed` columns. A field added to a type's spec appears in its API records with no edit here.
The values themselves are made in `archive.api.values`; the `…Serializer` classes below only
document them (schema components), and tests/test_api_schema.py checks that they agree.
"""

import abc
from itertools import chain

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from archive import registry, translations
from archive.api import values
from archive.dates import DatePrecision
from archive.models import ClaimantKind, NameKind
from archive.registry import Claims, Kind, Names, Roles, Texts

# What a tombstone says became of a record (archive.changes writes them): only a withdrawal is named as such,
# since that a record was restricted or a person is at risk is itself not public.
TOMBSTONE_STATUSES = ("withdrawn", "unpublished", "deleted", "renamed", "merged")

# --- the shapes, for the schema ------------------------------------------------------------------


class SummarySerializer(serializers.Serializer):
    """A public record linked from another: enough to show and follow the link (`url`, its API record)."""

    id = serializers.CharField()
    type = serializers.ChoiceField(choices=registry.KEYS)
    name = serializers.CharField()
    url = serializers.URLField()
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        required=False,
        help_text="[longitude, latitude], for a place that has coordinates.",
    )


class PartialDateSerializer(serializers.Serializer):
    """A date as precisely as the sources give it: `start` with a `precision` (a day, part of a month, a month, a
    year, a decade, or about a day: ±15 days), and `end` for a range; "October 2020" is start 2020-10-01 with
    precision `month`. An undated record has precision `undated` and no start."""

    start = serializers.DateField(
        allow_null=True, help_text=_("The day, or the first day of the month, year or decade it is known to.")
    )
    end = serializers.DateField(allow_null=True, help_text=_("The last day of a range; null for a single date."))
    precision = serializers.ChoiceField(choices=DatePrecision.choices)
    display = serializers.CharField(help_text=_("As it reads: “October 2020”, “mid-October 2020”, “1990s”."))
    note = serializers.CharField(allow_blank=True)


class ClaimSerializer(serializers.Serializer):
    """A figure as one source claims it: the words as written, a low and a high figure, and who claimed it."""

    words = serializers.CharField(allow_blank=True, help_text=_("As written: “hundreds”, “about a hundred”."))
    low = serializers.IntegerField(allow_null=True)
    high = serializers.IntegerField(allow_null=True)
    claimant = serializers.CharField(allow_blank=True)
    claimant_kind = serializers.ChoiceField(choices=ClaimantKind.choices)
    source = SummarySerializer(allow_null=True)
    footnote = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class GroupClaimSerializer(ClaimSerializer):
    """A claim of how many signed, and who they were."""

    group = serializers.CharField()


class OtherNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    language = serializers.CharField()
    kind = serializers.ChoiceField(choices=NameKind.choices)


class TextSerializer(serializers.Serializer):
    language = serializers.CharField()
    original = serializers.BooleanField()
    text = serializers.CharField()
    translator = serializers.CharField(allow_blank=True)


class SloganSerializer(serializers.Serializer):
    text = serializers.CharField()
    language = serializers.CharField()
    translation = serializers.CharField(allow_blank=True)


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    organization = SummarySerializer(allow_null=True)
    date = PartialDateSerializer()


class CitationSerializer(serializers.Serializer):
    """Where a record's facts come from: the source, the footnote or page, and the passage quoted."""

    source = SummarySerializer()
    cited_in = SummarySerializer(allow_null=True)
    footnote = serializers.IntegerField(allow_null=True)
    page = serializers.CharField(allow_blank=True)
    quote = serializers.CharField(allow_blank=True)
    quote_translation = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    archived_url = serializers.CharField(allow_blank=True)


class TranslationSerializer(serializers.Serializer):
    """One text in one language other than its original."""

    text = serializers.CharField()
    by = serializers.ChoiceField(
        choices=translations.PROVENANCE,
        help_text="`archive`: the archive's own translation; `source`: published by the source `source` names.",
    )
    source = serializers.CharField(required=False, help_text="The public id of the source that published it.")


def _by_language():
    return serializers.DictField(
        child=TranslationSerializer(), required=False, help_text="By BCP 47 language tag (az-Latn, fa, tr…)."
    )


class TranslationsSerializer(serializers.Serializer):
    """Every translation of a record's texts, by field and language. The original of each text is the record's
    field itself, written in its `original_language`; a field without translations is left out."""

    title = _by_language()
    description = _by_language()
    summary = _by_language()
    date_note = _by_language()
    public_note = _by_language()


class TombstoneSerializer(serializers.Serializer):
    """A record that stopped being public: a mirror removes it (a merged one lives on as `merged_into`)."""

    id = serializers.CharField()
    type = serializers.ChoiceField(choices=registry.KEYS)
    status = serializers.ChoiceField(choices=TOMBSTONE_STATUSES)
    removed_at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True, help_text=_("The public reason, for a withdrawal."))
    merged_into = serializers.CharField(
        allow_null=True,
        help_text=_("For a merged record: the public id of the published record it was merged into."),
    )


# --- the fields ----------------------------------------------------------------------------------


class ReadField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    @property
    def request(self):
        return self.context.get("request")


class RowsField(ReadField, abc.ABC):
    """A list made of related rows, each by `one(row)`; rows that give None are left out."""

    def to_representation(self, manager):
        return [value for value in (self.one(row) for row in manager.all()) if value is not None]

    @abc.abstractmethod
    def one(self, row):
        """How one row reads in the API, or None to leave it out."""


@extend_schema_field(SummarySerializer)
class LinkField(ReadField):
    """A linked record as a summary; null if there is none or the public may not see it."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, record):
        return values.summary(record, self.request)


@extend_schema_field(SummarySerializer(many=True))
class LinksField(ReadField):
    """Linked records (through one relation or several, as a statement's speakers), public ones only."""

    def __init__(self, paths: tuple[str, ...], **kwargs):
        self.paths = paths
        super().__init__(source="*", **kwargs)

    def to_representation(self, record):
        related = chain.from_iterable(getattr(record, path).all() for path in self.paths)
        return values.summaries(related, self.request)


@extend_schema_field(OpenApiTypes.STR)
class TranslatedTextField(ReadField):
    """A text the record may hold in several languages: in the language the client asked for (`?lang=` or
    Accept-Language) where the record has it, else the original (`original_language` says which)."""

    def __init__(self, name: str, **kwargs):
        self.name_ = name
        super().__init__(source="*", **kwargs)

    def to_representation(self, record):
        return translations.text_of(record, self.name_).text


@extend_schema_field(TranslationsSerializer)
class TranslationsField(ReadField):
    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, record):
        return translations.public(record)


@extend_schema_field(PartialDateSerializer)
class PartialDateField(ReadField):
    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, record):
        return values.partial_date(record)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class LanguagesField(RowsField):
    def one(self, row):
        return row.code


@extend_schema_field(SloganSerializer(many=True))
class SlogansField(RowsField):
    def one(self, row):
        return values.slogan(row)


@extend_schema_field(OtherNameSerializer(many=True))
class OtherNamesField(RowsField):
    def one(self, row):
        return values.other_name(row)


@extend_schema_field(ClaimSerializer(many=True))
class ClaimsField(RowsField):
    def one(self, row):
        return values.claim(row, self.request)


@extend_schema_field(GroupClaimSerializer(many=True))
class GroupClaimsField(RowsField):
    def one(self, row):
        return values.claim(row, self.request, group=True)


@extend_schema_field(TextSerializer(many=True))
class TextsField(RowsField):
    def one(self, row):
        return values.statement_text(row)


@extend_schema_field(RoleSerializer(many=True))
class RolesField(RowsField):
    def one(self, row):
        return values.role(row, self.request)


@extend_schema_field(CitationSerializer(many=True))
class CitationsField(RowsField):
    def one(self, row):
        return values.citation(row, self.request)


class ChoiceValueField(ReadField):
    """A choice's stored value; the schema names its enum once for the read and write shapes (the choices'
    class in `ENUM_NAME_OVERRIDES`: `ProtestKind`, not `ProtestKindEnum` and `ProtestWriteKindEnum`)."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value


class ChoiceValueSchema(OpenApiSerializerFieldExtension):
    target_class = ChoiceValueField

    def map_serializer_field(self, auto_schema, direction):
        # As a ChoiceField of the same choices, so the enum carries the hash its named override is found by.
        return build_choice_field(serializers.ChoiceField(choices=self.target.choices))


@extend_schema_field({"type": "string"})
class ComputedField(ReadField):
    def __init__(self, computed, **kwargs):
        self.compute = computed.value
        super().__init__(source="*", help_text=computed.description, **kwargs)

    def to_representation(self, record):
        return self.compute(record)


# --- from the registry ---------------------------------------------------------------------------


def value_field(spec) -> serializers.Field:
    """The read field of one public spec field, by its kind."""
    model_field = None if spec.kind == Kind.DATE else spec.model_field
    common = {"help_text": spec.help_text, "source": spec.name if spec.api_name else None}
    if spec.translatable:
        return TranslatedTextField(spec.name, help_text=spec.help_text)
    if spec.kind == Kind.DATE:
        return PartialDateField()
    if spec.kind == Kind.RECORD:
        return LinkField(**common)
    if spec.kind == Kind.RECORDS:
        return LinksField((spec.name,), help_text=spec.help_text)
    if spec.kind == Kind.LANGUAGE:
        return serializers.CharField(read_only=True, allow_null=True, **{**common, "source": f"{spec.name}_id"})
    if spec.kind == Kind.LANGUAGES:
        return LanguagesField(**common)
    if spec.kind == Kind.SLOGANS:
        return SlogansField(**common)
    nullable = {"allow_null": model_field.null}
    if spec.kind == Kind.CHOICE:
        return ChoiceValueField(model_field.choices, **common)
    if spec.kind == Kind.INTEGER:
        return serializers.IntegerField(read_only=True, **nullable, **common)
    if spec.kind == Kind.NUMBER:  # a JSON number, as a summary's coordinates
        return serializers.FloatField(read_only=True, **nullable, **common)
    if spec.kind == Kind.DAY:
        return serializers.DateField(read_only=True, **nullable, **common)
    if spec.kind == Kind.BOOLEAN:
        return serializers.BooleanField(read_only=True, **common)
    return serializers.CharField(read_only=True, **common)


def part_field(part) -> tuple[str, serializers.Field]:
    """The API key and field of one kind of part."""
    if isinstance(part, Names):
        key, field_class = "other_names", OtherNamesField
    elif isinstance(part, Claims):
        key, field_class = part.accessor, GroupClaimsField if part.group else ClaimsField
    elif isinstance(part, Texts):
        key, field_class = "texts", TextsField
    elif isinstance(part, Roles):
        key, field_class = "roles", RolesField
    else:
        raise TypeError(f"no API field for the part {part!r}")
    return key, field_class(**({} if key == part.accessor else {"source": part.accessor}))


def record_fields(record_type) -> dict[str, serializers.Field]:
    """A record type's own API fields, in its spec's order, then its parts, reverse lists and computed columns."""
    grouped = {name: group for group, names in record_type.api_groups.items() for name in names}
    found: dict[str, serializers.Field] = {}
    for spec in record_type.public_fields:
        group = grouped.get(spec.name)
        if group is None:
            found[spec.public_name] = value_field(spec)
        elif group not in found:
            found[group] = LinksField(record_type.api_groups[group])
    for part in record_type.parts:
        key, field = part_field(part)
        found[key] = field
    for path in record_type.reverse:
        found[path] = LinksField((path,))
    for computed in record_type.computed:
        found[computed.name] = ComputedField(computed)
    return found
