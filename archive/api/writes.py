"""Writing through the API: archivists' and editors' tools, with token auth.

The same rules as the admin: archivists create and edit drafts and submit
them; editors also edit published records and change status through the
workflow services; every write is saved with its user in history. Related
records are named by public id, dates typed as in the admin, and the model's
own validation (fields and constraints) decides what is valid.
"""

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError

from archive import models, workflow
from archive.date_input import DateInputError, format_partial_date_input, parse_partial_date

WRITABLE = {
    models.Protest: ["title", "kind", "event_status", "description", "places", "organizers", "date", "date_note"],
    models.Arrest: [
        "person",
        "group_description",
        "place",
        "protest",
        "authority",
        "accusation",
        "formal_charge",
        "outcome",
        "outcome_date",
        "outcome_note",
        "description",
        "date",
        "date_note",
    ],
    models.Statement: [
        "title",
        "form",
        "speaker_people",
        "speaker_organizations",
        "speaker_description",
        "place",
        "summary",
        "reported_in",
        "about_protests",
        "date",
        "date_note",
    ],
    models.Organization: [
        "name",
        "name_language",
        "kind",
        "country",
        "based_in",
        "parent",
        "founded_year",
        "dissolved_year",
        "description",
    ],
    models.MediaOutlet: [
        "name",
        "name_language",
        "kind",
        "languages",
        "country",
        "base",
        "affiliation",
        "active_from",
        "active_until",
        "url",
        "description",
    ],
    models.Person: ["name", "name_language", "description", "at_risk"],
    models.Place: ["name", "name_language", "kind", "parent", "latitude", "longitude", "description"],
    models.Source: [
        "kind",
        "title",
        "title_translation",
        "authors",
        "outlet",
        "publisher",
        "language",
        "url",
        "accessed",
        "archived_url",
        "pages",
        "reference_text",
        "date",
        "date_note",
    ],
}
COMMON = ["id", "status", "public_note", "private_note", "wikidata_qid"]


@extend_schema_field(
    {
        "type": "string",
        "example": "mid-October 2020",
        "description": "A date as the sources give it, in either calendar.",
    }
)
class PartialDateWriteField(serializers.Field):
    def to_internal_value(self, data):
        try:
            return {"date": parse_partial_date(str(data))}
        except DateInputError as error:
            raise serializers.ValidationError(str(error)) from error

    def to_representation(self, record):
        return format_partial_date_input(record.date_start, record.date_end, record.date_precision)


class RecordWriteSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", required=False, max_length=64)
    status = serializers.CharField(read_only=True)

    def build_relational_field(self, field_name, relation_info):
        _field_class, kwargs = super().build_relational_field(field_name, relation_info)
        related = relation_info.related_model
        if related is models.Language:
            return serializers.PrimaryKeyRelatedField, kwargs
        kwargs["slug_field"] = "public_id"
        return serializers.SlugRelatedField, kwargs

    def validate(self, attrs):
        date = attrs.pop("date", None)
        relations = {k: attrs.pop(k) for k in list(attrs) if self.Meta.model._meta.get_field(k).many_to_many}
        instance = self.instance or self.Meta.model()
        for key, value in attrs.items():
            setattr(instance, key, value)
        if date is not None:
            instance.date_start, instance.date_end, instance.date_precision = date.start, date.end, date.precision
        elif self.instance is None and hasattr(instance, "date_precision"):
            raise ApiValidationError({"date": [_("Give a date, or “undated”.")]})
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise ApiValidationError(serializers.as_serializer_error(error)) from error
        self._prepared, self._relations = instance, relations
        return attrs

    @transaction.atomic
    def save(self, **kwargs):
        instance = self._prepared
        instance._history_user = self.context["request"].user
        instance._change_reason = _("Saved through the API")
        instance.save()
        for name, values in self._relations.items():
            getattr(instance, name).set(values)
        self.instance = instance
        return instance


@functools.cache
def write_serializer_for(model):
    fields = [*COMMON, *WRITABLE[model]]
    attrs = {"Meta": type("Meta", (), {"model": model, "fields": fields})}
    if "date" in fields:
        attrs["date"] = PartialDateWriteField(source="*", required=False)
    return type(f"{model.__name__}WriteSerializer", (RecordWriteSerializer,), attrs)


class ArchivePermissions(permissions.DjangoModelPermissions):
    """Reads are public; writes need the admin's add/change/delete permissions,
    and published records change only at an editor's hand."""

    perms_map = {**permissions.DjangoModelPermissions.perms_map, "GET": [], "HEAD": [], "OPTIONS": []}

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if obj.status in {models.Status.PUBLISHED, models.Status.WITHDRAWN} and not workflow.can_publish(
            request.user, obj
        ):
            raise PermissionDenied(_("Published records are changed by an editor."))
        return True


WORKFLOW_ACTIONS = {
    "submit": workflow.record_submit,
    "publish": workflow.record_publish,
    "return-to-draft": workflow.record_return_to_draft,
    "withdraw": workflow.record_withdraw,
    "restrict": lambda **kw: workflow.record_set_restricted(restricted=True, **kw),
    "unrestrict": lambda **kw: workflow.record_set_restricted(restricted=False, **kw),
}


class StatusChange(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(WORKFLOW_ACTIONS))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
