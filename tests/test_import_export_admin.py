"""Import and export in the admin (preview, confirm, refusals, permissions) and `manage.py import_records`."""

import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse

from archive import models, registry
from archive.resources import resource_for
from tests import factories

pytest.register_assert_rewrite("tests.import_export_helpers")  # its checks assert; it is imported before collection
from tests.import_export_helpers import make_file, row_counts, upload, zip_bytes  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures


# --- admin -------------------------------------------------------------------------------------------


def test_admin_import_previews_then_confirms(world, archivist, client):
    client.force_login(archivist)
    url = reverse("admin:archive_protest_import")
    assert client.get(url).status_code == 200
    data = make_file([{"title": "Admin rally", "kind": "rally", "date": "October 2020", "places": "Urmu"}])
    preview = client.post(url, {"format": "0", "import_file": upload("rallies.csv", data)})
    assert preview.status_code == 200
    assert "Confirm import" in preview.content.decode()
    assert not models.Protest.objects.filter(title="Admin rally").exists()  # a dry run
    confirm = preview.context["confirm_form"]
    done = client.post(reverse("admin:archive_protest_process_import"), confirm.initial)
    assert done.status_code == 302
    protest = models.Protest.objects.get(title="Admin rally")
    assert protest.history.first().history_user == archivist
    assert LogEntry.objects.get(object_id=str(protest.pk)).user == archivist  # the admin's own log, too


def test_admin_preview_shows_what_each_row_changes(world, archivist, client):
    """Rows are written in batches; each row's diff is taken once its batch is written."""
    client.force_login(archivist)
    factories.ProtestFactory(public_id="draft-rally", title="Old title", status=models.Status.DRAFT)
    rows = [{"public_id": "draft-rally", "title": "New title"}, {"public_id": "", "title": "Brand new rally"}]
    rows[1] |= {"kind": "rally", "date": "2020", "places": "Urmu"}
    rows[0] |= {"kind": "rally", "date": "2020", "places": "Tabriz"}
    preview = client.post(
        reverse("admin:archive_protest_import"), {"format": "0", "import_file": upload("rallies.csv", make_file(rows))}
    )
    diff = [row.diff for row in preview.context["result"].rows]
    assert any("<del" in cell and ">Old</del>" in cell and ">New</ins>" in cell for cell in diff[0])
    assert any("place-tabriz</ins>" in cell for cell in diff[0])
    assert any("Brand new rally" in cell for cell in diff[1]) and any("place-urmia" in cell for cell in diff[1])
    assert models.Protest.objects.get(public_id="draft-rally").title == "Old title"  # still only a preview


def test_admin_confirm_cannot_be_pointed_at_another_file(world, archivist, client):
    client.force_login(archivist)
    data = {"import_file_name": "passwd", "original_file_name": "x.csv", "format": "0", "resource": ""}
    response = client.post(reverse("admin:archive_protest_process_import"), data)
    assert response.status_code == 302
    assert response.url == reverse("admin:archive_protest_import")
    assert models.Protest.objects.count() == 1


def test_admin_import_shows_row_errors_and_refused_files(world, archivist, client):
    client.force_login(archivist)
    url = reverse("admin:archive_protest_import")
    bad = make_file([{"title": "T", "kind": "rally", "date": "2020"}, {"title": "U", "kind": "rally", "date": "soon"}])
    response = client.post(url, {"format": "0", "import_file": upload("bad.csv", bad)})
    assert response.status_code == 200
    assert "Row 2 (sheet row 3, counting the header as row 1), column “date”" in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    zipped = client.post(url, {"format": "0", "import_file": upload("bad.csv", zip_bytes({"a": b"b"}))})
    assert zipped.status_code == 200
    assert "ZIP archive" in zipped.content.decode()
    assert models.Protest.objects.count() == 1


def test_admin_preview_refuses_a_file_naming_one_record_in_two_rows(world, archivist, client):
    client.force_login(archivist)
    rows = [{"public_id": "twice", "title": title, "kind": "rally", "date": "2020"} for title in ("First", "Second")]
    response = client.post(
        reverse("admin:archive_protest_import"), {"format": "0", "import_file": upload("twice.csv", make_file(rows))}
    )
    text = response.content.decode()
    assert "Row 2 (sheet row 3, counting the header as row 1), column “public_id”" in text
    assert "twice is also in row 1 (sheet row 2)" in text
    assert response.context.get("confirm_form") is None
    assert not models.Protest.objects.filter(public_id="twice").exists()


