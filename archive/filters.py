"""One FilterSet per public record type, shared by the site's lists and the API.

Every filter reaches related records through the public gate, so filtering by
a restricted or unknown id behaves exactly like filtering by an id that does
not exist. Unknown parameters are refused (a 400), never silently ignored.
"""

import datetime as dt
import re

import django_filters as filters
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from archive import models, registry, search
from archive.date_input import DateInputError, UnreadableDate, parse_partial_date
from archive.dates import DatePrecision, overlaps_q, period_end, period_start

# Parameters that belong to paging, formats and ordering rather than filtering.
CONTROL_PARAMS = {"cursor", "page_size", "format", "ordering", "page", "bom", "lang"}
# Parameters that browsers, caches and shared links add and that say nothing about the records: ignored, not a 400.
IGNORED_PARAMS = {"_", "fbclid", "gclid", "msclkid"}
IGNORED_PREFIXES = ("utm_",)


def is_ignored(name: str) -> bool:
    """A cache-buster (`_`) or a tracking parameter (`utm_*`, `fbclid`, ...) that a list does not read."""
    return name in IGNORED_PARAMS or name.startswith(IGNORED_PREFIXES)


def is_for_filters(name: str) -> bool:
    """Whether a FilterSet reads the parameter or refuses it: neither a control parameter nor an ignored one."""
    return name not in CONTROL_PARAMS and not is_ignored(name)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, normalised to UTC so that any offset the client sends is one the database takes."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise ValidationError(_("This time is out of range."), code="invalid") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class StrictNullBooleanSelect(forms.NullBooleanSelect):
    """Any, yes or no (Django's select calls "either" "Unknown", which reads as "not known to have any").
    Hands a value it does not know ("1", "yes", "banana") to the field, instead of reading it as "either"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]

    def format_value(self, value):
        chosen = super().format_value(value)
        return "" if chosen == "unknown" else chosen

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        known = super().value_from_datadict(data, files, name)
        return value if known is None and value not in (None, "", "unknown") else known


class StrictNullBooleanField(forms.NullBooleanField):
    widget = StrictNullBooleanSelect

    def to_python(self, value):
        if isinstance(value, str) and value not in {"1", "0", "True", "False", "true", "false"}:
            message = _("Select a valid choice. %(value)s is not one of the available choices.")
            raise ValidationError(message, code="invalid_choice", params={"value": value})
        return super().to_python(value)


class StrictBooleanFilter(filters.BooleanFilter):
    """Yes, no or either; anything else is a 400, where Django's select would silently mean "either"."""

    field_class = StrictNullBooleanField


class StrictFilterSet(filters.FilterSet):
    """Refuses parameters it does not know, instead of ignoring them."""

    search = filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        max_length=search.MAX_QUERY_LENGTH,
        help_text=_(
            "Words in a record's names (every other name too) or texts; diacritics fold: Ərdəbil finds Ardabil."
        ),
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated",
        lookup_expr="gt",
        label=_("Changed after"),
        help_text=_(
            "Only records changed after this time (ISO 8601, e.g. 2020-11-01T00:00:00Z); the first page also "
            "lists `tombstones`, the records that stopped being public since then."
        ),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.unknown = sorted(name for name in data or {} if is_for_filters(name) and name not in self.filters)

    def is_valid(self):
        if not super().is_valid():
            return False
        if self.unknown:
            # Parameter names come from the client: double any % so no later formatting trips on them.
            names = ", ".join(self.unknown).replace("%", "%%")
            self.form.add_error(None, _("Unknown parameter(s): %s") % names)
        self.check(self.form.cleaned_data)
        return not self.form.errors

    def check(self, data: dict) -> None:
        """Cross-field checks; add errors to self.form rather than raising later."""
        if data.get("search"):
            try:
                search.parse(data["search"])
            except search.SearchQueryError as error:
                self.form.add_error("search", str(error))

    def filter_search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(pk__in=search.matching(queryset.model, value, public_only=True))


