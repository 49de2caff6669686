"""Shared by the import/export tests: building files, running imports, and the records rows refer to."""

import csv
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from django.apps import apps

from archive import changes, models
from archive.dates import DatePrecision
from archive.imports import import_records
from tests import factories

FORMATS = ["csv", "xlsx", "json"]


def make_file(rows: list[dict], fmt: str = "csv") -> bytes:
    headers = list(dict.fromkeys(key for row in rows for key in row))
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False).encode()
    if fmt == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(headers)
        for row in rows:
            book.active.append([row.get(h) for h in headers])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return out.getvalue().encode()


def run(model, rows, fmt="csv", **kwargs):
    kwargs.setdefault("file_name", f"batch.{fmt}")
    return import_records(model, make_file(rows, fmt), fmt=fmt, **kwargs)


def row_counts() -> dict[str, int]:
    """Rows in every archive table: records, parts, historical rows and the search index."""
    return {model.__name__: model.objects.count() for model in apps.get_app_config("archive").get_models()}


@pytest.fixture
def world(db):
    """Languages and the records imported rows refer to."""
    with changes.recording():
        for code, name in [("en", "English"), ("az-Latn", "Azerbaijani"), ("fa", "Persian")]:
            factories.LanguageFactory(code=code, name=name)
        iran = factories.PlaceFactory(public_id="place-iran", name="Iran", kind=models.PlaceKind.COUNTRY)
        tabriz = factories.PlaceFactory(public_id="place-tabriz", name="Tabriz", parent=iran)
        urmia = factories.PlaceFactory(public_id="place-urmia", name="Urmia", parent=iran)
        models.PlaceName.objects.create(owner=urmia, name="Urmu", language_id="az-Latn")
        gamac = factories.OrganizationFactory(public_id="org-gamac", name="GAMAC")
        models.OrganizationName.objects.create(
            owner=gamac, name="Güney Azərbaycan Milli Azadlıq Cəbhəsi", language_id="az-Latn"
        )
        person = factories.PersonFactory(public_id="person-aliyev", name="Ali Aliyev")
        models.PersonName.objects.create(owner=person, name="Əli Əliyev", language_id="az-Latn")
        outlet = factories.MediaOutletFactory(public_id="outlet-erk", name="Erk")
        protest = factories.ProtestFactory(public_id="protest-tabriz", title="Rally in Tabriz")
    return {
        "iran": iran,
        "tabriz": tabriz,
        "urmia": urmia,
        "gamac": gamac,
        "person": person,
        "outlet": outlet,
        "protest": protest,
    }


@pytest.fixture
def archivist(db):
    return factories.user_in_role("Archivist", "archie")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


# --- one row of each record type, and what it must give -------------------------------------------


def check_protest(p):
    assert (p.title, p.kind, p.date_precision) == ("Rally in Urmia", "rally", DatePrecision.MID_MONTH)
    assert {x.public_id for x in p.places.all()} == {"place-urmia", "place-tabriz"}
    assert [o.name for o in p.organizers.all()] == ["GAMAC"]
    assert [(s.text, s.language_id) for s in p.slogans.all()] == [("Yaşasın Azərbaycan", "az-Latn")]
    claim = p.size_claims.get()
    assert (claim.words, claim.low, claim.high, claim.claimant) == ("hundreds", 200, None, "activists")


def check_arrest(a):
    assert (a.person.public_id, a.place.name, a.protest.public_id, a.authority.name) == (
        "person-aliyev",
        "Urmia",
        "protest-tabriz",
        "GAMAC",
    )
    assert (a.outcome, a.outcome_date) == ("released", dt.date(2020, 11, 4))
    assert (a.count_claims.get().words, a.count_claims.get().low) == ("twenty", 20)


def check_statement(s):
    assert [p.name for p in s.speaker_people.all()] == ["Ali Aliyev"]
    assert [o.name for o in s.speaker_organizations.all()] == ["GAMAC"]
    original, english = s.texts.get(is_original=True), s.texts.get(is_original=False)
    assert (original.text, original.language_id, english.text, english.language_id) == (
        "Salam",
        "az-Latn",
        "Hello",
        "en",
    )
    claim = s.signatory_claims.get()
    assert (claim.group, claim.words, claim.low, claim.high) == ("musicians", "60", 60, 60)
    assert [r.name for r in s.reported_in.all()] == ["Erk"]


