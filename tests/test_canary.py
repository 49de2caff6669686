"""Nothing restricted leaks (issue #8): a crawler reads every public URL looking for canaries.

The archive names people detained in Iran; a leak can put someone in prison. tests/canary_world.py
plants canaries in everything the public must not see; these tests visit every route the URL
resolver serves — as an anonymous visitor, a signed-in member without permissions, and a staff
user without permissions, in every language and format — and fail on any canary in any
response, on counts that differ from what a visitor can open, and on any answer that tells a
hidden id or a hidden name from a random one.
"""

import datetime as dt
import re
from urllib.parse import quote_plus, urlencode

import django_filters as df
import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation
from rest_framework.authtoken.models import Token

from archive import datapackage, registry
from archive import models as m
from archive.api.problems import PROBLEM_TYPES
from archive.filters import PeriodFilter, PublicIdFilter, UtcDateTimeFilter, filterset_for
from archive.registry import KEY_OF as SLUG_OF
from archive.registry import MODELS as SLUGS
from archive.views import sorts_for
from tests.canary import (
    PERSIAN_DIGITS,
    body_bytes,
    crawl,
    decoy,
    fill_route,
    fold,
    report,
    routes,
    swap,
    view_name,
    visitor,
)
from tests.canary_world import seeded_world

LANGUAGES = [code for code, _name in settings.LANGUAGES]
API_ROUTE = re.compile(r"^api:(?P<slug>[a-z-]+)-(?P<action>list|detail|change-status)$")
# Routes the crawl visits by hand (the API's per-type routes are matched by API_ROUTE).
SINGLE_ROUTES = {
    "sitemap": ["/sitemap.xml"],
    "set_language": ["/i18n/setlang/"],
    "api:api-root": ["/api/v1/"],
    "schema": ["/api/schema/", "/api/schema/?format=json"],
    "api-docs": ["/api/docs/"],
    "datapackage-download": ["/data/datapackage.zip"],
    "datapackage-json": ["/data/datapackage.json"],
    "datapackage-excel-download": ["/data/datapackage-excel.zip"],
    "datapackage-releases": ["/data/releases/"],
    "datapackage-releases-json": ["/data/releases/index.json"],
    "datapackage-release-file": ["/data/releases/2020-10-18/changes.csv"],
    "healthz": ["/healthz"],
    "readyz": ["/readyz"],
    "robots": ["/robots.txt"],
    "favicon": ["/favicon.ico"],
}
# The site's routes, crawled in every language by site_paths.
SITE_ROUTES = {"archive:search", "archive:list", "archive:detail", "archive:about", "archive:codebook"}
SITE_ROUTES |= {"archive:cite", "archive:feed"}
CITE_FORMATS = ["bib", "ris", "json"]


