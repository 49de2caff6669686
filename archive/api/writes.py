"""Writing through the API: archivists' and editors' tools, with token auth.

Every editable field of a type's spec (`RecordType.fields`) is writable, and every record's
`original_language` and `translations` (archive.translations: the archive's new or changed translations
note the requesting user as translator, kept private), under its own name (a
source's `url`, which API records call `web_address` beside the record's own `url`): related records
by public id, languages by code, slogans as `{"text", "language", "translation"}` (found or
created: a slogan is one per text and language), dates typed as in the admin (`date`). The model's
own validation (fields and constraints) decides what is valid. Who may change what is the write
path's rule (`archive.changes`): it refuses, with a 403, an archivist's change to a published record
or to anything that belongs to it, publishing, and clearing a person's at-risk flag; the request
then rolls back whole.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError

from archive import changes, models, registry, translations, workflow
from archive.api import values
from archive.date_input import DateInputError, format_partial_date_input, parse_partial_date
from archive.registry import Kind, RecordType

COMMON = ["id", "status", "public_note", "private_note", "wikidata_qid", "original_language", "translations"]


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


class SloganInput(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    language = serializers.PrimaryKeyRelatedField(queryset=models.Language.objects.all())
    translation = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs):
        # A PATCH is partial all the way down (DRF skips missing fields), but a slogan is never half given.
        missing = {name: [_("This field is required.")] for name in ("text", "language") if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class SlogansWriteField(serializers.ListField):
    """Slogans by text and language: an existing one is reused (its translation updated if one is given),
    a new one is created when the record is saved."""

    child = SloganInput()

    def to_internal_value(self, data):
        found: dict[tuple[str, str], models.Slogan] = {}
        for item in super().to_internal_value(data):
            key = (item["text"], item["language"].code)
            slogan = found.get(key) or models.Slogan.objects.filter(text=key[0], language=key[1]).first()
            slogan = slogan or models.Slogan(text=key[0], language=item["language"])
            if "translation" in item and item["translation"] != slogan.translation:
                slogan.translation = item["translation"]
                slogan._api_edited = True
            try:
                slogan.full_clean(validate_unique=False)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
            found[key] = slogan
        return list(found.values())

    def to_representation(self, manager):
        return [values.slogan(slogan) for slogan in manager.all()]

    @staticmethod
    def save(slogans) -> None:
        """Write the new slogans and the edited translations (through the write path, like any part)."""
        for slogan in slogans:
            if slogan.pk is None or getattr(slogan, "_api_edited", False):
                slogan.save()


class RecordWriteSerializer(serializers.ModelSerializer):
    """A named subclass per type says its `record_type`; its fields come from the type's spec."""

    record_type: RecordType

    id = serializers.CharField(source="public_id", required=False, max_length=64)
    status = serializers.CharField(read_only=True)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        record_type = cls.record_type
        names = []
        for spec in record_type.fields:
            if spec.kind == Kind.DATE:
                cls._declared_fields["date"] = PartialDateWriteField(source="*", required=False)
                names += ["date", "date_note"]
            elif spec.kind == Kind.SLOGANS:
                cls._declared_fields[spec.name] = SlogansWriteField(required=False)
                names.append(spec.name)
            else:
                names.append(spec.name)
        cls.Meta = type("Meta", (), {"model": record_type.model, "fields": [*COMMON, *names]})

    def build_relational_field(self, field_name, relation_info):
        _field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if relation_info.related_model is models.Language:
            return serializers.PrimaryKeyRelatedField, kwargs
        kwargs["slug_field"] = "public_id"
        return serializers.SlugRelatedField, kwargs

    def validate(self, attrs):
        date = attrs.pop("date", None)
        relations = {k: attrs.pop(k) for k in list(attrs) if self.Meta.model._meta.get_field(k).many_to_many}
        instance = self.instance or self.Meta.model()
        if "translations" in attrs:  # the archive's new or changed translations are the requesting user's
            request = self.context.get("request")
            user = request.user.get_username() if request is not None else ""
            attrs["translations"] = translations.stamped(instance.translations, attrs["translations"], user)
        for key, value in attrs.items():
            setattr(instance, key, value)
        if date is not None:
            instance.date_start, instance.date_end, instance.date_precision = date.start, date.end, date.precision
        elif self.instance is None and self.record_type.dated:
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
        for name, related in self._relations.items():
            if self.record_type.field(name).kind == Kind.SLOGANS:
                SlogansWriteField.save(related)
            getattr(instance, name).set(related)
        self.instance = instance
        return instance


class ProtestWriteSerializer(RecordWriteSerializer):
    """What archivists and editors write of a protest."""

    record_type = registry.get("protests")


class ArrestWriteSerializer(RecordWriteSerializer):
    """What archivists and editors write of a arrest."""

    record_type = registry.get("arrests")


class StatementWriteSerializer(RecordWriteSerializer):
    """What archivists and editors write of a statement."""

    record_type = registry.get("statements")


class OrganizationWriteSerializer(RecordWriteSerializer):
    """What archivists and editors write of an organization."""

    record_type = registry.get("organizations")


class MediaOutletWriteSerializer(RecordWriteSerializer):
    """What archivists and editors write of a media outlet."""

    record_type = registry.get("media-outlets")


class PersonWriteSerializer(RecordWriteSerializer):
    """What archivists and editors write of a person."""

    record_type = registry.get("people")


class PlaceWriteSerializer(RecordWriteSerializer):
    """What archivists and editors write of a place."""

    record_type = registry.get("places")


class SourceWriteSerializer(RecordWriteSerializer):
    """What archivists and editors write of a source."""

    record_type = registry.get("sources")


class ArchivePermissions(permissions.DjangoModelPermissions):
    """Reads are public; writes need the admin's add/change/delete permissions, and the write path's
    consent on the record itself (`archive.changes.refusal`: published records change at an editor's
    hand). The write path checks again as it writes; asking it first answers before any work is done."""

    perms_map = {**permissions.DjangoModelPermissions.perms_map, "GET": [], "HEAD": [], "OPTIONS": []}

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        state = changes.state_of(obj)
        action = "delete" if request.method == "DELETE" else "change"
        reason = changes.refusal(type(obj), state, state, request.user, action)
        if reason:
            raise PermissionDenied(reason)
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


class StatusChanged(serializers.Serializer):
    detail = serializers.CharField()
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=models.Status.choices)