def check_organization(o):
    assert (o.kind, o.country.name, o.founded_year) == ("student", "Iran", 1990)
    assert {(n.name, n.language_id) for n in o.other_names.all()} == {("ASM", "az-Latn"), ("اس", "fa")}


def check_outlet(o):
    assert (o.kind, o.base, o.affiliation) == ("telegram", "abroad", "diaspora")
    assert sorted(lang.code for lang in o.languages.all()) == ["az-Latn", "fa"]


def check_person(p):
    assert (p.name, p.name_language_id, p.at_risk) == ("Vali Valiyev", "az-Latn", True)
    assert [(n.name, n.language_id) for n in p.other_names.all()] == [("ولی ولی‌یف", "fa")]


def check_place(p):
    assert (p.kind, p.parent.public_id, str(p.latitude)) == ("village", "place-urmia", "37.552700")
    assert {(n.name, n.language_id) for n in p.other_names.all()} == {("Nurdüz", "az-Latn"), ("نوردوز", "fa")}


def check_source(s):
    assert (s.date_start, s.date_precision, s.outlet.name, s.language_id) == (dt.date(2020, 11, 4), "day", "Erk", "fa")
    assert [p.name for p in s.author_people.all()] == ["Ali Aliyev"]
    assert s.accessed == dt.date(2024, 5, 1)


TYPE_CASES = {
    "protests": (
        {
            "title": "Rally in Urmia",
            "kind": "rally",
            "date": "mid-October 2020",
            "places": "Urmu | place-tabriz",
            "organizers": "GAMAC",
            "slogans": "Yaşasın Azərbaycan [az-Latn]",
            "size_as_written": "hundreds",
            "size_low": "200",
            "size_claimed_by": "activists",
        },
        check_protest,
    ),
    "arrests": (
        {
            "person": "Əli Əliyev",
            "date": "2020-10-18",
            "place": "Urmia",
            "protest": "Rally in Tabriz",
            "authority": "org-gamac",
            "outcome": "released",
            "outcome_date": "14 Aban 1399",
            "number_as_written": "twenty",
            "number_low": "20",
        },
        check_arrest,
    ),
    "statements": (
        {
            "title": "Support letter",
            "form": "letter",
            "date": "2020-10",
            "speaker_people": "Ali Aliyev",
            "speaker_organizations": "Güney Azərbaycan Milli Azadlıq Cəbhəsi",
            "reported_in": "Erk",
            "text": "Salam",
            "text_language": "az-latn",
            "text_en": "Hello",
            "signatories": "musicians",
            "signatories_as_written": "60",
            "signatories_low": "60",
            "signatories_high": "60",
        },
        check_statement,
    ),
    "organizations": (
        {
            "name": "Student Movement",
            "kind": "student",
            "country": "Iran",
            "founded_year": "1990",
            "other_names": "ASM [az-Latn] | اس [fa]",
        },
        check_organization,
    ),
    "media-outlets": (
        {
            "name": "Channel",
            "kind": "Telegram channel",
            "languages": "fa | az-Latn",
            "base": "abroad",
            "affiliation": "diaspora",
        },
        check_outlet,
    ),
    "people": (
        {"name": "Vali Valiyev", "name_language": "az-Latn", "other_names": "ولی ولی‌یف [fa]", "at_risk": "yes"},
        check_person,
    ),
    "places": (
        {
            "name": "Nurduz",
            "kind": "village",
            "parent": "Urmu",
            "latitude": "37.5527",
            "longitude": "45.0",
            "other_names": "Nurdüz [az-Latn] | نوردوز [fa]",
        },
        check_place,
    ),
    "sources": (
        {
            "kind": "article",
            "title": "Report",
            "outlet": "outlet-erk",
            "language": "fa",
            "date": "14 Aban 1399",
            "accessed": "2024-05-01",
            "author_people": "person-aliyev",
        },
        check_source,
    ),
}
