"""Public pages. Every query goes through the public gate (published())."""

from dataclasses import dataclass

from django import forms
from django.db.models import Count
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_filters import MultipleChoiceFilter

from archive import charts, merge, pages, paging, registry, search, translations
from archive.cache import cache_public
from archive.charts.lists import PERIOD, list_charts
from archive.dialect import within_time_budget
from archive.filters import DateRangeMixin, PublicIdFilter, StrictBooleanFilter, filterset_for, is_ignored
from archive.models import Place
from archive.registry import Names
from archive.tally import Tally


@cache_public
def home(request):
    context = charts.cached_home_context()
    # Each count is a card linking to its list (the counts come in the registry's order).
    counts = zip(registry.TYPES, context["counts"], strict=True)
    context["count_cards"] = [(t.key, label, n) for t, (label, n) in counts]
    return render(request, "archive/home.html", context)


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


def sorts_for(record_type) -> dict[str, tuple[str, ...]]:
    """A list's sort options (name → ordering), from the fields its type's lists are indexed for
    (`RecordType.ordering_fields`): its date (sorted as `date`) or name both ways, and the most recently
    changed first (`updated`), and a dated type's title."""
    sorts = {}
    for name in record_type.ordering_fields:
        if name == "pk":
            continue
        if name == "updated":
            sorts["updated"] = ("-updated", "-pk")
            continue
        public = "date" if name == "date_start" else name
        sorts[public], sorts[f"-{public}"] = (name, "pk"), (f"-{name}", "-pk")
    label = record_type.label_field
    if label and label not in sorts:  # a dated list may still be read in title order, as before
        sorts[label] = (label, "pk")
    return sorts


def _sort_labels(model, sorts: dict) -> list[tuple[str, str]]:
    """(sort, label) for the list's sort menu, in words a reader uses: "Newest first", "Name (A–Z)"."""
    labelled = []
    for sort, ordering in sorts.items():
        name = ordering[0].lstrip("-")
        descending = ordering[0].startswith("-")
        if name == "updated":
            label = _("Recently changed")
        elif name == "date_start":
            label = _("Newest first") if descending else _("Oldest first")
        else:
            field = capfirst(model._meta.get_field(name).verbose_name)
            label = (_("%(field)s (Z–A)") if descending else _("%(field)s (A–Z)")) % {"field": field}
        labelled.append((sort, label))
    return labelled


def _api_ordering(record_type, ordering: tuple[str, ...]) -> str | None:
    """The API's `ordering` for a site sort (its tie-break too, so ties come in the same order), or None when
    the API does not offer it (a title order)."""
    if all(field.lstrip("-") in record_type.ordering_fields for field in ordering):
        return ",".join(ordering)
    return None


def _filters_of(filterset, kind: type) -> list[tuple[str, object]]:
    return [(name, flt) for name, flt in filterset.filters.items() if isinstance(flt, kind)]


def _facets(tally: Tally, filterset) -> list[tuple[str, list[tuple[str, str, int]]]]:
    """The FilterSet's choice filters, with how many records each option finds (counted without the filter's
    own values, so an option's count is what choosing it too would add)."""
    facets = []
    for name, flt in _filters_of(filterset, MultipleChoiceFilter):
        column = (flt.field_name,)
        counts = _without_own(tally, filterset, name).groups(column)
        labels = dict(flt.extra.get("choices", []))
        options = [(value, labels.get(value, value), n) for (value,), n in counts.items() if value]
        facets.append((str(flt.label), sorted(options, key=lambda o: (-o[2], str(o[1])))))
    return facets


def _tally(queryset, filterset) -> Tally:
    """The list's counts found in one query: in all, by each choice filter without a value (its options'
    counts), and by period for the timeline of a dated list."""
    chosen = getattr(filterset.form, "cleaned_data", {})
    groupings = [
        (flt.field_name,) for name, flt in _filters_of(filterset, MultipleChoiceFilter) if not chosen.get(name)
    ]
    if isinstance(filterset, DateRangeMixin):
        groupings.append(PERIOD)
    return Tally(queryset, groupings)