def test_admin_refuses_uploads_over_the_size_limit_with_a_message(world, archivist, client, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 100
    client.force_login(archivist)
    data = make_file([{"title": f"Rally {n}", "kind": "rally", "date": "2020"} for n in range(20)])
    response = client.post(
        reverse("admin:archive_protest_import"), {"format": "0", "import_file": upload("big.csv", data)}
    )
    assert response.status_code == 200
    assert "manage.py import_records" in response.context["form"].errors["import_file"][0]
    assert models.Protest.objects.count() == 1


def test_view_only_staff_gets_403_on_import_and_export(world, client):
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    client.force_login(viewer)
    assert client.get(reverse("admin:archive_protest_changelist")).status_code == 200
    assert client.get("/admin/archive/protest/import/").status_code == 403
    assert client.get("/admin/archive/protest/export/").status_code == 403
    assert client.post("/admin/archive/protest/process_import/", {}).status_code == 403


def test_archivist_exports_the_filtered_changelist(world, archivist, client):
    client.force_login(archivist)
    factories.ProtestFactory(title="Draft one", status=models.Status.DRAFT)
    columns = {f"protestresource_{name}": "on" for name in resource_for(models.Protest)().get_export_order()}
    response = client.post(
        "/admin/archive/protest/export/?status__exact=draft", {"format": "0", "resource": "0", **columns}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Draft one" in text and "Rally in Tabriz" not in text


# --- command -----------------------------------------------------------------------------------------


def test_command_dry_run_writes_nothing(world, tmp_path):
    path = tmp_path / "protests.csv"
    path.write_bytes(make_file([{"title": "T", "kind": "rally", "date": "2020"}]))
    before = row_counts()
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", "protests", str(path), "--dry-run", stdout=out, stderr=err)
    assert row_counts() == before
    assert "Dry run: would add 1" in out.getvalue()
    assert "1/1 rows" in err.getvalue()


def test_command_imports_with_the_named_user(world, archivist, tmp_path):
    path = tmp_path / "people.json"
    path.write_bytes(make_file([{"name": "Imported Person"}], "json"))
    call_command("import_records", "people", str(path), "--user", "archie", stdout=io.StringIO(), stderr=io.StringIO())
    assert models.Person.objects.get(name="Imported Person").history.get().history_user == archivist


def test_command_bad_file_exits_non_zero_with_row_and_column_on_stderr(world, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(connections, "close_all", lambda: None)  # run_from_argv closes them; the test needs its own
    path = tmp_path / "protests.csv"
    path.write_bytes(
        make_file([{"title": "T", "kind": "rally", "date": "2020"}, {"title": "U", "kind": "riot", "date": "2020"}])
    )
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_records", "protests", str(path)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Row 2 (sheet row 3, counting the header as row 1), column “kind”" in err
    assert not models.Protest.objects.filter(title="T").exists()
    with pytest.raises(CommandError, match=r"ends in \.csv but the format chosen is XLSX"):
        call_command("import_records", "protests", str(path), "--format", "xlsx", stderr=io.StringIO())


def test_command_refuses_a_file_naming_one_record_in_two_rows(world, tmp_path):
    path = tmp_path / "protests.csv"
    rows = [{"public_id": "twice", "title": title, "kind": "rally", "date": "2020"} for title in ("First", "Second")]
    path.write_bytes(make_file(rows))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", "protests", str(path), stdout=io.StringIO(), stderr=err)
    assert "Row 2 (sheet row 3, counting the header as row 1), column “public_id”" in err.getvalue()
    assert "twice is also in row 1 (sheet row 2)" in err.getvalue()
    assert not models.Protest.objects.filter(public_id="twice").exists()


def test_command_help_lists_the_record_types_by_public_key(capsys, monkeypatch):
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit):
        execute_from_command_line(["manage.py", "import_records", "--help"])
    help_text = re.sub(r"\s+", " ", capsys.readouterr().out).replace("- ", "-")  # argparse wraps at hyphens
    assert f"public key: {', '.join(registry.KEYS)}." in help_text


@pytest.mark.parametrize(("written", "meant"), [("protest", "protests"), ("media-outlet", "media-outlets")])
def test_command_refuses_a_type_that_is_not_a_public_key_listing_the_keys(world, tmp_path, written, meant):
    path = tmp_path / "records.csv"
    path.write_bytes(make_file([{"title": "T", "kind": "rally", "date": "2020"}]))
    before = row_counts()
    with pytest.raises(CommandError) as error:
        call_command("import_records", written, str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert f"unknown record type “{written}”: use one of {', '.join(registry.KEYS)}" in str(error.value)
    assert f"did you mean “{meant}”?" in str(error.value)
    assert row_counts() == before
