"""Read serializers for the public API. Explicit fields only; related records
appear as compact summaries and only if they pass the public gate."""

from functools import cache

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from archive import registry
from archive.public import detainee_label


def api_url(record, request=None) -> str:
    path = _detail_path(registry.key_of(record)).replace(_PLACEHOLDER, record.public_id)
    return request.build_absolute_uri(path) if request else path


_PLACEHOLDER = "public-id-placeholder"


@cache
def _detail_path(key: str) -> str:
    """Reversing once per type, not once per related record: public ids need no escaping."""
    return reverse(f"api:{key}-detail", args=[_PLACEHOLDER])


def label(record) -> str:
    if record._meta.model_name == "arrest":  # str(arrest) names the detainee even when withheld
        return detainee_label(record)
    return getattr(record, "name", None) or getattr(record, "title", None) or str(record)


def summary(record, request=None) -> dict | None:
    """{id, type, name, url} of a public record, or None if the public may not see it."""
    if record is None or not record.is_public:
        return None
    data = {
        "id": record.public_id,
        "type": registry.key_of(record),
        "name": label(record),
        "url": api_url(record, request),
    }
    if getattr(record, "latitude", None) is not None and record.longitude is not None:
        data["coordinates"] = [float(record.longitude), float(record.latitude)]
    return data


def summaries(records, request=None) -> list[dict]:
    return [s for s in (summary(r, request) for r in records) if s is not None]


def partial_date(record) -> dict:
    return {
        "start": record.date_start.isoformat() if record.date_start else None,
        "end": record.date_end.isoformat() if record.date_end else None,
        "precision": record.date_precision,
        "display": record.date_display,
        "note": record.date_note,
    }


def claims(queryset, request=None) -> list[dict]:
    return [
        {
            "words": c.words,
            "low": c.low,
            "high": c.high,
            "claimant": c.claimant,
            "claimant_kind": c.claimant_kind,
            "source": summary(c.source, request),
            "footnote": c.footnote,
            "note": c.note,
            **({"group": c.group} if hasattr(c, "group") else {}),
        }
        for c in queryset
    ]


def other_names(record) -> list[dict]:
    return [{"name": n.name, "language": n.language_id, "kind": n.kind} for n in record.other_names.all()]


def citations(record, request=None) -> list[dict]:
    return [
        {
            "source": summary(c.source, request),
            "cited_in": summary(c.cited_in, request),
            "footnote": c.footnote,
            "page": c.page,
            "quote": c.quote,
            "quote_translation": c.quote_translation,
            "url": c.source.url,
            "archived_url": c.source.archived_url,
        }
        for c in record.citations.all()
        if c.source.is_public
    ]


class RecordSerializer(serializers.Serializer):
    """Fields every public record has."""

    id = serializers.CharField(source="public_id", read_only=True)
    type = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    updated = serializers.DateTimeField(read_only=True)
    wikidata_qid = serializers.CharField(read_only=True)
    public_note = serializers.CharField(read_only=True)
    citations = serializers.SerializerMethodField()

    def get_type(self, obj) -> str:
        return registry.key_of(obj)

    def get_url(self, obj) -> str:
        return api_url(obj, self.context.get("request"))

    def get_citations(self, obj) -> list[dict]:
        return citations(obj, self.context.get("request"))

    def request(self):
        return self.context.get("request")


class DatedSerializer(RecordSerializer):
    date = serializers.SerializerMethodField()

    def get_date(self, obj) -> dict:
        return partial_date(obj)


class NamedSerializer(RecordSerializer):
    name = serializers.CharField(read_only=True)
    name_language = serializers.CharField(source="name_language_id", read_only=True, allow_null=True)
    other_names = serializers.SerializerMethodField()
    description = serializers.CharField(read_only=True)

    def get_other_names(self, obj) -> list[dict]:
        return other_names(obj)


class PlaceSerializer(NamedSerializer):
    kind = serializers.CharField(read_only=True)
    parent = serializers.SerializerMethodField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, read_only=True, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, read_only=True, allow_null=True)

    def get_parent(self, obj) -> dict | None:
        return summary(obj.parent, self.request())


class PersonSerializer(NamedSerializer):
    roles = serializers.SerializerMethodField()

    def get_roles(self, obj) -> list[dict]:
        return [
            {"role": a.role, "organization": summary(a.organization, self.request()), "date": partial_date(a)}
            for a in obj.affiliations.all()
        ]


class OrganizationSerializer(NamedSerializer):
    kind = serializers.CharField(read_only=True)
    country = serializers.SerializerMethodField()
    based_in = serializers.SerializerMethodField()
    parent = serializers.SerializerMethodField()
    founded_year = serializers.IntegerField(read_only=True, allow_null=True)
    dissolved_year = serializers.IntegerField(read_only=True, allow_null=True)

    def get_country(self, obj) -> dict | None:
        return summary(obj.country, self.request())

    def get_based_in(self, obj) -> dict | None:
        return summary(obj.based_in, self.request())

    def get_parent(self, obj) -> dict | None:
        return summary(obj.parent, self.request())


