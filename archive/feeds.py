"""Atom feeds of the records most recently published or changed, per type (`/<lang>/<type>/feed/`), filtered
with the type's list filters (the same FilterSet as its list and the API); a filter that cannot be applied is
a 400 naming it."""

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from archive import registry
from archive.cache import cache_public
from archive.filters import filterset_for
from archive.pages import title_of

FEED_SIZE = 50


class BadFilter(Exception):
    """The feed's parameters cannot be applied; str() names each parameter and why."""


class RecordFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadFilter as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")

    def get_object(self, request, kind: str):
        record_type = registry.BY_KEY.get(kind)
        if record_type is None:
            raise Http404
        model = record_type.model
        data = request.GET.copy()
        data.pop("sort", None)  # a list's sort: a feed is always the most recently changed first
        filterset = filterset_for(model)(data, queryset=model.objects.published())
        if not filterset.is_valid():
            errors = filterset.form.errors
            raise BadFilter("\n".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))
        # A Feed serves every request: what a request chose travels in the object, never on the instance.
        return record_type, filterset.qs, request.GET.urlencode()

    def title(self, obj) -> str:
        record_type, _records, _query = obj
        return _("%(records)s recently published or changed — Karabakh 2020 response archive") % {
            "records": capfirst(record_type.verbose_name_plural)
        }

    def link(self, obj) -> str:
        """The list these entries come from, with the same filters."""
        record_type, _records, query = obj
        url = reverse("archive:list", args=[record_type.key])
        return f"{url}?{query}" if query else url

    def subtitle(self, obj) -> str:
        return _("The %(n)d records of this list changed most recently.") % {"n": FEED_SIZE}

    def items(self, obj) -> list:
        record_type, records, _query = obj
        return list(records.select_related(*record_type.label_paths).order_by("-updated", "-pk")[:FEED_SIZE])

    def item_title(self, item) -> str:
        return title_of(item)

    def item_description(self, item) -> str:
        parts = [str(item._meta.verbose_name), getattr(item, "date_display", "")]
        return " — ".join(part for part in parts if part)

    def item_updateddate(self, item):
        return item.updated

    def item_pubdate(self, item):
        return item.created


FEED = RecordFeed()


@cache_public
def record_feed(request, kind: str):
    return FEED(request, kind=kind)
