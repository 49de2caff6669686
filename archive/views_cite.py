"""A public record's citation for reference managers (`cite.bib`, `cite.ris`, `cite.json`), found as its page
finds it: through the public gate; a withdrawn record answers 410 with its reason, a merged-away id points to
the record it was merged into, anything else is not found."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive import citeformats, merge, registry
from archive.cache import cache_public
from archive.pages import title_of


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
    model = record_type.model
    record = model.objects.published().filter(public_id=public_id).first()
    if record is None:
        withdrawn = model.objects.withdrawn().filter(restricted=False, public_id=public_id).first()
        if withdrawn is not None and withdrawn.withdrawn_reason:
            context = {"record": withdrawn, "singular": model._meta.verbose_name}
            return render(request, "archive/withdrawn.html", context, status=410)
        survivor = merge.merged_survivor(model, public_id)
        if survivor is not None:
            return redirect(reverse("archive:cite", args=[kind, survivor.public_id, fmt]), permanent=True)
        raise Http404
    write, content_type = citeformats.FORMATS[fmt]
    response = HttpResponse(write(cited(request, record)), content_type=content_type)
    # Kinds and public ids are slugs (the URL's converters): safe in a quoted filename as they are.
    response["Content-Disposition"] = f'attachment; filename="{kind}-{record.public_id}.{fmt}"'
    return response