def _without_own(tally: Tally, filterset, name: str) -> Tally:
    """The counts of the list as every filter but `name` finds it: what an option of `name` is counted over. A
    filter without a value (or a form in error) changes nothing, and costs nothing: the list's own `tally`."""
    chosen = getattr(filterset.form, "cleaned_data", {})
    if filterset.form.errors or not chosen.get(name):
        return tally
    data = filterset.data.copy()
    data.pop(name, None)
    others = type(filterset)(data, queryset=filterset.queryset)
    return Tally(others.qs) if others.is_valid() else tally


# A list offers at most this many related records as options (the busiest first).
MAX_OPTIONS = 200


def _relation_options(tally: Tally, flt, selected: str = "") -> list[tuple[str, str, int]]:
    """(public id, label, count) for each public record a relation filter (`PublicIdFilter`) can
    choose, the busiest first; the chosen one is kept even if it would be cut."""
    counts = _relation_counts(tally, flt)
    options = sorted(
        ((public_id, label, counts[pk]) for pk, public_id, label in _busiest_labelled(flt.target, counts)),
        key=lambda o: (-o[2], o[1]),
    )
    chosen = [option for option in options[MAX_OPTIONS:] if option[0] == selected]
    if selected and not any(option[0] == selected for option in options):
        # The visitor's choice beyond the busiest, or a public record with nothing in this list (counted 0).
        found = flt.target.objects.published().filter(public_id=selected[:64]).values_list("pk", flat=True)[:1]
        chosen = [(public_id, label, counts.get(pk, 0)) for pk, public_id, label in _labelled(flt.target, list(found))]
    return options[:MAX_OPTIONS] + chosen


def _busiest_labelled(target, counts: dict[int, int]) -> list[tuple[int, str, str]]:
    """`_labelled` for the busiest of the counted records, enough for MAX_OPTIONS public ones: a place filter
    counts thousands of places, and naming each in the reader's script cost more than counting them. Labelled a
    batch at a time, each batch ending where the count changes, so that the options a list shows (sorted by
    count, then label) are the same as if every record were labelled."""
    ranked = sorted(counts, key=lambda pk: -counts[pk])
    labelled: list[tuple[int, str, str]] = []
    start = 0
    while start < len(ranked) and len(labelled) < MAX_OPTIONS:
        end = start + MAX_OPTIONS
        while end < len(ranked) and counts[ranked[end]] == counts[ranked[end - 1]]:
            end += 1
        labelled += _labelled(target, ranked[start:end])
        start = end
    return labelled


def _labelled(target, ids: list[int]) -> list[tuple[int, str, str]]:
    """(pk, public id, label) of the public records among `ids`."""
    record_type = registry.of(target)
    published = target.objects.published().filter(pk__in=ids)
    if record_type.label_field:  # in the reader's language where the record has it (archive.translations)
        rows = published.values_list("pk", "public_id", record_type.label_field, "translations")
        names = translations.names_in(record_type, ids)
        return [
            (pk, public_id, translations.label_in(record_type, label, value, names.get(pk)))
            for pk, public_id, label, value in rows
        ]
    return [(r.pk, r.public_id, record_type.label_of(r)) for r in published.select_related(*record_type.label_paths)]


def _relation_counts(tally: Tally, flt) -> dict[int, int]:
    """How many records each related record would find through the filter, each record counted once. A filter
    that takes in the places inside a place counts from the public read model's place keys (`Tally.places`):
    a record counts for every public place its places lie in, once. Any other takes one path
    (PublicIdFilter), counted in the database."""
    if flt.with_descendants:
        return tally.places()
    (path,) = flt.paths
    linked = (
        tally.records.order_by()
        .filter(**{f"{path}__isnull": False})
        .values(path)
        .annotate(n=Count("pk", distinct=True))
    )
    return {row[path]: row["n"] for row in linked}


def _counts(tally: Tally, filterset, facets: bool = True) -> dict:
    """Option counts for the list's filters, if they can be counted within the time budget. Without `facets`,
    only the relation filters' menus (a refused list has no results to describe)."""

    chosen = getattr(filterset.form, "cleaned_data", {})  # only values the form accepted (no NUL, not too long)

    def count():
        relations = _filters_of(filterset, PublicIdFilter)
        return {
            "facets": _facets(tally, filterset) if facets else [],
            "relation_facets": {
                name: _relation_options(_without_own(tally, filterset, name), flt, chosen.get(name) or "")
                for name, flt in relations
            },
        }

    counted = within_time_budget(count)
    if counted is None:
        return {"facets": [], "relation_facets": {}, "counts_unavailable": True}
    return counted


