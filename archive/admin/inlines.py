"""The inlines of a record's parts, one kind per part kind of the registry (`Names`, `Claims`, `Texts`,
`Roles`), plus citations. Each is read-only when the user may not change the record (owners.py)."""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericStackedInline
from django.urls import reverse
from django.utils.translation import gettext as _

from archive.admin.forms import DatedInlineForm
from archive.admin.owners import OwnedPartInline
from archive.models import Citation
from archive.registry import Claims, Names, Roles, Texts


class CitationInline(OwnedPartInline, GenericStackedInline):
    """Stacked: a citation's quote and translation need the width a row of columns would take (forms fit 1366 px)."""

    model = Citation
    extra = 0
    autocomplete_fields = ["source", "cited_in"]
    fields = [("source", "cited_in"), ("footnote", "page"), "quote", "quote_translation", "note"]


class NarrowColumns:
    """Rows of columns narrow enough for a 1366-px screen."""

    css = {"all": ["archive/admin-forms.css"]}


class NameInline(OwnedPartInline, admin.TabularInline):
    Media = NarrowColumns
    extra = 0
    autocomplete_fields = ["language"]
    fields = ["name", "language", "kind", "note"]


class ClaimForm(forms.ModelForm):
    """The claimant box tells the admin's script where to ask for the kind its words suggest (archive.claimants)."""

    class Media:
        js = ["archive/admin-claimant-kind.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "claimant" in self.fields:
            self.fields["claimant"].widget.attrs["data-claimant-kind"] = reverse("admin-claimant-kind")
        if "claimant_kind" in self.fields:
            self.fields["claimant_kind"].widget.attrs["data-suggested-label"] = _("suggested from the claimant's words")


class ClaimInline(OwnedPartInline, admin.StackedInline):
    """Stacked, the figure on one line and who claims it on the next (forms fit 1366 px)."""

    form = ClaimForm
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("words", "low", "high"), ("claimant", "claimant_kind"), ("source", "footnote"), "note"]


class GroupClaimInline(ClaimInline):
    """Claims about who signed: the group, as written, comes first."""

    fields = ["group", *ClaimInline.fields]


class TextInline(OwnedPartInline, admin.StackedInline):
    extra = 0
    autocomplete_fields = ["language"]
    fields = [("language", "is_original", "translator"), "text"]


class RoleInline(OwnedPartInline, admin.TabularInline):
    """A person's roles, each dated with the one text box for a partial date."""

    Media = NarrowColumns
    form = DatedInlineForm
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["role", "organization", "date_text", "date_note"]


def _base(part) -> type:
    if isinstance(part, Claims):
        return GroupClaimInline if part.group else ClaimInline
    bases = {Names: NameInline, Texts: TextInline, Roles: RoleInline}
    return next(base for kind, base in bases.items() if isinstance(part, kind))


def part_inline(owner, part) -> type:
    """The inline for one part of a record type, named for its model (`PersonNameInline`)."""
    model = part.model(owner)
    return type(f"{model.__name__}Inline", (_base(part),), {"model": model, "__module__": __name__})