@pytest.fixture(scope="module")
def _world_module(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_world(django_db_blocker, tmp_path_factory.mktemp("datapackage")) as world:
        yield world


@pytest.fixture
def world(_world_module, db):
    return _world_module


# --- What to visit -------------------------------------------------------------------------------


def all_ids(world, slug: str) -> list[str]:
    extra = [r.public_id for r in world.records["extra"].values() if SLUG_OF.get(type(r)) == slug]
    return [*world.ids(slug), *extra]


def hidden_names(world, model) -> list[str]:
    """Names a search must not find: an at-risk detainee's, in every script, and hidden records' of `model`."""
    at_risk = world.records["people"]["at_risk"]
    names = [at_risk.name, *at_risk.other_names.values_list("name", flat=True)]
    names += [alias.replace("ی", "ي") for alias in names]  # the Arabic yeh folds to the Persian one
    hidden = world.records[SLUG_OF[model]]["restricted"]
    title = getattr(hidden, "name", None) or getattr(hidden, "title", None) or hidden.description
    return [*names, title, world.records["extra"]["was-at-risk"].name]


def filter_values(world, model, name: str, flt) -> list[str]:
    """Values to try for one filter: every id of its target in every state, every choice, hidden names."""
    if isinstance(flt, PublicIdFilter):
        slug = SLUG_OF[flt.target]
        return [*all_ids(world, slug), decoy(world.hidden_ids(slug)[0])]
    if isinstance(flt, df.MultipleChoiceFilter | df.ChoiceFilter):
        return [value for value, _label in flt.extra["choices"]]
    if isinstance(flt, df.BooleanFilter):
        return ["true", "false"]
    if isinstance(flt, UtcDateTimeFilter):
        return ["2000-01-01T00:00:00Z"]
    if isinstance(flt, PeriodFilter):  # a day, a month, a Solar Hijri month: every period form the filter reads
        return ["2020-09-01", "2020-10", "Mehr 1399"]
    if name == "search":
        return ["Public", *hidden_names(world, model)]
    if name == "language":
        return ["fa", "az-Latn", world.book.new("language filter value", "latin")]
    raise AssertionError(f"{model.__name__} filter {name!r} is new: teach the crawl which values to send")


def filter_queries(world, model, most: int = 0) -> list[str]:
    """A query for each value of each filter (at most `most` per filter, if given)."""
    queries = []
    for name, flt in filterset_for(model).base_filters.items():
        values = filter_values(world, model, name, flt)
        queries += [urlencode({name: value}) for value in (values[:most] if most else values)]
    return queries


def site_paths(world, variants: bool) -> list[str]:
    paths = []
    for lang in LANGUAGES:
        with translation.override(lang):
            search = reverse("archive:search")
            paths += [reverse("archive:home"), search, f"{search}?q=Public", f"/{lang}/no-such-page/"]
            paths += [reverse("archive:about"), reverse("archive:codebook")]
            if variants:
                paths += [f"{search}?{urlencode({'q': q})}" for q in hidden_names(world, m.Person)]
            for slug, model in SLUGS.items():
                base = reverse("archive:list", args=[slug])
                feed = reverse("archive:feed", args=[slug])
                paths += [base, feed]
                if variants and lang == "en":
                    paths += [f"{base}?page_size=1", *(f"{base}?sort={sort}" for sort in sorts_for(registry.of(model)))]
                    paths += [f"{base}?{query}" for query in filter_queries(world, model, most=2)]
                    paths += [f"{feed}?{query}" for query in filter_queries(world, model, most=2)]
                ids = [*all_ids(world, slug), decoy(world.hidden_ids(slug)[0])]
                paths += [reverse("archive:detail", args=[slug, pid]) for pid in ids]
                if lang == "en":
                    paths += [reverse("archive:cite", args=[slug, pid, fmt]) for pid in ids for fmt in CITE_FORMATS]
    return paths


def api_paths(world, slug: str, action: str, variants: bool) -> list[str]:
    match = resolve(reverse(f"api:{slug}-list"))
    viewset, model = match.func.cls, match.func.cls.model
    if action == "list":
        base = reverse(f"api:{slug}-list")
        paths = [base, f"{base}?page_size=1", *(f"{base}?format={fmt}" for fmt in sorted(viewset.formats))]
        paths.append(f"{base}?updated_since=2000-01-01T00:00:00Z")
        if variants:
            orderings = [f"{sign}{name}" for name in viewset.ordering_fields for sign in ("", "-")]
            paths += [f"{base}?ordering={o}" for o in orderings]
            paths += [f"{base}?{query}" for query in filter_queries(world, model)]
        return paths
    ids = [*all_ids(world, slug), decoy(world.hidden_ids(slug)[0])]
    return [reverse(f"api:{slug}-{action}", args=[pid]) for pid in ids]


def public_paths(world, variants: bool = True) -> list[str]:
    """Every public route of the resolver, expanded with the seeded ids; fails on a route it cannot expand."""
    paths = []
    for route, name in routes():
        if route.startswith(settings.ADMIN_PATH):
            continue
        if name in SINGLE_ROUTES:
            paths += SINGLE_ROUTES[name]
        elif name in ("api:problem-list", "api:problem"):  # what each kind of API error means
            if name == "api:problem-list":
                paths.append(reverse(name))
            else:
                paths += [reverse(name, args=[code]) for code in [*PROBLEM_TYPES, "no-such-problem"]]
        elif match := API_ROUTE.match(name):
            paths += api_paths(world, match["slug"], match["action"], variants)
        elif name == "api:search":
            queries = ["Public", *hidden_names(world, m.Arrest)] if variants else ["Public"]
            paths += ["/api/v1/search/", *(f"/api/v1/search/?{urlencode({'q': q})}" for q in queries)]
            paths += ["/api/v1/search/?q=Public&type=person&type=arrest"]
        elif name in ("datapackage-file", "datapackage-excel-file"):
            folder = "/data/excel" if name == "datapackage-excel-file" else "/data"
            paths += [f"{folder}/{table.name}.csv" for table in datapackage.tables()] + [f"{folder}/no-such.csv"]
        elif name == "archive:home":  # the four i18n routes, in every language
            paths += site_paths(world, variants)
        elif name not in SITE_ROUTES:
            raise AssertionError(f"public route {route!r} ({name or 'unnamed'}) is not crawled: add it to the crawl")
    return [*dict.fromkeys(paths), "/api/v1/no-such-endpoint/", "/no-such-page/"]


# --- Tests ---------------------------------------------------------------------------------------


def test_the_crawl_covers_every_public_route(world):
    visited = {view_name(path) for path in public_paths(world)}
    public = {name for route, name in routes() if not route.startswith(settings.ADMIN_PATH)}
    assert public <= visited, f"public routes never visited: {sorted(public - visited)}"


def browsable(world, paths: list[str]) -> list[str]:
    """The API's HTML pages: every list, and each type's public record and most sensitive hidden one."""
    wanted = {pid for slug in SLUGS for pid in world.ids(slug, "public", "restricted", "at_risk")}
    api = [p for p in paths if p.startswith("/api/v1/") and "?" not in p]
    return [p for p in api if p.count("/") == 4 or (p.count("/") == 5 and id_in(p) in wanted)]


def test_anonymous_visitor_finds_no_canary_anywhere(world):
    client = visitor(world, "anonymous")
    core = public_paths(world, variants=False)
    leaks = crawl(client, world.book, public_paths(world), follow=100)
    english = [p for p in core if not p.startswith(tuple(f"/{lang}/" for lang in LANGUAGES if lang != "en"))]
    leaks |= crawl(client, world.book, english, methods=("HEAD", "OPTIONS"))
    leaks |= crawl(client, world.book, browsable(world, core), headers={"HTTP_ACCEPT": "text/html"})
    assert not leaks, report(leaks)


@pytest.mark.parametrize("who", ["member", "staff"])
def test_signed_in_users_without_permissions_find_no_canary(world, who):
    """Signed-in users are never served from the response cache: every page is made for them."""
    client = visitor(world, who)
    core = public_paths(world, variants=False)
    leaks = crawl(client, world.book, core)
    html_pages = browsable(world, core)
    leaks |= crawl(client, world.book, html_pages, methods=("GET", "OPTIONS"), headers={"HTTP_ACCEPT": "text/html"})
    assert not leaks, report(leaks)


def admin_paths(world) -> list[str]:
    """Every admin route, filled with the most sensitive record of its model."""
    sensitive = {type(r): r for by_state in world.records.values() for r in by_state.values()}
    sensitive |= {m.Person: world.records["people"]["at_risk"], m.Protest: world.records["protests"]["restricted"]}
    curator = world.users["Editor"]
    paths = []
    for route, name in routes():
        if not route.startswith(settings.ADMIN_PATH):
            continue
        prefixes = {f"admin:{model._meta.app_label}_{model._meta.model_name}_": model for model in admin.site._registry}
        model = next((model for prefix, model in prefixes.items() if name.startswith(prefix)), None)
        record = sensitive.get(model) or curator
        history_id = record.history.first().history_id if hasattr(record, "history") else 1
        values = {"object_id": record.pk, "id": curator.pk, "history_id": history_id, "url": "archive/person/"}
        values |= {"content_type_id": 1, "app_label": "archive", "job": "0" * 32}  # an import job nobody started
        paths.append(fill_route(route, values, [record.pk, history_id]))
    autocomplete = reverse("admin:autocomplete")
    for model, model_admin in admin.site._registry.items():
        for field in model_admin.autocomplete_fields:
            query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field}
            paths.append(f"{autocomplete}?{urlencode(query | {'term': 'kanari'})}")
    return paths


