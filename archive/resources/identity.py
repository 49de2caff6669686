"""When a new row is probably a record the archive already has.

A row without a public id is a new record; imported twice, a file would make every record twice. A new
row whose identity (`RecordType.identity`, declared with each type in archive/registry/types.py) matches
an existing record — or an earlier row of the file — is a probable duplicate: reported with that
record's public id and skipped, unless the archivist asks to create duplicates anyway. Texts compare
folded as search folds them (case, marks, punctuation and spacing ignored); names match a record's
primary name or any of its other names.
"""

from archive import registry
from archive.folding import fold_remembered as fold
from archive.registry import Names


class Duplicates:
    """The identities of a type's records, read once per import; `find` the record a new row repeats."""

    def __init__(self, model):
        record_type = registry.of(model)
        self.identity = record_type.identity  # declared with the type (archive/registry/types.py)
        self.other_names = record_type.part(Names) is not None
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
        rows = self.model.objects.values_list("pk", "public_id", identity.text, *identity.columns)
        by_pk = {}
        for pk, public_id, text, *values in rows:
            rest = (*values, places.get(pk, frozenset())) if identity.places else tuple(values)
            by_pk[pk] = (public_id, rest)
            known.setdefault((fold(text or ""), *rest), public_id)
        if self.other_names:
            names = self.model.other_names.rel.related_model.objects.values_list("owner_id", "name")
            for owner_id, name in names:
                public_id, rest = by_pk[owner_id]
                known.setdefault((fold(name or ""), *rest), public_id)
        return known

    def keys(self, instance, pending) -> list[tuple]:
        identity = self.identity
        rest = tuple(getattr(instance, f) for f in identity.columns)
        if identity.places:
            wanted = pending.relations.get("places")
            rest += (frozenset(p.pk for p in wanted or ()),)
        names = [getattr(instance, identity.text)]
        if self.other_names:
            names += [part.obj.name for part in pending.parts if hasattr(part.obj, "name")]
        return [(fold(name or ""), *rest) for name in names if fold(name or "")]

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
