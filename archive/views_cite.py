"""A public record's citation for reference managers (`cite.bib`, `cite.ris`, `cite.json`), found as its page
finds it: through the public gate; a withdrawn record answers 410 with its reason, a merged-away id points to
the record it was merged into, anything else is not found."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive import citeformats, registry
from archive.cache import cache_public
from archive.pages import title_of
from archive.views import Answered, published_or_answer


def cited(request, record) -> citeformats.Cited:
    return citeformats.Cited(
        public_id=record.public_id,
        title=title_of(record),
        kind=str(record._meta.verbose_name),
        url=request.build_absolute_uri(record.get_absolute_url()),
        archive=_("Karabakh 2020 response archive"),
        changed=record.updated.date(),
        start=getattr(record, "date_start", None),
        end=getattr(record, "date_end", None),
        precision=getattr(record, "date_precision", citeformats.DatePrecision.UNDATED),
        language=get_language() or "",
    )


@cache_public
def record_cite(request, kind: str, public_id: str, fmt: str):
    record_type = registry.BY_KEY.get(kind)
    if record_type is None or fmt not in citeformats.FORMATS:
        raise Http404

    def moved_to(kept) -> str:
        return reverse("archive:cite", args=[kind, kept.public_id, fmt])

    try:
        record = published_or_answer(request, record_type, public_id, moved_to=moved_to)
    except Answered as answered:
        return answered.response
    write, content_type = citeformats.FORMATS[fmt]
    response = HttpResponse(write(cited(request, record)), content_type=content_type)
    # Kinds and public ids are slugs (the URL's converters): safe in a quoted filename as they are.
    response["Content-Disposition"] = f'attachment; filename="{kind}-{record.public_id}.{fmt}"'
    return response