@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
def test_the_admin_shows_nothing_to_users_without_permissions(world, who):
    client = visitor(world, who)
    paths = admin_paths(world)
    leaks = crawl(client, world.book, paths)
    leaks |= crawl(client, world.book, [p for p in paths if p.endswith(("import/", "export/"))], methods=("POST",))
    assert not leaks, report(leaks)
    open_pages = {p for p in paths if "/archive/" in p and client.get(p).status_code == 200}
    assert open_pages == set(), "archive admin pages open to a user without permissions"


# --- No oracle: a hidden id, name or field answers exactly like a random one ---------------------


def answer(client, method: str, path: str, value: str) -> tuple:
    """Status, headers and body of an answer, with every echo of `value` swapped out."""
    response = client.generic(method, path)
    headers = {name: swap(val, value) for name, val in response.items() if name != "ETag"}  # ETag hashes the path
    return response.status_code, headers, swap(body_bytes(response).decode("utf-8", "replace"), value)


def compare(client, method: str, template: str, value: str) -> tuple[tuple, tuple]:
    guess = decoy(value) if value[-1] in "0123456789abcdef" + PERSIAN_DIGITS else value + "x"
    seen = answer(client, method, template.format(value=quote_plus(value)), value)
    return seen, answer(client, method, template.format(value=quote_plus(guess)), guess)