class MediaOutletSerializer(NamedSerializer):
    kind = serializers.CharField(read_only=True)
    languages = serializers.SerializerMethodField()
    country = serializers.SerializerMethodField()
    base = serializers.CharField(read_only=True)
    affiliation = serializers.CharField(read_only=True)
    owner = serializers.SerializerMethodField()
    active_from = serializers.IntegerField(read_only=True, allow_null=True)
    active_until = serializers.IntegerField(read_only=True, allow_null=True)
    web_address = serializers.CharField(source="url", read_only=True)

    def get_languages(self, obj) -> list[str]:
        return [language.code for language in obj.languages.all()]

    def get_country(self, obj) -> dict | None:
        return summary(obj.country, self.request())

    def get_owner(self, obj) -> dict | None:
        return summary(obj.owner, self.request())


class SourceSerializer(DatedSerializer):
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    title_translation = serializers.CharField(read_only=True)
    authors = serializers.CharField(read_only=True)
    outlet = serializers.SerializerMethodField()
    publisher = serializers.CharField(read_only=True)
    language = serializers.CharField(source="language_id", read_only=True, allow_null=True)
    web_address = serializers.CharField(source="url", read_only=True)
    accessed = serializers.DateField(read_only=True, allow_null=True)
    archived_url = serializers.CharField(read_only=True)
    pages = serializers.CharField(read_only=True)
    reference_text = serializers.CharField(read_only=True)

    def get_outlet(self, obj) -> dict | None:
        return summary(obj.outlet, self.request())


class ProtestSerializer(DatedSerializer):
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    event_status = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    places = serializers.SerializerMethodField()
    organizers = serializers.SerializerMethodField()
    slogans = serializers.SerializerMethodField()
    size_claims = serializers.SerializerMethodField()
    arrests = serializers.SerializerMethodField()
    statements = serializers.SerializerMethodField()

    def get_places(self, obj) -> list[dict]:
        return summaries(obj.places.all(), self.request())

    def get_organizers(self, obj) -> list[dict]:
        return summaries(obj.organizers.all(), self.request())

    def get_slogans(self, obj) -> list[dict]:
        return [{"text": s.text, "language": s.language_id, "translation": s.translation} for s in obj.slogans.all()]

    def get_size_claims(self, obj) -> list[dict]:
        return claims(obj.size_claims.all(), self.request())

    def get_arrests(self, obj) -> list[dict]:
        return summaries(obj.arrests.all(), self.request())

    def get_statements(self, obj) -> list[dict]:
        return summaries(obj.statements.all(), self.request())


class ArrestSerializer(DatedSerializer):
    detainee = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()
    group_description = serializers.CharField(read_only=True)
    place = serializers.SerializerMethodField()
    protest = serializers.SerializerMethodField()
    authority = serializers.SerializerMethodField()
    accusation = serializers.CharField(read_only=True)
    formal_charge = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    outcome_date = serializers.DateField(read_only=True, allow_null=True)
    outcome_note = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    count_claims = serializers.SerializerMethodField()
    statements = serializers.SerializerMethodField()

    def get_detainee(self, obj) -> str:
        return detainee_label(obj)

    def get_person(self, obj) -> dict | None:
        """The named detainee, or None when there is none or the name is withheld."""
        return summary(obj.person, self.request())

    def get_place(self, obj) -> dict | None:
        return summary(obj.place, self.request())

    def get_protest(self, obj) -> dict | None:
        return summary(obj.protest, self.request())

    def get_authority(self, obj) -> dict | None:
        return summary(obj.authority, self.request())

    def get_count_claims(self, obj) -> list[dict]:
        return claims(obj.count_claims.all(), self.request())

    def get_statements(self, obj) -> list[dict]:
        return summaries(obj.statements.all(), self.request())


class StatementSerializer(DatedSerializer):
    title = serializers.CharField(read_only=True)
    form = serializers.CharField(read_only=True)
    speakers = serializers.SerializerMethodField()
    speaker_description = serializers.CharField(read_only=True)
    signatory_claims = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    summary = serializers.CharField(read_only=True)
    texts = serializers.SerializerMethodField()
    reported_in = serializers.SerializerMethodField()
    about = serializers.SerializerMethodField()

    def get_speakers(self, obj) -> list[dict]:
        people = [
            summary(p, self.request()) or {"id": None, "name": _("name withheld")} for p in obj.speaker_people.all()
        ]
        return people + summaries(obj.speaker_organizations.all(), self.request())

    def get_signatory_claims(self, obj) -> list[dict]:
        return claims(obj.signatory_claims.all(), self.request())

    def get_place(self, obj) -> dict | None:
        return summary(obj.place, self.request())

    def get_texts(self, obj) -> list[dict]:
        return [
            {"language": t.language_id, "original": t.is_original, "text": t.text, "translator": t.translator}
            for t in obj.texts.all()
        ]

    def get_reported_in(self, obj) -> list[dict]:
        return summaries(obj.reported_in.all(), self.request())

    def get_about(self, obj) -> list[dict]:
        related = [*obj.about_protests.all(), *obj.about_arrests.all(), *obj.about_statements.all()]
        return summaries(related, self.request())
