"""Factories for test data; the article's own records live in fixtures/."""

import datetime as dt

import factory

from archive import models
from archive.dates import DatePrecision


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Language
        django_get_or_create = ["code"]

    code = "en"
    name = "English"


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Place

    name = factory.Sequence(lambda n: f"Place {n}")
    kind = models.PlaceKind.CITY
    status = models.Status.PUBLISHED


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    status = models.Status.PUBLISHED


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = models.OrganizationKind.POLITICAL
    status = models.Status.PUBLISHED


class MediaOutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MediaOutlet

    name = factory.Sequence(lambda n: f"Outlet {n}")
    kind = models.OutletKind.NEWSPAPER
    status = models.Status.PUBLISHED


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    kind = models.SourceKind.ARTICLE
    title = factory.Sequence(lambda n: f"Source {n}")
    date_start = dt.date(2020, 10, 12)
    status = models.Status.PUBLISHED


class ProtestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Protest

    title = factory.Sequence(lambda n: f"Protest {n}")
    kind = models.ProtestKind.RALLY
    date_start = dt.date(2020, 9, 29)
    date_precision = DatePrecision.DAY
    status = models.Status.PUBLISHED


class ArrestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Arrest

    group_description = "national activists"
    date_start = dt.date(2020, 9, 29)
    status = models.Status.PUBLISHED


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Statement

    title = factory.Sequence(lambda n: f"Statement {n}")
    form = models.StatementForm.PRESS_STATEMENT
    date_start = dt.date(2020, 9, 29)
    status = models.Status.PUBLISHED