def assert_alike(client, method: str, template: str, hidden: str, label: str = "") -> None:
    seen, unseen = compare(client, method, template, hidden)
    assert seen == unseen, f"{method} {template.format(value=hidden)} ({label}) differs from a random value"


def test_the_comparison_tells_public_values_from_random_ones(world):
    """The control: were `answer` blind to differences, the tests below could not fail."""
    client = visitor(world, "anonymous")
    public_id = world.public("protests").public_id
    for template in ("/en/protests/{value}/", "/api/v1/protests/{value}/", "/en/arrests/?protest={value}"):
        seen, unseen = compare(client, "GET", template, public_id)
        assert seen != unseen, template
    seen, unseen = compare(client, "GET", "/api/v1/search/?q={value}", world.public("people").name)
    assert seen != unseen


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_hidden_ids_answer_exactly_like_unknown_ones(world, who):
    client = visitor(world, who)
    for slug in SLUGS:
        for pid in world.hidden_ids(slug):
            label = world.book.label(pid)
            for lang in ("en", "fa"):
                assert_alike(client, "GET", f"/{lang}/{slug}/{{value}}/", pid, label)
            for method in ("GET", "HEAD", "OPTIONS", "PATCH", "DELETE"):
                assert_alike(client, method, f"/api/v1/{slug}/{{value}}/", pid, label)
            for method in ("GET", "POST"):
                assert_alike(client, method, f"/api/v1/{slug}/{{value}}/status/", pid, label)


def oracle_probes(world, model) -> list[tuple[str, str]]:
    """(parameter, hidden value) pairs a visitor might use to test for something hidden."""
    probes = []
    for name, flt in filterset_for(model).base_filters.items():
        if isinstance(flt, PublicIdFilter):
            probes += [(name, pid) for pid in world.hidden_ids(SLUG_OF[flt.target])]
    probes += [("search", name) for name in hidden_names(world, model)]
    secret = world.records[SLUG_OF[model]]["public"].private_note
    probes += [(field, secret) for field in RESTRICTED_PARAMETERS]
    return probes


# Fields of the models, and lookups through relations, that the public may never filter on.
RESTRICTED_PARAMETERS = [
    "private_note",
    "withdrawn_reason",
    "restricted",
    "status",
    "at_risk",
    "person__name",
    "person__at_risk",
    "private_note__icontains",
    "history__history_change_reason",
]


