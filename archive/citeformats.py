"""One public record as a citation for reference managers: BibTeX, RIS and CSL-JSON.

What is cited is the archive's record page (a web page of the archive, its permanent URL), in the version
last changed on `changed`: that date is both when it was issued and when it was seen. The record's own date
(a protest's day, a statement's month) is the event's date, kept beside it where the format has a place for
one, with the precision the archive knows it to.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass

from archive.dates import DatePrecision

DAY_PRECISE = {DatePrecision.DAY, DatePrecision.APPROXIMATE}
YEAR_PRECISE = {DatePrecision.YEAR, DatePrecision.DECADE}
ROUGH = {DatePrecision.APPROXIMATE, DatePrecision.DECADE}


@dataclass(frozen=True)
class Cited:
    public_id: str
    title: str
    kind: str  # the record type, in the reader's language
    url: str  # the record's permanent page
    archive: str  # the archive's name: publisher and container
    changed: dt.date
    start: dt.date | None = None  # the record's own date, if it has one
    end: dt.date | None = None
    precision: str = DatePrecision.UNDATED
    language: str = ""

    @property
    def own_date(self) -> list[list[int]]:
        """The record's own date as date parts (one list, two for a range), as precise as known."""
        if self.start is None or self.precision == DatePrecision.UNDATED:
            return []
        return [_parts(day, self.precision) for day in (self.start, self.end) if day is not None]


def _parts(day: dt.date, precision: str) -> list[int]:
    if precision in DAY_PRECISE:
        return [day.year, day.month, day.day]
    if precision in YEAR_PRECISE:
        return [day.year]
    return [day.year, day.month]


def _iso(parts: list[int]) -> str:
    return "-".join(f"{value:02d}" if i else f"{value:04d}" for i, value in enumerate(parts))


def one_line(text: str) -> str:
    """Reference formats are line based: any run of whitespace (newlines included) becomes one space."""
    return " ".join(str(text).split())


# --- BibTeX ---------------------------------------------------------------------------------------

BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
BIBTEX_SPECIAL = re.compile("|".join(re.escape(c) for c in BIBTEX_SPECIALS))


def bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: LaTeX's special characters escaped in one pass (so the braces
    an escape adds are not escaped again); any other character, Persian included, stays as UTF-8."""
    return BIBTEX_SPECIAL.sub(lambda match: BIBTEX_SPECIALS[match.group()], one_line(text))


def bibtex(cited: Cited) -> str:
    """A biblatex `@online` entry (classic BibTeX reads it as `@misc`), keyed by the record's public id."""
    key = re.sub(r"[^A-Za-z0-9_-]", "-", cited.public_id)
    url = cited.url.replace("%", r"\%").replace("#", r"\#")
    changed = cited.changed.isoformat()
    fields = [
        ("title", bibtex_escape(cited.title)),
        ("author", "{" + bibtex_escape(cited.archive) + "}"),  # a body, not a person: no "first last" split
        ("organization", bibtex_escape(cited.archive)),
        ("publisher", bibtex_escape(cited.archive)),
        ("date", changed),
        ("year", str(cited.changed.year)),
        ("urldate", changed),
        ("url", url),
        ("howpublished", r"\url{" + url + "}"),
        ("type", bibtex_escape(cited.kind)),
        ("note", bibtex_escape(f"{cited.kind}, {cited.public_id}")),
    ]
    own = cited.own_date
    if own:
        fields.append(("eventdate", "/".join(_iso(parts) for parts in own) + ("~" if cited.precision in ROUGH else "")))
    if cited.language:
        fields.append(("langid", bibtex_escape(cited.language)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{archive-{key},\n{body}\n}}\n"


# --- RIS ------------------------------------------------------------------------------------------


def _ris_date(parts: list[int]) -> str:
    """RIS dates are YYYY/MM/DD/ with empty parts for what is not known."""
    padded = [f"{parts[0]:04d}", *(f"{value:02d}" for value in parts[1:])]
    return "/".join(padded + [""] * (3 - len(parts))) + "/"


def ris(cited: Cited) -> str:
    """An RIS record (`TAG  - value` lines, CRLF, ended by `ER  - `) of type ELEC (a web page)."""
    lines = [
        ("TY", "ELEC"),
        ("TI", cited.title),
        ("T2", cited.archive),
        ("PB", cited.archive),
        ("AU", cited.archive),
        ("PY", str(cited.changed.year)),
        ("DA", _ris_date([cited.changed.year, cited.changed.month, cited.changed.day])),
        ("Y2", _ris_date([cited.changed.year, cited.changed.month, cited.changed.day])),
        ("UR", cited.url),
        ("M3", cited.kind),
        ("ID", cited.public_id),
    ]
    own = cited.own_date
    if own:
        lines.append(("N1", f"{cited.kind}: " + " – ".join(_iso(parts) for parts in own)))
    if cited.language:
        lines.append(("LA", cited.language))
    text = "".join(f"{tag}  - {one_line(value)}\r\n" for tag, value in lines)
    return text + "ER  - \r\n"


# --- CSL-JSON -------------------------------------------------------------------------------------


def csl(cited: Cited) -> dict:
    changed = {"date-parts": [[cited.changed.year, cited.changed.month, cited.changed.day]]}
    item = {
        "id": cited.public_id,
        "type": "webpage",
        "title": one_line(cited.title),
        "author": [{"literal": cited.archive}],
        "container-title": cited.archive,
        "publisher": cited.archive,
        "genre": cited.kind,
        "URL": cited.url,
        "issued": changed,
        "accessed": changed,
    }
    own = cited.own_date
    if own:
        item["event-date"] = {"date-parts": own, **({"circa": True} if cited.precision in ROUGH else {})}
    if cited.language:
        item["language"] = cited.language
    return item


def csl_json(cited: Cited) -> str:
    """CSL-JSON: a list of one item, as citeproc and Zotero read it."""
    return json.dumps([csl(cited)], ensure_ascii=False, indent=2) + "\n"


FORMATS = {
    # suffix: (writer, content type)
    "bib": (bibtex, "application/x-bibtex; charset=utf-8"),
    "ris": (ris, "application/x-research-info-systems; charset=utf-8"),
    "json": (csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8"),
}
