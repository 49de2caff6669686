"""Import errors quote a cell as the archivist wrote it: letter case, digits and spacing kept, length capped."""

import pytest

from archive import models
from archive.imports import ImportFileError, import_records
from tests import factories


def messages(rows: str) -> list[str]:
    report = import_records(models.Protest, rows.encode(), file_name="protests.csv")
    assert not report.ok
    return report.messages


def test_an_unreadable_date_is_quoted_as_written(db):
    (message,) = messages("title,kind,date\nRally,rally,Mid-Octobre 2020\n")
    assert "column “date”" in message
    assert "“Octobre 2020” is not a date" in message
    assert "octobre" not in message


def test_a_date_in_persian_digits_is_quoted_in_persian_digits(db):
    (message,) = messages("title,kind,date\nRally,rally,۱۴ Abann ۱۳۹۹ SH\n")
    assert "۱۴ Abann ۱۳۹۹" in message, message


def test_an_unknown_choice_and_an_unknown_place_keep_their_letter_case(db):
    found = " ".join(messages("title,kind,date,places\nRally,Rallye,2020,Tabriz CITY\n"))
    assert "“Rallye” is not one of" in found
    assert "“Tabriz CITY”" in found


def test_an_unknown_language_is_quoted_as_written(db):
    factories.LanguageFactory(code="en", name="English")
    report = import_records(models.Person, "name,other_names\nVali,Vəli [XX-Latn]\n".encode(), file_name="p.csv")
    assert "“XX-Latn”" in " ".join(report.messages), report.messages


def test_an_unknown_column_is_named_as_the_header_has_it(db):
    with pytest.raises(ImportFileError, match="Unknown columns for protests: Colour Of Banner"):
        import_records(models.Protest, b"title,kind,Colour Of Banner\nRally,rally,red\n", file_name="p.csv")


def test_a_long_cell_is_quoted_shortened(db):
    long = "Kind" + "x" * 5000
    (message,) = messages(f"title,kind,date\nRally,{long},2020\n")
    assert "“Kind" + "x" * 75 + "…”" in message
    assert len(message) < 600