def test_filters_tell_nothing_about_hidden_records(world):
    client = visitor(world, "anonymous")
    for slug, model in SLUGS.items():
        for param, value in oracle_probes(world, model):
            label = world.book.label(value)
            assert_alike(client, "GET", f"/en/{slug}/?{param}={{value}}", value, label)
            assert_alike(client, "GET", f"/api/v1/{slug}/?{param}={{value}}", value, label)


def test_restricted_fields_are_refused_as_filters_and_orderings(world):
    client = visitor(world, "anonymous")
    for slug in SLUGS:
        for field in RESTRICTED_PARAMETERS:
            assert client.get(f"/api/v1/{slug}/", {field: "x"}).status_code == 400, field
            assert client.get(f"/en/{slug}/", {field: "x"}).status_code == 400, field
            for ordering in (field, f"-{field}"):
                assert client.get(f"/api/v1/{slug}/", {"ordering": ordering}).status_code == 400, ordering
                assert client.get(f"/en/{slug}/", {"sort": ordering}).status_code == 400, ordering


def test_search_finds_no_hidden_name(world):
    client = visitor(world, "anonymous")
    for name in hidden_names(world, m.Person) + hidden_names(world, m.Protest):
        label = world.book.label(name)
        for variant in {name, fold(name)}:  # as typed, and as a visitor without the right keyboard types it
            assert_alike(client, "GET", "/en/search/?q={value}", variant, label)
            assert_alike(client, "GET", "/api/v1/search/?q={value}", variant, label)


# --- Counts: what a visitor is told exists is what a visitor can open ------------------------------


def api_ids(client, slug: str, **params) -> list[str]:
    response = client.get(f"/api/v1/{slug}/", {"page_size": 500, **params})
    assert response.status_code == 200, (slug, params, response.content[:300])
    assert response.json()["next"] is None
    return [row["id"] for row in response.json()["results"]]


def expected_public(world, slug: str) -> set[str]:
    """The ids the seed made public: each type's public record, the country and a second arrest."""
    extra = [world.records["extra"][key] for key in ("country", "second arrest")]
    return {*world.ids(slug, "public"), *(r.public_id for r in extra if SLUG_OF[type(r)] == slug)}