class PublicIdFilter(filters.CharFilter):
    """Filters by a related record's public id, resolved through the public gate."""

    def __init__(self, *args, target, paths, with_descendants=False, **kwargs):
        if len(paths) > 1 and not with_descendants:
            # Lists count each option's records through one path (archive.views); a place filter's several paths
            # are counted from the read model's place keys, once per record.
            raise ImproperlyConfigured(f"A filter by {target.__name__} without its descendants takes one path: {paths}")
        self.target, self.paths, self.with_descendants = target, paths, with_descendants
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, method=self.apply, **kwargs)

    def apply(self, queryset, name, value):
        # Resolved first (one indexed lookup), so that the list's query names the id and the planner can tell a
        # province holding a third of the records from a village holding three.
        ids = list(self.target.objects.published().filter(public_id=value).order_by().values_list("pk", flat=True))
        if self.with_descendants:
            # The public read model's keys: records in the place or in any public place within it, up to the first
            # hidden one (a record at a hidden site is not found under its city) — one indexed semi-join.
            key = registry.key_of(queryset.model)
            inside = models.PublicPlace.objects.filter(record_type=key, place_id__in=ids).values("object_id")
            return queryset.filter(pk__in=inside)
        condition = Q()
        for path in self.paths:
            condition |= Q(**{f"{path}__in": ids})
        # A semi-join, not JOIN + DISTINCT: a record in several matching places is found once,
        # and the list keeps its own ordering index (DISTINCT would sort the whole match first).
        return queryset.filter(pk__in=queryset.model._base_manager.filter(condition).values("pk"))


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class PeriodBoundField(forms.CharField):
    """A date as archivists write it in the admin (`archive.date_input`), read as the first day (`end=False`) or
    the last day (`end=True`) of the period it names: "2020-10", "October 2020", "1990s", "Mehr 1399"."""

    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if _ISO_DAY.fullmatch(text):  # a plain day keeps its old meaning, any year included (0001-01-01)
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass  # "2020-13-45": let the parser say what is wrong with it
        try:
            parsed = parse_partial_date(text)
        except UnreadableDate:
            raise self._error(text, _("it is not a date.")) from None
        except DateInputError as error:
            raise self._error(text, str(error)) from None
        if parsed.precision == DatePrecision.UNDATED:
            raise self._error(text, _("it is not a date."))
        if self.end:
            return period_end(parsed.end or parsed.start, parsed.precision)
        return period_start(parsed.start, parsed.precision)

    def _error(self, text: str, reason: str) -> ValidationError:
        message = _(
            "“%(label)s” cannot use “%(value)s”: %(reason)s Try 2020-10-18, October 2020, 2020-10 or 14 Aban 1399."
        )
        return ValidationError(message, code="invalid", params={"label": self.label, "value": text, "reason": reason})


@extend_schema_field(
    {
        "type": "string",
        "example": "October 2020",
        "description": _(
            "A day or a period: 2020-10-18, 2020-10, October 2020, 2020, 1990s, or a Solar Hijri date (14 Aban "
            "1399). date_from and date_to keep the records whose date may fall between the start of the one and "
            "the end of the other: a month-precise record counts for its whole month."
        ),
    }
)
class PeriodFilter(filters.Filter):
    """Filters nothing by itself: DateRangeMixin applies both ends together. Documented in the schema as the
    text it reads: a day, a month, a year or decade, in either calendar."""

    field_class = PeriodBoundField


class DateRangeMixin(filters.FilterSet):
    date_from = PeriodFilter(method="filter_dates", label=_("From"), end=False)
    date_to = PeriodFilter(method="filter_dates", label=_("To"), end=True)

    def filter_dates(self, queryset, name, value):
        return queryset  # both ends are applied together in filter_queryset

    def check(self, data: dict) -> None:
        super().check(data)
        lo, hi = data.get("date_from"), data.get("date_to")
        if lo and hi and lo > hi:
            self.form.add_error("date_to", _("“To” is before “From”."))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        lo, hi = self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
        if lo or hi:
            queryset = queryset.filter(overlaps_q(lo, hi))
        return queryset


def place_filter(*paths):
    return PublicIdFilter(
        target=models.Place,
        paths=paths,
        with_descendants=True,
        label=_("Place (with the places in it)"),
        help_text=_("A place's id (e.g. place-tabriz): records there or in any place within it."),
    )


def organization_filter(*paths):
    return PublicIdFilter(
        target=models.Organization,
        paths=paths,
        label=_("Organization"),
        help_text=_("An organization's id (e.g. org-gamac): the records it is linked to."),
    )


