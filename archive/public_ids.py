"""Readable public ids for new records, and the rule that keeps them permanent.

A record made in the admin or through the API without an id gets one read from its type, its date and its
title or name, as the article's records have: `protest-2020-10-18-tabriz-rally`, `person-yegana-haciyeva` — but
never a name that may have to be withheld: an arrest's id does not name the detainee, and a person marked at
risk gets a random tail instead of their name.
The date is written as precisely as it is known (a day, a month, else the year). Letters are folded as
search folds them (Təbriz → tabriz); a title with no Latin letters (a Persian one) gives the type and
date with a short random tail. An id is never one another record has, or one the public once knew (a
tombstone's): a number is added instead (`-2`, `-3`…).

The id can be edited until the record is first published; after that it is permanent (its address is
cited): `check_permanent` refuses the change, for every form and API write (they all call `full_clean`).
"""

import datetime as dt
import re
from collections.abc import Container

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from archive import folding
from archive.dates import MONTH_PRECISIONS, DatePrecision

MAX_LENGTH = 64
SLUG_WORDS = 8
CANDIDATES = 50  # numbered ids tried after the stem
_LATIN_WORD = re.compile(r"[a-z0-9]+")


def readable(record, also_taken: Container[str] = frozenset()) -> str:
    """A free readable id for a record about to be created (not one of `also_taken` either: ids an import
    gave earlier rows of its file)."""
    from archive import registry

    record_type = registry.of(record)
    head = [record_type.id_prefix, *_date_parts(record)]
    words = []
    # An id is public and permanent: it never carries a name that may have to be withheld (an arrest's
    # detainee, a person at risk).
    if record_type.id_words and not getattr(record, "at_risk", False):
        words = _LATIN_WORD.findall(folding.fold(str(record_type.label_of(record) or "")))[:SLUG_WORDS]
    if not words:
        from archive.models.base import new_public_id

        words = [new_public_id()[:6]]
    stem = _fit("-".join(head), words)
    return _free(record_type, stem, also_taken)


def _date_parts(record) -> list[str]:
    start = getattr(record, "date_start", None)
    if start is None or start == "":
        return []
    if isinstance(start, str):  # as assigned, before the field converts it on save
        try:
            start = dt.date.fromisoformat(start[:10])
        except ValueError:
            return []
    precision = getattr(record, "date_precision", DatePrecision.DAY)
    if precision == DatePrecision.DAY:
        return [start.isoformat()]
    if precision in MONTH_PRECISIONS:
        return [start.strftime("%Y-%m")]
    return [str(start.year)]


def _fit(head: str, words: list[str]) -> str:
    """The head and as many whole words as fit, leaving room for a `-NN` tail."""
    room = MAX_LENGTH - 4
    stem = head
    for word in words:
        candidate = f"{stem}-{word}"
        if len(candidate) > room:
            break
        stem = candidate
    if stem == head:  # one very long word: cut it
        stem = f"{head}-{words[0]}"[:room].rstrip("-")
    return stem


def _free(record_type, stem: str, also_taken: Container[str] = frozenset()) -> str:
    """The stem, or the stem and the first free number: exact lookups on the unique indexes (a prefix search
    cannot use them, and an import asks once per new row)."""
    from archive.models import Tombstone
    from archive.models.base import new_public_id

    candidates = [stem, *(f"{stem}-{number}" for number in range(2, CANDIDATES + 1))]
    taken = set(record_type.model.objects.filter(public_id__in=candidates).values_list("public_id", flat=True))
    taken |= set(
        Tombstone.objects.filter(record_type=record_type.key, public_id__in=candidates).values_list(
            "public_id", flat=True
        )
    )
    free = next((c for c in candidates if c not in taken and c not in also_taken), None)
    if free is None:  # the same title and date fifty times over: a random tail instead of a number
        free = f"{stem[: MAX_LENGTH - 11].rstrip('-')}-{new_public_id()}"
    return free


def was_published(record) -> bool:
    """Whether the public may have known the record by its id: published now, or at some point in its history
    (withdrawn records were published)."""
    from archive.models.base import Status

    if record.pk is None:
        return False
    stored = type(record).objects.filter(pk=record.pk).values_list("status", flat=True).first()
    if stored in (Status.PUBLISHED, Status.WITHDRAWN):
        return True
    history = getattr(type(record), "history", None)
    return history is not None and history.filter(id=record.pk, status=Status.PUBLISHED).exists()


def check_permanent(record) -> None:
    """Refuse a new id for a record the public has known by its old one."""
    if record.pk is None:
        return
    stored = type(record).objects.filter(pk=record.pk).values_list("public_id", flat=True).first()
    if stored is None or stored == record.public_id:
        return
    if was_published(record):
        raise ValidationError(
            {
                "public_id": _(
                    "The public id of a record that has been published cannot change (it is %(id)s): "
                    "its address is cited."
                )
                % {"id": stored}
            }
        )
