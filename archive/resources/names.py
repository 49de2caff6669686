"""A record's other names in its import/export file (people, organizations, media outlets, places).

Two ways to write them, one part (`OtherNamesPart`) reading both:

- `other_names`, for spreadsheet users: “Urmu [az-Latn] | ارومیه [fa]”, each name with its language;
  names the record lacks are added (as variants), none is changed or removed;
- `other_names_list`: every other name as a JSON list of {"name", "language", "kind", "note"}, authoritative
  when filled in (archive.resources.lists): the record's other names become exactly that list (a name in
  the same language is kept and its kind and note updated, others added, those the list leaves out
  removed). An export writes both, so export → import gives back every other name whole.

A row giving both must have them agree: each name of `other_names` is one of the list.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from archive.models import NameKind
from archive.resources.cells import JOINER, ChoiceWidget, as_written, cell_text, language_for, split_items, split_tagged
from archive.resources.fields import PendingPart, _related
from archive.resources.lists import ListPart, pair_up, shown, written


class OtherNamesPart(ListPart):
    """Other names: some in `other_names`, all of them, with kind and note, in `other_names_list`."""

    keys = ("name", "language", "kind", "note")

    def __init__(self, relation="other_names"):
        self.relation = self.column = relation
        self.columns = {"name": relation}
        self.list_column = f"{relation}_list"

    def plan(self, instance, row) -> list[PendingPart]:
        text = self.list_cell(row)
        if text:
            return self.plan_list(instance, row, text)
        if self.column not in row:
            return []
        known = {(n.name, n.language_id) for n in _related(instance, self.relation)}
        pending = []
        model = self.part_model(type(instance))
        for _item, name, language in self._flat_items(row):
            if (name, language.code) in known:
                continue
            known.add((name, language.code))
            columns = dict.fromkeys(self.keys, self.column)
            pending.append(PendingPart(model(name=name, language=language), "owner", columns, True))
        return pending

    def _flat_items(self, row) -> list[tuple[str, str, object]]:
        """The names of the `other_names` cell: (item as written, name, Language); bad items are errors."""
        found, problems = [], []
        for item in split_items(row[self.column]):
            name, code = split_tagged(item)
            if code is None or not name:
                problems.append(
                    _("Write “%(item)s” as a name and its language, e.g. “Urmu [az-Latn]”.") % {"item": item}
                )
                continue
            try:
                found.append((item, name, language_for(code)))
            except ValueError as error:
                problems.append(str(error))
        if problems:
            raise ValidationError({self.column: problems})
        return found

    # --- the list column -----------------------------------------------------------------------

    def not_a_list(self, text: str) -> str:
        example = '[{"name": "Urmu", "language": "az-Latn", "kind": "transliteration", "note": ""}]'
        return _("“%(cell)s” is not a JSON list of other names; write e.g. %(example)s.") % {
            "cell": as_written(text),
            "example": example,
        }

    def label(self, number: int, item) -> str:
        return _("Other name %(number)s (%(item)s)") % {"number": number, "item": shown(item)}

    def item_values(self, item) -> dict:
        if not isinstance(item, dict) or set(item) - set(self.keys):
            raise ValueError(
                _("write each other name as an object with the keys %(keys)s.") % {"keys": ", ".join(self.keys)}
            )
        problems, texts = [], {}
        for key in self.keys:
            raw = item.get(key)
            if isinstance(raw, dict | list | bool):
                problems.append(_("“%(key)s” is not a text.") % {"key": key})
            else:
                texts[key] = cell_text(raw)
        values = {"name": texts.get("name"), "note": texts.get("note", "")}
        if values["name"] == "":
            problems.append(_("give the name (“name”)."))
        if texts.get("language") == "":
            problems.append(_("give the language of the name (“language”), e.g. az-Latn."))
        for key, clean in (("language", language_for), ("kind", self._kind)):
            if texts.get(key):
                try:
                    values[key] = clean(texts[key])
                except ValueError as error:
                    problems.append(str(error))
        if problems:
            raise ValueError(" ".join(problems))
        values.setdefault("kind", NameKind.VARIANT)  # as a name added in the admin
        return values

    @staticmethod
    def _kind(text: str) -> str:
        return ChoiceWidget(NameKind.choices).clean(text)

    def conflicts(self, wanted: list) -> dict[int, str]:
        seen, problems = {}, {}
        for index, values in enumerate(wanted):
            key = (values["name"], values["language"].code)
            if key in seen:
                problems[index] = _("other name %(number)s has the same name and language; a record has each once.") % {
                    "number": seen[key] + 1
                }
            seen.setdefault(key, index)
        return problems

    def matches(self, parts: list, wanted: list) -> list:
        """A name kept or updated is the one with the same name in the same language."""
        return pair_up(parts, wanted, [lambda n, v: (n.name, n.language_id) == (v["name"], v["language"].code)])

    def assign(self, obj, values) -> bool:
        changed = obj.pk is None or obj.language_id != values["language"].code
        obj.language = values["language"]
        for key in ("name", "kind", "note"):
            if getattr(obj, key) != values[key]:
                setattr(obj, key, values[key])
                changed = True
        return changed

    def check_agreement(self, row, wanted: list) -> None:
        """Each name of `other_names` beside a list is one of its names."""
        if not cell_text(row.get(self.column)):
            return
        listed = {(values["name"], values["language"].code) for values in wanted}
        advice = _("When a row has %(list)s, leave %(column)s empty or make it agree with it.")
        advice %= {"list": self.list_column, "column": self.column}
        missing = [
            " ".join([_("“%(item)s” is not in %(list)s.") % {"item": item, "list": self.list_column}, advice])
            for item, name, language in self._flat_items(row)
            if (name, language.code) not in listed
        ]
        if missing:
            raise ValidationError({self.column: missing})

    # --- writing -------------------------------------------------------------------------------

    def export(self, instance, key):
        names = getattr(instance, self.relation).all()  # as the admin lists them: by language, then name
        if key is None:
            return written([{"name": n.name, "language": n.language_id, "kind": n.kind, "note": n.note} for n in names])
        return JOINER.join(f"{n.name} [{n.language_id}]" for n in names)