def person_filter(*paths):
    return PublicIdFilter(
        target=models.Person,
        paths=paths,
        label=_("Person"),
        help_text=_("A person's id (e.g. person-abulfaz-elchibey): the records they are linked to."),
    )


class ProtestFilter(DateRangeMixin, StrictFilterSet):
    place = place_filter("places")
    organization = organization_filter("organizers")
    kind = filters.MultipleChoiceFilter(choices=models.ProtestKind.choices, label=_("Kind"))
    event_status = filters.MultipleChoiceFilter(choices=models.EventStatus.choices, label=_("Held or called"))
    has_arrests = StrictBooleanFilter(method="filter_has_arrests", label=_("Has arrests"))

    class Meta:
        model = models.Protest
        fields = []

    def filter_has_arrests(self, queryset, name, value):
        # Arrests without a protest have a NULL protest_id: left in, `NOT IN` that list matches nothing.
        public_arrests = models.Arrest.objects.published().filter(protest__isnull=False).values("protest_id")
        return queryset.filter(pk__in=public_arrests) if value else queryset.exclude(pk__in=public_arrests)


class ArrestFilter(DateRangeMixin, StrictFilterSet):
    place = place_filter("place")
    organization = organization_filter("authority")
    person = person_filter("person")
    protest = PublicIdFilter(target=models.Protest, paths=["protest"], label=_("Protest"))
    outcome = filters.MultipleChoiceFilter(choices=models.ArrestOutcome.choices, label=_("Outcome"))

    class Meta:
        model = models.Arrest
        fields = []


class StatementFilter(DateRangeMixin, StrictFilterSet):
    place = place_filter("place")
    organization = organization_filter("speaker_organizations")
    person = person_filter("speaker_people")
    form = filters.MultipleChoiceFilter(choices=models.StatementForm.choices, label=_("Form"))
    language = filters.CharFilter(
        field_name="texts__language", label=_("Language of its text"), distinct=True, max_length=20
    )
    protest = PublicIdFilter(target=models.Protest, paths=["about_protests"], label=_("About protest"))

    class Meta:
        model = models.Statement
        fields = []


class OrganizationFilter(StrictFilterSet):
    place = place_filter("based_in", "country")
    kind = filters.MultipleChoiceFilter(choices=models.OrganizationKind.choices, label=_("Kind"))
    parent = PublicIdFilter(target=models.Organization, paths=["parent"], label=_("Part of"))

    class Meta:
        model = models.Organization
        fields = []


class MediaOutletFilter(StrictFilterSet):
    kind = filters.MultipleChoiceFilter(choices=models.OutletKind.choices, label=_("Kind"))
    affiliation = filters.MultipleChoiceFilter(choices=models.OutletAffiliation.choices, label=_("Affiliation"))
    base = filters.MultipleChoiceFilter(choices=models.OutletBase.choices, label=_("Base"))
    language = filters.CharFilter(field_name="languages", label=_("Language"), distinct=True, max_length=20)
    place = place_filter("country")

    class Meta:
        model = models.MediaOutlet
        fields = []


class PersonFilter(StrictFilterSet):
    organization = organization_filter("affiliations__organization")

    class Meta:
        model = models.Person
        fields = []


class PlaceFilter(StrictFilterSet):
    kind = filters.MultipleChoiceFilter(choices=models.PlaceKind.choices, label=_("Kind"))
    within = PublicIdFilter(target=models.Place, paths=["parent"], with_descendants=True, label=_("Within"))
    has_coordinates = StrictBooleanFilter(
        field_name="latitude", lookup_expr="isnull", exclude=True, label=_("Has coordinates")
    )

    class Meta:
        model = models.Place
        fields = []


class SourceFilter(DateRangeMixin, StrictFilterSet):
    kind = filters.MultipleChoiceFilter(choices=models.SourceKind.choices, label=_("Kind"))
    language = filters.CharFilter(field_name="language", label=_("Language"), max_length=20)
    outlet = PublicIdFilter(target=models.MediaOutlet, paths=["outlet"], label=_("Outlet"))

    class Meta:
        model = models.Source
        fields = []


def filterset_for(model_or_key) -> type[StrictFilterSet]:
    """The FilterSet of a record type, given its public key, its model or one of its records:
    the class the registry names (`RecordType.filterset`)."""
    record_type = registry.get(model_or_key) if isinstance(model_or_key, str) else registry.of(model_or_key)
    return import_string(record_type.filterset)