# --- facet links, active-filter chips, the result count ----------------------------------------------

# A relation facet shows this many options as links; the rest fold under "more" (no script needed).
SHOWN_OPTIONS = 10
# Parameters that are not filters: "Clear all filters" keeps the sort and the page size.
KEPT_ON_CLEAR = ("sort", "page_size")


@dataclass
class Link:
    """A facet option or an active filter: following it adds (or, if `chosen`, removes) one value."""

    text: str
    url: str
    count: int | None = None
    chosen: bool = False


@dataclass
class Chip:
    """An applied filter value ("Kind", "Rally"); following `url` removes just that value."""

    label: str
    value: str
    url: str


@dataclass
class FacetGroup:
    label: str
    links: list
    more: list  # options past SHOWN_OPTIONS


def _url(request, query) -> str:
    """This list with another query; a page's cursor belongs to the old query, so it goes."""
    query.pop("cursor", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _adding(request, name: str, value: str, *, many: bool) -> str:
    query = request.GET.copy()
    query.setlist(name, [*query.getlist(name), value] if many else [value])
    return _url(request, query)


def _removing(request, name: str, value: str | None = None) -> str:
    """Without `value` among the parameter's values, or without the parameter at all (`value` None)."""
    query = request.GET.copy()
    kept = [v for v in query.getlist(name) if value is not None and v != value]
    if kept:
        query.setlist(name, kept)
    else:
        query.pop(name, None)
    return _url(request, query)


def _option_links(request, name: str, options, chosen: list[str], *, many: bool) -> list[Link]:
    """A link per (value, label, count) option; a chosen value is marked and removes itself, and stays listed
    (counted 0) when nothing in the list has it."""
    links = []
    for value, text, count in options:
        value = str(value)
        picked = value in chosen
        url = _removing(request, name, value) if picked else _adding(request, name, value, many=many)
        links.append(Link(str(text), url, count, picked))
    return links


def _facet_groups(request, filterset, counted: dict) -> list[FacetGroup]:
    """The choice and relation facets as links that filter at once, in the FilterSet's order."""
    chosen = getattr(filterset.form, "cleaned_data", {})
    names = [name for name, _flt in _filters_of(filterset, MultipleChoiceFilter)]
    # No facets at all when they could not be counted in time: the form's checkboxes still filter.
    choice_options = dict(zip(names, counted["facets"], strict=False))
    groups = []
    for name, flt in filterset.filters.items():
        if name in choice_options:
            label, options = choice_options[name]
            picked = list(chosen.get(name) or [])
            labels = dict(flt.extra.get("choices", []))
            missing = [(value, labels.get(value, value), 0) for value in picked if value not in {o[0] for o in options}]
            links = _option_links(request, name, [*options, *missing], picked, many=True)
        elif name in counted["relation_facets"]:
            label, picked = str(flt.label), [chosen.get(name) or ""]
            links = _option_links(request, name, counted["relation_facets"][name], picked, many=False)
        else:
            continue
        if links:
            groups.append(FacetGroup(label, links[:SHOWN_OPTIONS], links[SHOWN_OPTIONS:]))
    return groups


def _chips(request, filterset, counted: dict) -> list[Chip]:
    """One chip per applied filter value ("Kind: Rally", "Place: Tabriz"), each removing just that value."""
    chosen = filterset.form.cleaned_data
    chips = []
    for name, flt in filterset.filters.items():
        value = chosen.get(name)
        if value in (None, "", []):
            continue
        label = str(flt.label)
        if isinstance(flt, MultipleChoiceFilter):
            labels = dict(flt.extra.get("choices", []))
            chips += [Chip(label, str(labels.get(v, v)), _removing(request, name, v)) for v in value]
            continue
        if isinstance(flt, PublicIdFilter):
            shown = _relation_label(flt, value, counted["relation_facets"].get(name) or [])
        elif isinstance(flt, StrictBooleanFilter):
            shown = pgettext("filter value", "Yes") if value else pgettext("filter value", "No")
        else:  # dates, search, language: as the visitor wrote them
            shown = request.GET.get(name, "")
        chips.append(Chip(label, shown, _removing(request, name)))
    return chips


def _relation_label(flt, public_id: str, options) -> str:
    """A related record's name for a chip: from the counted options, else looked up (the public id if hidden)."""
    for value, text, _count in options:
        if value == public_id:
            return str(text)
    found = flt.target.objects.published().filter(public_id=public_id).values_list("pk", flat=True)[:1]
    labelled = _labelled(flt.target, list(found))
    return labelled[0][2] if labelled else public_id


def _clear_url(request) -> str:
    query = request.GET.copy()
    for name in list(query):
        if name not in KEPT_ON_CLEAR:
            del query[name]
    return _url(request, query)


def _result_count(tally: Tally, page) -> tuple[int, bool]:
    """(how many records the list finds, whether exactly): counted within the time budget, else the records
    known so far — exact only when this one page is the whole list."""
    counted = within_time_budget(tally.total)
    if counted is not None:
        return counted, True
    known = len(page.records)
    return known, page.next_cursor is None and page.previous_cursor is None


def _checkboxes(filterset) -> None:
    """Multi-value filters as checkboxes, not a select that needs Ctrl-click to pick two."""
    for name, _flt in _filters_of(filterset, MultipleChoiceFilter):
        field = filterset.form.fields[name]
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)