def id_in(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_counts_equal_the_records_a_visitor_can_open(world):
    client = visitor(world, "anonymous")
    openable = {slug: set(api_ids(client, slug)) for slug in SLUGS}
    for slug, ids in openable.items():
        assert ids == expected_public(world, slug), slug
        assert all(client.get(f"/en/{slug}/{pid}/").status_code == 200 for pid in ids), slug
    home = client.get("/en/").context
    assert {str(label): n for label, n in home["counts"]} == {
        str(model._meta.verbose_name_plural): len(openable[slug]) for slug, model in SLUGS.items()
    }
    for key, slug in (("protest", "protests"), ("arrest", "arrests"), ("statement", "statements")):
        timeline = home["timeline_all"]
        assert timeline.totals[key] + timeline.undated[key] + timeline.outside == len(openable[slug]), key
    for city in home["cities"].cities:
        assert city.count == len(api_ids(client, "protests", place=id_in(city.url))), city.name
    shown = [id_in(p.url) for p in home["place_map"].points] + [id_in(r.url) for r in home["recent"]]
    assert set(shown) <= set().union(*openable.values())


def test_facet_and_option_counts_equal_the_records_each_finds(world):
    client = visitor(world, "anonymous")
    for slug, model in SLUGS.items():
        context = client.get(f"/en/{slug}/").context
        filters = filterset_for(model).base_filters
        names = [name for name, flt in filters.items() if isinstance(flt, df.MultipleChoiceFilter)]
        assert sorted(context["relation_facets"]) == sorted(
            name for name, flt in filters.items() if isinstance(flt, PublicIdFilter)
        )
        for name, (_label, options) in zip(names, context["facets"], strict=True):
            for value, _text, count in options:
                assert count == len(api_ids(client, slug, **{name: value})), (slug, name, value)
        for name, options in context["relation_facets"].items():
            target = filters[name].target
            for public_id, _text, count in options:
                assert public_id in expected_public(world, SLUG_OF[target]), (slug, name, public_id)
                assert count == len(api_ids(client, slug, **{name: public_id})), (slug, name, public_id)


def test_search_counts_only_what_can_be_opened(world):
    client = visitor(world, "anonymous")
    body = client.get("/api/v1/search/", {"q": "Public", "limit": 100}).json()
    assert body["count"] == len(body["results"]) > 0
    for result in body["results"]:
        slug = result["type"]
        assert result["id"] in expected_public(world, slug), result


def test_editing_a_hidden_record_changes_nothing_a_visitor_sees(world):
    """Not even a timestamp: Last-Modified and ETag must not tell when hidden records change."""
    client = visitor(world, "member")  # never served from the response cache
    paths = ["/en/", "/sitemap.xml", "/api/v1/search/?q=Public"]
    for slug in SLUGS:
        public_id = world.public(slug).public_id
        paths += [f"/en/{slug}/", f"/en/{slug}/{public_id}/", f"/api/v1/{slug}/", f"/api/v1/{slug}/{public_id}/"]

    def snapshot():
        return {path: answer(client, "GET", path, "") for path in paths}

    before = snapshot()
    for slug in SLUGS:
        draft = world.records[slug]["draft"]
        draft.private_note = world.book.new(f"{slug}/draft later private note")
        draft._change_reason = world.book.new(f"{slug}/draft later change reason")[:100]
        draft.save()
        type(draft).objects.filter(pk=draft.pk).update(updated=draft.updated + dt.timedelta(days=1))
    after = snapshot()
    assert [path for path in paths if before[path] != after[path]] == []


def test_hidden_records_cannot_crowd_public_ones_out_of_a_search(world):
    """However many hidden records match a search, a visitor gets the same public ones."""
    client = visitor(world, "anonymous")
    public = world.public("protests")
    public.description = "crowdword"
    public.save()
    expected = [public.public_id]
    assert api_ids(client, "protests", search="crowdword") == expected
    hidden = m.SearchEntry.objects.get(object_id=world.records["protests"]["draft"].pk, record_type="protests")
    m.SearchEntry.objects.bulk_create(
        m.SearchEntry(
            content_type_id=hidden.content_type_id,
            object_id=10**9 + n,
            record_type="protests",
            title="crowdword",
            names="| crowdword |",
            date=dt.date(2030, 1, 1),
        )
        for n in range(1500)
    )
    cache.clear()  # as the writes of 1500 real records would have made it
    assert api_ids(client, "protests", search="crowdword") == expected
    assert f"/en/protests/{public.public_id}/" in client.get("/en/protests/", {"search": "crowdword"}).content.decode()


def test_a_hidden_place_does_not_place_a_public_record(world):
    """A published arrest at a draft site in a public city: the public may not learn it was in that city."""
    client = visitor(world, "member")  # never cached, so the page's context is there
    arrest = type(world.records["extra"]["second arrest"]).objects.get(public_id="public-arrests-second")
    arrest.place = world.records["places"]["draft"]  # a draft place inside the public city
    arrest.save()
    city = world.public("places").public_id
    assert arrest.public_id not in api_ids(client, "arrests", place=city)
    options = {pid: n for pid, _text, n in client.get("/en/arrests/").context["relation_facets"]["place"]}
    assert options.get(city, 0) == len(api_ids(client, "arrests", place=city))


def test_answers_made_for_a_signed_in_user_are_not_for_shared_caches(world):
    """A shared cache (a CDN) may keep a `public` answer and hand it to anyone: an answer to a signed-in
    request names the user (the browsable API shows who is signed in), so it must be private."""
    token = Token.objects.get(user=world.users["Editor"]).key
    session = visitor(world, "Editor")
    for path in ("/api/v1/protests/", f"/api/v1/protests/{world.public('protests').public_id}/", "/api/v1/"):
        for client, extra in ((session, {}), (Client(), {"HTTP_AUTHORIZATION": f"Token {token}"})):
            response = client.get(path, HTTP_ACCEPT="text/html", **extra)
            assert response.status_code == 200
            assert world.users["Editor"].username in response.content.decode()  # why it matters
            assert "public" not in response.get("Cache-Control", ""), (path, extra, response["Cache-Control"])
