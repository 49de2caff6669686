"""Public pages. Every query goes through the public gate (published())."""

from django.shortcuts import render

from archive.models import Arrest, MediaOutlet, Organization, Person, Place, Protest, Source, Statement

PUBLIC_TYPES = [Protest, Arrest, Statement, Organization, MediaOutlet, Person, Place, Source]


def home(request):
    counts = [(model._meta.verbose_name_plural, model.objects.published().count()) for model in PUBLIC_TYPES]
    return render(request, "archive/home.html", {"counts": counts})