def _refused(request, record_type, filterset, errors: dict, sort: str, sorts: dict):
    """The list page with the reasons its parameters cannot be applied, and the form as the visitor filled it
    in: relation filters stay menus (counted over the whole public list, the chosen option kept), the sort stays."""
    model = record_type.model
    context = {
        "plural": model._meta.verbose_name_plural,
        "kind": record_type.key,
        "filterset": filterset,
        "errors": errors,
        "labelled_errors": _labelled_errors(filterset, errors),
        "records": [],
        **_counts(Tally(model.objects.published()), filterset, facets=False),
        "sort": sort,
        "sorts": _sort_labels(model, sorts),
    }
    return render(request, "archive/list.html", context, status=400)


def _labelled_errors(filterset, errors: dict) -> list[tuple[str, list[str]]]:
    """(the filter's human label, its messages) for each parameter in error; "" for the form as a whole."""
    fields = filterset.form.fields
    names = {"sort": _("Sort by"), "cursor": _("Page"), "page_size": _("Records per page"), "__all__": ""}
    labelled = []
    for name, messages in errors.items():
        label = fields[name].label if name in fields else names.get(name, name)
        labelled.append((str(label), [str(message) for message in messages]))
    return labelled


def _page_url(request, cursor: str | None) -> str | None:
    """This list's address with another page's cursor (the filters, sort and page size kept)."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return f"{request.path}?{query.urlencode()}"


def _without_repeats(query: QueryDict) -> QueryDict:
    """The same parameters with each repeated value given once (`kind=rally&kind=rally` is `kind=rally`)."""
    if all(len(values) == len(set(values)) for _key, values in query.lists()):
        return query
    unique = QueryDict(mutable=True)
    for key, values in query.lists():
        unique.setlist(key, list(dict.fromkeys(values)))
    unique._mutable = False
    return unique


@cache_public
def record_list(request, kind: str):
    record_type = registry.BY_KEY.get(kind)
    if record_type is None:
        raise Http404
    model = record_type.model
    # Facet links and chips are built per chosen value: a value given many times counts once.
    request.GET = _without_repeats(request.GET)
    data = request.GET.copy()
    sorts = sorts_for(record_type)
    default_sort = next(iter(sorts))
    sort = data.pop("sort", [""])[-1] or default_sort
    filterset = filterset_for(model)(data, queryset=model.objects.published())
    _checkboxes(filterset)
    valid = filterset.is_valid()
    if not valid or sort not in sorts:
        errors = dict(filterset.form.errors)
        if sort not in sorts:
            errors["sort"] = [_("Unknown sort order.")]
        return _refused(request, record_type, filterset, errors, sort if sort in sorts else default_sort, sorts)
    queryset = filterset.qs
    try:
        size = paging.page_size(request.GET.get("page_size"))
        # The page's records (their ids and positions); what a row shows comes from the public read model.
        listed = queryset.only("pk", "public_id", *(name.lstrip("-") for name in sorts[sort]))
        page = paging.paginate(listed, ordering=sorts[sort], cursor=request.GET.get("cursor"), size=size)
    except paging.CursorError as error:  # a bad page size or a tampered cursor
        return _refused(request, record_type, filterset, {error.parameter: [str(error)]}, sort, sorts)
    tally = _tally(queryset, filterset)  # counted once, the first time a count below is asked for
    counted = _counts(tally, filterset)
    total, exact = _result_count(tally, page)
    context = {
        "plural": model._meta.verbose_name_plural,
        "kind": kind,
        "filterset": filterset,
        "records": page.records,
        "rows": pages.list_rows(record_type, [record.pk for record in page.records], _place_paths(filterset)),
        **counted,
        "facet_groups": _facet_groups(request, filterset, counted),
        "chips": _chips(request, filterset, counted),
        "clear_url": _clear_url(request),
        "total": total,
        "total_exact": exact,
        "sort": sort,
        "sorts": _sort_labels(model, sorts),
        "next_url": _page_url(request, page.next_cursor),
        "previous_url": _page_url(request, page.previous_cursor),
        **_download_urls(request, record_type, sorts[sort]),
        **list_charts(request, record_type, filterset, tally),
    }
    return render(request, "archive/list.html", context)


def _place_paths(filterset) -> tuple[str, ...]:
    """The relations through which a list's place filter finds records: the places its rows name."""
    places = [flt for _name, flt in _filters_of(filterset, PublicIdFilter) if flt.target is Place]
    return tuple(path for flt in places for path in flt.paths)


