"""References to other records in a cell: by public id, primary name or other name, never by pk.

A cell that matches nothing, or more than one record, is an error naming
what it looked for and, when ambiguous, the public ids to choose from.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import widgets

from archive import registry
from archive.models import Slogan
from archive.resources.cells import JOINER, as_written, cell_text, language_for, split_items, split_tagged

MAX_LISTED = 5
PREFETCH_CHUNK = 1000


def _names(model) -> tuple[str | None, str | None]:
    """The field holding a record's name (None: an arrest, named by its detainee, is referenced by public
    id only) and the relation of its other names (None if it has none), from the registry."""
    record_type = registry.of(model)
    other_names = record_type.part(registry.Names)
    return record_type.label_field, other_names.accessor if other_names else None


def resolve(model, text: str, limit: dict | None = None, what: str | None = None, by_public_id: bool = True):
    """The one record of `model` whose public id, name or other name is `text` (case-insensitive names).

    `by_public_id=False` skips the public-id lookup (the caller already knows no record has it).
    """
    queryset = model.objects.all()
    if limit:
        queryset = queryset.filter(**limit)
    what = what or str(model._meta.verbose_name)
    found = queryset.filter(public_id=text).first() if by_public_id else None
    if found is not None:
        return found
    name_field, other_names = _names(model)
    query = Q()
    if name_field:
        query |= Q(**{f"{name_field}__iexact": text})
    if other_names:
        query |= Q(**{f"{other_names}__name__iexact": text})
    matches = list(queryset.filter(query).distinct()[: MAX_LISTED + 1]) if query else []
    if not matches:
        if name_field and other_names:
            message = _("No %(what)s has the public id, name or other name “%(text)s”.")
        elif name_field:
            message = _("No %(what)s has the public id or %(field)s “%(text)s”.")
        else:
            message = _("No %(what)s has the public id “%(text)s”.")
        raise ValueError(message % {"what": what, "text": as_written(text), "field": name_field})
    if len(matches) > 1:
        listed = ", ".join(f"{record.public_id} ({record})" for record in matches[:MAX_LISTED])
        more = _(" and more") if len(matches) > MAX_LISTED else ""
        raise ValueError(
            _("“%(text)s” matches more than one %(what)s: %(listed)s%(more)s. Write the public id of the one you mean.")
            % {"text": as_written(text), "what": what, "listed": listed, "more": more}
        )
    return matches[0]


def remembered(cache: dict, key: str, lookup):
    """`lookup()`, or the ValueError it raised, kept in `cache` under `key`: a reference repeated
    across an import is looked up once, and fails the same way each time."""
    if key not in cache:
        try:
            cache[key] = lookup()
        except ValueError as error:
            cache[key] = error
    found = cache[key]
    if isinstance(found, ValueError):
        raise found
    return found


def clean_items(value, convert, key=None) -> list:
    """A multi-valued cell's items, each through `convert`, in order and each once (the same `key`, or
    equal, counts as once); one ValueError names every item that did not convert."""
    found, keys, problems = [], [], []
    for item in split_items(value):
        try:
            thing = convert(item)
        except ValueError as error:
            problems.append(str(error))
            continue
        seen = key(thing) if key else thing
        if seen not in keys:
            keys.append(seen)
            found.append(thing)
    if problems:
        raise ValueError(" ".join(problems))
    return found


class ResolvingMixin:
    """Resolves cells to records, with lookups cached for the length of one import.

    The resource sets `cache` to a dict for an import (None: look up every time)
    and, for references to the type being imported, a `guard` called with each
    text before it is looked up: rows not yet written that it might name are
    written first, so a row can refer to a record an earlier row adds or renames.
    """

    cache = None
    guard = None
    #: Texts known (from a prefetch) not to be anyone's public id: only names are looked up.
    not_public_ids: set = frozenset()

    def items(self, value) -> list[str]:
        """The references a cell holds."""
        text = cell_text(value)
        return [text] if text else []

    def prefetch(self, texts) -> None:
        """Look up, by public id in one query per thousand, the texts not yet cached."""
        if self.cache is None:
            return
        wanted = sorted({text for text in texts if text not in self.cache})
        found = set()
        queryset = self.model.objects.filter(**(self.limit or {}))
        for start in range(0, len(wanted), PREFETCH_CHUNK):
            for record in queryset.filter(public_id__in=wanted[start : start + PREFETCH_CHUNK]):
                self.cache[record.public_id] = record
                found.add(record.public_id)
        self.not_public_ids = {*self.not_public_ids, *(set(wanted) - found)}

    def forget(self) -> None:
        """Drop cached lookups (the records they found may have changed)."""
        if self.cache is not None:
            self.cache.clear()
        self.not_public_ids = frozenset()

    def resolve(self, text: str):
        if self.guard is not None:
            self.guard(text)
        if self.cache is None:
            return resolve(self.model, text, self.limit, self.what)
        return remembered(
            self.cache,
            text,
            lambda: resolve(self.model, text, self.limit, self.what, by_public_id=text not in self.not_public_ids),
        )


class RecordWidget(ResolvingMixin, widgets.Widget):
    """One related record; exported as its public id."""

    def __init__(self, model, limit: dict | None = None, what: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.model, self.limit, self.what = model, limit, what

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return self.resolve(text) if text else None

    def render(self, value, obj=None, **kwargs):
        return value.public_id if value is not None else ""


class RecordsWidget(ResolvingMixin, widgets.ManyToManyWidget):
    """Several related records separated by |; exported as public ids."""

    def __init__(self, model, limit: dict | None = None, what: str | None = None, **kwargs):
        super().__init__(model, **kwargs)
        self.limit, self.what = limit, what

    def items(self, value) -> list[str]:
        return split_items(value)

    def clean(self, value, row=None, **kwargs):
        return clean_items(value, self.resolve)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return JOINER.join(sorted(record.public_id for record in value.all()))


class LanguagesWidget(widgets.ManyToManyWidget):
    """Several BCP 47 tags separated by |."""

    def __init__(self, **kwargs):
        from archive.models import Language

        super().__init__(Language, **kwargs)

    def clean(self, value, row=None, **kwargs):
        return clean_items(value, language_for)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else JOINER.join(sorted(language.code for language in value.all()))


class SlogansWidget(widgets.ManyToManyWidget):
    """Slogans as “text [language]” separated by |; a slogan not yet in the archive is added.

    During an import (`cache` set by the resource) lookups are cached, and a new
    slogan is one object however many rows name it, written once with the first.
    """

    def __init__(self, **kwargs):
        super().__init__(Slogan, **kwargs)
        self.cache = None
        self.new: dict[tuple[str, str], Slogan] = {}

    def forget(self) -> None:
        """Keep the cache: slogans change only through this widget, which keeps it current."""

    def _lookup(self, item: str) -> Slogan:
        text, code = split_tagged(item)
        if not text:
            raise ValueError(_("“%(item)s” has no slogan text.") % {"item": item})
        if code is None:
            matches = list(Slogan.objects.filter(text=text)[:2])
            matches += [s for (new_text, _code), s in self.new.items() if new_text == text and s not in matches]
            if len(matches) == 1:
                return matches[0]
            if matches:
                raise ValueError(
                    _("The slogan “%(text)s” exists in several languages: write which, e.g. “%(text)s [%(code)s]”.")
                    % {"text": text, "code": matches[0].language_id}
                )
            raise ValueError(
                _("The slogan “%(text)s” is new: write its language after it, e.g. “%(text)s [az-Latn]”.")
                % {"text": text}
            )
        language = language_for(code)
        key = (text, language.code)
        if key in self.new:
            return self.new[key]
        slogan = Slogan.objects.filter(text=text, language=language).first()
        if slogan is None:
            slogan = Slogan(text=text, language=language)
            if self.cache is not None:
                self.new[key] = slogan
                self.cache.pop(text, None)  # “text” without a language may now mean this one too
        return slogan

    def slogan(self, item: str) -> Slogan:
        if self.cache is None:
            return self._lookup(item)
        return remembered(self.cache, item, lambda: self._lookup(item))

    def clean(self, value, row=None, **kwargs):
        return clean_items(value, self.slogan, key=lambda slogan: (slogan.text, slogan.language_id))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return JOINER.join(f"{slogan.text} [{slogan.language_id}]" for slogan in value.all())
