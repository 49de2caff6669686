"""Read serializers for the public API, one named class per record type, each derived from its
registry entry (`archive.api.fields.record_fields`). Related records appear as compact summaries and
only if they pass the public gate; hidden ones leave no trace."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from archive import models, registry
from archive.api import fields, values
from archive.registry import Kind, RecordType


class RecordSerializer(serializers.Serializer):
    """Fields every public record has; a subclass names its `record_type` and gets the rest from it."""

    record_type: RecordType

    id = serializers.CharField(source="public_id", read_only=True)
    type = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    updated = serializers.DateTimeField(read_only=True)
    wikidata_qid = serializers.CharField(read_only=True)
    public_note = fields.TranslatedTextField("public_note")
    original_language = serializers.CharField(
        read_only=True, help_text="BCP 47 tag of the language the record's texts were written in (their original)."
    )
    translations = fields.TranslationsField()
    citations = fields.CitationsField()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = {k: v for k, v in fields.record_fields(cls.record_type).items() if k not in cls._declared_fields}
        cls._declared_fields = {**cls._declared_fields, **own}

    @extend_schema_field(serializers.ChoiceField(choices=registry.KEYS))
    def get_type(self, obj) -> str:
        return registry.key_of(obj)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return values.api_url(obj, self.context.get("request"))

    @classmethod
    def reads(cls) -> tuple[list[str], list]:
        """What a list of these records reads besides their rows: (select_related, prefetch_related)."""
        return reads(cls.record_type)


def _labelled(path: str, target) -> list[str]:
    """A relation path and the relations its records' labels read (an arrest's label is its detainee)."""
    shown = registry.BY_MODEL.get(target)
    return [path, *(f"{path}__{label}" for label in (shown.label_paths if shown else ()))]


def _many(path: str, target):
    """Prefetch a to-many relation, with what its records' labels read joined in."""
    path, *label_paths = _labelled(path, target)
    if not label_paths:
        return path
    joined = [p.split("__", 1)[1] for p in label_paths]
    return Prefetch(path, queryset=target._default_manager.select_related(*joined))


def reads(record_type: RecordType) -> tuple[list[str], list]:
    """(select_related, prefetch_related) for the fields `record_fields` derives: one query per relation."""
    select = list(record_type.label_paths)
    prefetch = [Prefetch("citations", queryset=models.Citation.objects.select_related("source", "cited_in"))]
    for spec in record_type.public_fields:
        if spec.kind == Kind.RECORD:
            select += _labelled(spec.name, spec.target)
        elif spec.kind == Kind.RECORDS:
            prefetch.append(_many(spec.name, spec.target))
        elif spec.kind in Kind.MANY:
            prefetch.append(spec.name)
    for part in record_type.parts:
        links = [link.split("__", 1)[1] for link in part.record_links(record_type.model)]
        if not links:  # (select_related() with no names would join every foreign key)
            prefetch.append(part.accessor)
            continue
        rows = part.model(record_type.model)._default_manager.select_related(*links)
        prefetch.append(Prefetch(part.accessor, queryset=rows))
    for path in record_type.reverse:
        prefetch.append(_many(path, record_type.target(path)))
    return list(dict.fromkeys(select)), prefetch


class ProtestSerializer(RecordSerializer):
    """A protest: a rally, march, strike or online campaign, with its places, organizers, slogans and size claims."""

    record_type = registry.get("protests")


class ArrestSerializer(RecordSerializer):
    """An arrest: a named detainee (withheld if at risk) or an unnamed group with count claims."""

    record_type = registry.get("arrests")


class StatementSerializer(RecordSerializer):
    """A statement: who spoke, in what form, its texts, and what it was about."""

    record_type = registry.get("statements")


class OrganizationSerializer(RecordSerializer):
    """An organization: political group, state body, university…"""

    record_type = registry.get("organizations")


class MediaOutletSerializer(RecordSerializer):
    """A media outlet: newspaper, channel or site, with its languages and affiliation."""

    record_type = registry.get("media-outlets")


class PersonSerializer(RecordSerializer):
    """A person, with other names and roles."""

    record_type = registry.get("people")


class PlaceSerializer(RecordSerializer):
    """A place, from a country to a single site, with coordinates if known."""

    record_type = registry.get("places")


class SourceSerializer(RecordSerializer):
    """A source: a bibliographic item that records cite."""

    record_type = registry.get("sources")


# Each type's read serializer: what the public read model (archive.readmodel) derives its documents with.
SERIALIZERS: dict[str, type[RecordSerializer]] = {cls.record_type.key: cls for cls in RecordSerializer.__subclasses__()}
