"""Factories for test data; the article's own records live in fixtures/.

Each factory save goes through the one write path on its own, deriving search entries, stored documents and
`updated` of whatever shows the record, once per save. A world of many records is built inside
`with changes.recording():`, as an import or an admin form with inlines writes: the write path derives once, at
its end, the same rows (a fixture that does so costs a fraction of the queries). A test whose point is one save's
own derivation, or a change that needs a "before" (a withdrawal's tombstone), saves on its own.
"""

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


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Citation

    record = None
    source = factory.SubFactory(SourceFactory)
    footnote = 16
    quote = "On October 18, the second big demonstration took place"


def user_in_role(role: str, username: str | None = None):
    """A staff user in the Archivist or Editor group (created by the roles migration)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username=username or f"{role.lower()}-{User.objects.count()}", password="pw-12345!x"
    )
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)  # fresh, so permission caches are empty
