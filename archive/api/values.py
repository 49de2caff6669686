"""What each kind of value looks like in an API record, as plain data.

A linked record appears as a summary `{id, type, name, url}` only if the public may see it; a hidden
one leaves no trace (a list omits it, a single link is null, as if there were none). The one agreed
exception is an arrest's `detainee`, which says "a detainee, name withheld" for an at-risk person.
"""

from functools import cache

from django.urls import reverse

from archive import registry, translations

_PLACEHOLDER = "public-id-placeholder"


@cache
def _detail_path(key: str) -> str:
    """Reversing once per type, not once per related record: public ids need no escaping."""
    return reverse(f"api:{key}-detail", args=[_PLACEHOLDER])


def api_url(record, request=None) -> str:
    path = _detail_path(registry.key_of(record)).replace(_PLACEHOLDER, record.public_id)
    return request.build_absolute_uri(path) if request else path


def summary(record, request=None) -> dict | None:
    """{id, type, name, url} of a public record (and `coordinates` of a place that has them), else None."""
    if record is None or not record.is_public:
        return None
    record_type = registry.of(record)
    data = {
        "id": record.public_id,
        "type": record_type.key,
        # A linked record's title in the client's language where it has one (a name: the primary name).
        "name": record_type.label_of(record) if record_type.named else translations.title_in(record),
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
        "note": translations.text_of(record, "date_note").text if hasattr(record, "translations") else record.date_note,
    }


def claim(row, request=None, *, group: bool = False) -> dict:
    data = {
        "words": row.words,
        "low": row.low,
        "high": row.high,
        "claimant": row.claimant,
        "claimant_kind": row.claimant_kind,
        "source": summary(row.source, request),
        "footnote": row.footnote,
        "note": row.note,
    }
    if group:
        data["group"] = row.group
    return data


def other_name(row) -> dict:
    return {"name": row.name, "language": row.language_id, "kind": row.kind}


def statement_text(row) -> dict:
    return {"language": row.language_id, "original": row.is_original, "text": row.text, "translator": row.translator}


def slogan(row) -> dict:
    return {"text": row.text, "language": row.language_id, "translation": row.translation}


def role(row, request=None) -> dict | None:
    """A person's role; None (left out) if it was held in an organization the public may not see, since
    even the role's words would tell that the person belongs to it."""
    if row.organization_id is not None and not row.organization.is_public:
        return None
    return {"role": row.role, "organization": summary(row.organization, request), "date": partial_date(row)}


def citation(row, request=None) -> dict | None:
    """A citation of a public source (None, left out, for a hidden one)."""
    if not row.source.is_public:
        return None
    return {
        "source": summary(row.source, request),
        "cited_in": summary(row.cited_in, request),
        "footnote": row.footnote,
        "page": row.page,
        "quote": row.quote,
        "quote_translation": row.quote_translation,
        "url": row.source.url,
        "archived_url": row.source.archived_url,
    }
