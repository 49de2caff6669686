"""When a new row is probably a record the archive already has: the identity of each record type.

A row without a public id is a new record; imported twice, a file would make every record twice. A new
row whose identity (below) matches an existing record — or an earlier row of the file — is a probable
duplicate: reported with that record's public id and skipped, unless the archivist asks to create
duplicates anyway. Texts compare folded (letter case and spacing ignored); names match a record's
primary name or any of its other names.
"""

from dataclasses import dataclass

from archive import models as m

DATE = ("date_start", "date_end", "date_precision")


@dataclass(frozen=True)
class Identity:
    text: str  # the field that names the record (title or name)
    fields: tuple[str, ...] = ()  # other fields (attnames) that must be equal
    places: bool = False  # the many-to-many `places` must be equal (protests)
    other_names: bool = False  # the name may match any other name of the record


IDENTITIES = {
    m.Protest: Identity("title", DATE, places=True),
    m.Arrest: Identity("group_description", ("person_id", "place_id", *DATE)),
    m.Statement: Identity("title", ("place_id", *DATE)),
    m.Organization: Identity("name", ("kind",), other_names=True),
    m.MediaOutlet: Identity("name", ("kind",), other_names=True),
    m.Person: Identity("name", other_names=True),
    m.Place: Identity("name", ("parent_id",), other_names=True),
    m.Source: Identity("title", ("outlet_id", *DATE)),
}


def fold(text) -> str:
    return " ".join(str(text or "").casefold().split())


class Duplicates:
    """The identities of a type's records, read once per import; `find` the record a new row repeats."""

    def __init__(self, model):
        self.identity = IDENTITIES.get(model)
        self.model = model
        self.known: dict[tuple, str] | None = None

    def _read(self) -> dict[tuple, str]:
        identity, known = self.identity, {}
        places: dict[int, frozenset] = {}
        if identity.places:
            through = self.model.places.through
            owner = self.model._meta.get_field("places").m2m_column_name()
            target = self.model._meta.get_field("places").m2m_reverse_name()
            for owner_id, place_id in through.objects.values_list(owner, target):
                places[owner_id] = places.get(owner_id, frozenset()) | {place_id}
        rows = self.model.objects.values_list("pk", "public_id", identity.text, *identity.fields)
        by_pk = {}
        for pk, public_id, text, *values in rows:
            rest = (*values, places.get(pk, frozenset())) if identity.places else tuple(values)
            by_pk[pk] = (public_id, rest)
            known.setdefault((fold(text), *rest), public_id)
        if identity.other_names:
            names = self.model.other_names.rel.related_model.objects.values_list("owner_id", "name")
            for owner_id, name in names:
                public_id, rest = by_pk[owner_id]
                known.setdefault((fold(name), *rest), public_id)
        return known

    def keys(self, instance, pending) -> list[tuple]:
        identity = self.identity
        rest = tuple(getattr(instance, f) for f in identity.fields)
        if identity.places:
            wanted = pending.relations.get("places")
            rest += (frozenset(p.pk for p in wanted or ()),)
        names = [getattr(instance, identity.text)]
        if identity.other_names:
            names += [part.obj.name for part in pending.parts if hasattr(part.obj, "name")]
        return [(fold(name), *rest) for name in names if fold(name)]

    def find(self, instance, pending) -> str | None:
        """The public id of the record (or earlier row) the new row repeats; else None, remembering the row."""
        if self.identity is None:
            return None
        if self.known is None:
            self.known = self._read()
        keys = self.keys(instance, pending)
        for key in keys:
            if key in self.known:
                return self.known[key]
        for key in keys:
            self.known[key] = instance.public_id
        return None
