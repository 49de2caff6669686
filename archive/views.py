"""Public pages. Every query goes through the public gate (published())."""

from django.core.cache import cache as django_cache
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request

from archive import cache, charts, pages, registry, search
from archive.api.pagination import ArchiveCursorPagination
from archive.cache import cache_public
from archive.db import within_time_budget
from archive.filters import FILTERSETS
from archive.models import MediaOutlet, Organization, Person, Place, Source


@cache_public
def home(request):
    return render(request, "archive/home.html", charts.cached_home_context())


@cache_public
def search_page(request):
    query = request.GET.get("q", "")
    types = [t for t in request.GET.getlist("type") if t in registry.BY_KEY]
    error, groups = "", {}
    try:
        results = search.search(query, types=types or None)
    except search.SearchQueryError as exc:
        error, results = str(exc), []
    for result in results:
        groups.setdefault(result.record_type, []).append(result)
    labels = {t.key: t.verbose_name_plural for t in registry.TYPES}
    context = {
        "query": query,
        "types": types,
        "type_choices": list(labels.items()),
        "groups": [(labels[key], items) for key, items in groups.items()],
        "error": error,
        "empty_message": _("Nothing matches that search.") if query and not results and not error else "",
    }
    return render(request, "archive/search.html", context, status=400 if error else 200)


# Filters whose options show how many records each would find.
FACETS = ["kind", "event_status", "outcome", "form", "affiliation", "base"]
SORTS = {
    "date": ("date_start", "pk"),
    "-date": ("-date_start", "-pk"),
    "name": ("name", "pk"),
    "title": ("title", "pk"),
    "updated": ("-updated", "-pk"),
}


def _sorts_for(model) -> dict:
    names = {f.name for f in model._meta.get_fields()}
    allowed = {}
    for key, ordering in SORTS.items():
        if ordering[0].lstrip("-") in names:
            allowed[key] = ordering
    return allowed


def _facets(queryset, filterset) -> list[tuple[str, list[tuple[str, str, int]] | None]]:
    """Choice filters with how many records each option finds."""
    facets = []
    records = queryset.order_by()
    # A filter through a many-to-many relation joins rows; count each record once then.
    count = Count("pk", distinct=True) if records.query.distinct else Count("pk")
    for name in FACETS:
        if name not in filterset.filters:
            continue
        labels = dict(filterset.filters[name].extra.get("choices", []))
        rows = records.values(name).annotate(n=count)
        options = [(row[name], labels.get(row[name], row[name]), row["n"]) for row in rows if row[name]]
        facets.append((str(filterset.filters[name].label), sorted(options, key=lambda o: -o[2])))
    return facets


# Filters on related records whose options are listed with counts: filter name → path from the record.
RELATION_FACETS = {
    "protests": {"place": "places", "organization": "organizers"},
    "arrests": {"place": "place", "organization": "authority", "person": "person"},
    "statements": {"place": "place", "organization": "speaker_organizations", "person": "speaker_people"},
    "organizations": {"place": "based_in"},
    "media-outlets": {"place": "country"},
    "people": {"organization": "affiliations__organization"},
    "places": {"within": "parent"},
    "sources": {"outlet": "outlet"},
}
TARGETS = {
    "place": Place,
    "within": Place,
    "organization": Organization,
    "person": Person,
    "outlet": MediaOutlet,
}


# A list offers at most this many related records as options (the busiest first).
MAX_OPTIONS = 200


def _relation_options(queryset, name: str, path: str, selected: str = "") -> list[tuple[str, str, int]]:
    """(public id, name, count) for each public related record, counting each record once;
    a place also counts the records of the places inside it.

    Counting runs in the database: records linked to one place add their count to that place and
    its ancestors; only records linked to several places are walked one by one, so a record under
    two cities of one province still counts once for the province.
    """
    target = TARGETS[name]
    records = queryset.order_by()
    if target is not Place:
        linked = records.filter(**{f"{path}__isnull": False}).values(path).annotate(n=Count("pk", distinct=True))
        counts = {row[path]: row["n"] for row in linked}
    else:
        counts = _place_counts(records, path)
    public = target.objects.published().filter(pk__in=list(counts)).values_list("pk", "public_id", "name")
    options = sorted(((public_id, label, counts[pk]) for pk, public_id, label in public), key=lambda o: (-o[2], o[1]))
    chosen = [option for option in options[MAX_OPTIONS:] if option[0] == selected]
    return options[:MAX_OPTIONS] + chosen


