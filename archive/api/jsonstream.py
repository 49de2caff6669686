"""The API's JSON of a whole filtered list (`?format=json-all`): `{"results": [...]}` holding every record the
paged list would give across all its pages, serialized as the list serializes them, in the same order.

It is read in keyset chunks (archive.paging, the pages' own ordering and tie-break, undated records last), so
memory stays bounded by one chunk however long the list, and each chunk passes the public gate again when it
is read. The first chunk is read before the response starts: a query the database refuses is an error
response rather than a truncated file.
"""

import json
from collections.abc import Callable, Iterator

from rest_framework.utils.encoders import JSONEncoder

from archive import paging

CHUNK = 500  # records per query (and per prefetch of their relations)


def chunks(queryset, ordering: tuple[str, ...]) -> Iterator[list]:
    """The filtered list in `ordering`, a keyset page at a time."""
    cursor, size = None, CHUNK
    while True:
        page = paging.paginate(queryset, ordering=ordering, cursor=cursor, size=size)
        if page.records:
            yield page.records
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _dumps(value) -> str:
    return json.dumps(value, cls=JSONEncoder, ensure_ascii=False)


def json_stream(
    queryset,
    *,
    ordering: tuple[str, ...],
    serialize: Callable[[list], list],
    tombstones: list | None = None,
    page_size: int = paging.DEFAULT_PAGE_SIZE,
) -> Iterator[str]:
    """`{"results": [...]}` as text, a chunk at a time; `serialize` turns a chunk of records into their JSON
    form (the list's serializer, many=True). With `tombstones` (a list asked for with `updated_since`), they
    follow the results, as on the first page."""
    found = chunks(queryset, ordering)
    first = next(found, [])  # read now, before the response starts

    def text() -> Iterator[str]:
        # The envelope of a page (the schema's), holding every page: no next or previous page to follow.
        yield '{"next": null, "previous": null, "page_size": ' + str(page_size) + ', "results": ['
        written = False
        for records in _then(first, found):
            for row in serialize(records):
                yield ("," if written else "") + _dumps(row)
                written = True
        yield "]"
        if tombstones is not None:
            yield ', "tombstones": ' + _dumps(tombstones)
        yield "}"

    return text()


def _then(first: list, rest: Iterator[list]) -> Iterator[list]:
    if first:
        yield first
    yield from rest