def _download_urls(request, record_type, ordering: tuple[str, ...]) -> dict[str, str]:
    """The API's CSV and JSON of exactly this list: its filters, in its order (no page, no tracking parameters)."""
    query = request.GET.copy()
    for name in list(query):
        if name in {"cursor", "sort", "ordering"} or is_ignored(name):
            del query[name]
    api_ordering = _api_ordering(record_type, ordering)
    if api_ordering:
        query["ordering"] = api_ordering
    query["format"] = "json-all"  # the whole list, streamed, not its first page
    json_url = f"/api/v1/{record_type.key}/?{query.urlencode()}"
    query["format"] = "csv"
    return {"csv_url": f"/api/v1/{record_type.key}/?{query.urlencode()}", "json_url": json_url}


class Answered(Exception):
    """What a record's address answers when no published record has that id (see `published_or_answer`)."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def published_or_answer(request, record_type, public_id: str, *, moved_to, queryset=None):
    """The published record with this id, through the public gate; otherwise raise `Answered` with what
    its address answers: a withdrawn record's reason (410), the kept record of one merged away
    (301 to `moved_to(kept record)`), or nothing to say (404). Record pages and citation files share it."""
    model = record_type.model
    found = (queryset if queryset is not None else model.objects.published()).filter(public_id=public_id).first()
    if found is not None:
        return found
    withdrawn = model.objects.withdrawn().filter(restricted=False, public_id=public_id).first()
    if withdrawn is not None and withdrawn.withdrawn_reason:
        context = {"record": withdrawn, "singular": model._meta.verbose_name}
        raise Answered(render(request, "archive/withdrawn.html", context, status=410))
    survivor = merge.merged_survivor(model, public_id)
    if survivor is not None:  # merged away: its link keeps working, pointing to the kept record
        raise Answered(redirect(moved_to(survivor), permanent=True))
    raise Http404


@cache_public
def record_detail(request, kind: str, public_id: str):
    record_type = registry.BY_KEY.get(kind)
    if record_type is None:
        raise Http404
    published = record_type.model.objects.published().select_related(*pages.select_for_page(record_type))
    if record_type.part(Names):
        published = published.prefetch_related("other_names")  # its name in the reader's language, its other names
    try:
        record = published_or_answer(
            request, record_type, public_id, moved_to=lambda kept: kept.get_absolute_url(), queryset=published
        )
    except Answered as answered:
        return answered.response
    model = record_type.model
    rows = pages.field_rows(record)
    prose = [row for row in rows if row.show == pages.Show.PROSE]
    context = {
        "record": record,
        "heading": translations.heading(record),
        "named": record_type.named,
        "singular": model._meta.verbose_name,
        "plural": model._meta.verbose_name_plural,
        "kind": kind,
        "rows": [row for row in rows if row.show != pages.Show.PROSE],
        "prose": prose,
        "summary": str(prose[0].value) if prose else getattr(record, "date_display", ""),
        "parts": pages.part_lists(record),
        "sections": pages.related_sections(record),
        "citations": pages.public_citations(record),
        "cited_by": pages.cited_by(record),
        "permalink": request.build_absolute_uri(),
    }
    return render(request, "archive/detail.html", context)