def _place_counts(records, path: str) -> dict[int, int]:
    parents = _place_parents()
    linked = records.filter(**{f"{path}__isnull": False}).values("pk").annotate(links=Count(path, distinct=True))
    counts: dict[int, int] = {}
    single = records.filter(pk__in=linked.filter(links=1).values("pk")).values(path).annotate(n=Count("pk"))
    for row in single:
        for place in _ancestry(row[path], parents):
            counts[place] = counts.get(place, 0) + row["n"]
    reached: dict[int, set] = {}
    for record_id, place_id in records.filter(pk__in=linked.filter(links__gt=1).values("pk")).values_list("pk", path):
        reached.setdefault(record_id, set()).update(_ancestry(place_id, parents))
    for places in reached.values():
        for place in places:
            counts[place] = counts.get(place, 0) + 1
    return counts


def _place_parents() -> dict[int, int | None]:
    """Every public place's parent, kept in the cache until the archive next changes (places change rarely).
    Counting climbs only through public places, as the place filter descends only through them."""
    key = f"archive:place-parents:{cache.generation()}"
    parents = django_cache.get(key)
    if parents is None:
        parents = dict(Place.objects.published().values_list("pk", "parent_id"))
        django_cache.set(key, parents, 3600)
    return parents


def _ancestry(place_id, parents: dict) -> list[int]:
    """The place and every place it lies in (a cycle cannot loop forever)."""
    chain: list[int] = []
    while place_id is not None and place_id not in chain:
        chain.append(place_id)
        place_id = parents.get(place_id)
    return chain


def _counts(request, kind: str, queryset, filterset) -> dict:
    """Option counts for the list's filters, if they can be counted within the time budget."""

    def count():
        relations = RELATION_FACETS[kind].items()
        return {
            "facets": _facets(queryset, filterset),
            "relation_facets": {
                name: _relation_options(queryset, name, path, request.GET.get(name, "")) for name, path in relations
            },
        }

    counted = within_time_budget(count)
    if counted is None:
        return {"facets": [], "relation_facets": {}, "counts_unavailable": True}
    return counted


def _refused(request, model, kind: str, filterset, errors: dict):
    """The list page with the reasons its parameters cannot be applied."""
    context = {
        "plural": model._meta.verbose_name_plural,
        "kind": kind,
        "filterset": filterset,
        "errors": errors,
        "records": [],
    }
    return render(request, "archive/list.html", context, status=400)


@cache_public
def record_list(request, kind: str):
    model = registry.MODELS.get(kind)
    if model is None:
        raise Http404
    data = request.GET.copy()
    sort = data.pop("sort", [""])[-1] or (
        "date" if "date_start" in {f.name for f in model._meta.get_fields()} else "name"
    )
    sorts = _sorts_for(model)
    filterset = FILTERSETS[model](data, queryset=model.objects.published())
    if not filterset.is_valid() or sort not in sorts:
        errors = filterset.form.errors if filterset.form.errors else {"sort": [_("Unknown sort order.")]}
        return _refused(request, model, kind, filterset, errors)
    queryset = filterset.qs
    paginator = ArchiveCursorPagination()
    paginator.ordering = sorts[sort]
    try:
        records = paginator.paginate_queryset(queryset, Request(request))
    except ApiValidationError as error:  # a bad page size or a tampered cursor
        return _refused(request, model, kind, filterset, error.detail)
    query = {k: v for k, v in request.GET.items() if k not in {"cursor", "sort"}}
    context = {
        "plural": model._meta.verbose_name_plural,
        "kind": kind,
        "filterset": filterset,
        "records": records,
        **_counts(request, kind, queryset, filterset),
        "sort": sort,
        "sorts": list(sorts),
        "next_url": paginator.get_next_link(),
        "previous_url": paginator.get_previous_link(),
        "csv_url": f"/api/v1/{kind}/?{urlencode({**query, 'format': 'csv'})}",
        "json_url": f"/api/v1/{kind}/?{urlencode(query)}",
    }
    return render(request, "archive/list.html", context)


@cache_public
def record_detail(request, kind: str, public_id: str):
    model = registry.MODELS.get(kind)
    if model is None:
        raise Http404
    record = model.objects.published().filter(public_id=public_id).first()
    if record is None:
        withdrawn = model.objects.withdrawn().filter(restricted=False, public_id=public_id).first()
        if withdrawn is not None and withdrawn.withdrawn_reason:
            context = {"record": withdrawn, "singular": model._meta.verbose_name}
            return render(request, "archive/withdrawn.html", context, status=410)
        raise Http404
    context = {
        "record": record,
        "singular": model._meta.verbose_name,
        "plural": model._meta.verbose_name_plural,
        "kind": kind,
        "sections": pages.related_sections(record),
        "citations": pages.public_citations(record),
        "cited_by": pages.cited_by(record) if isinstance(record, Source) else [],
        "permalink": request.build_absolute_uri(),
    }
    return render(request, "archive/detail.html", context)
