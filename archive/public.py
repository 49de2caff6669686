"""How published records show what they point to.

The public gate itself is ``published()`` on each model's QuerySet. A
published record may still point at something the public must not see — an
at-risk detainee, a draft organization — and these helpers say what to show
in its place.
"""

from django.utils.translation import gettext as _

from archive.models import Arrest, Person


def person_label(person: Person | None) -> str:
    """The person's name if public, otherwise a withheld marker."""
    if person is None:
        return ""
    if person.is_public:
        return person.name
    return _("name withheld")


def detainee_label(arrest: Arrest) -> str:
    """Who was detained, as the public may read it."""
    if arrest.person_id is None:
        return arrest.group_description
    if arrest.person.is_public:
        return arrest.person.name
    return _("a detainee, name withheld")


def public_or_none(obj):
    """The related record if the public may see it, else None."""
    return obj if obj is not None and obj.is_public else None
