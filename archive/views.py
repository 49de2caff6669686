"""Public pages. Every query goes through the public gate (published())."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from archive import search
from archive.models import Arrest, MediaOutlet, Organization, Person, Place, Protest, Source, Statement

PUBLIC_TYPES = [Protest, Arrest, Statement, Organization, MediaOutlet, Person, Place, Source]


def home(request):
    counts = [(model._meta.verbose_name_plural, model.objects.published().count()) for model in PUBLIC_TYPES]
    return render(request, "archive/home.html", {"counts": counts})


def search_page(request):
    query = request.GET.get("q", "")
    types = [t for t in request.GET.getlist("type") if t in search.PUBLIC_TYPES]
    error, groups = "", {}
    try:
        results = search.search(query, types=types or None)
    except search.SearchQueryError as exc:
        error, results = str(exc), []
    for result in results:
        groups.setdefault(result.record_type, []).append(result)
    labels = {key: model._meta.verbose_name_plural for key, model in search.PUBLIC_TYPES.items()}
    context = {
        "query": query,
        "types": types,
        "type_choices": list(labels.items()),
        "groups": [(labels[key], items) for key, items in groups.items()],
        "error": error,
        "empty_message": _("Nothing matches that search.") if query and not results and not error else "",
    }
    return render(request, "archive/search.html", context, status=400 if error else 200)
