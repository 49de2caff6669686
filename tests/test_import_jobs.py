"""The admin's imports run as background jobs (archive.admin.importjobs): the request answers at once, a progress
page follows a long job, and the result shows when it is done; a job that dies writes nothing and says so."""

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from archive import models
from archive.admin import importjobs
from tests.import_export_helpers import make_file, upload

pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures

ROWS = [
    {"title": "Rally in Urmia", "kind": "rally", "date": "2020-10-04", "places": "Urmia"},
    {"title": "March in Tabriz", "kind": "march", "date": "October 2020", "places": "Tabriz"},
]
IMPORT = reverse("admin:archive_protest_import")
CONFIRM = reverse("admin:archive_protest_process_import")


def job_of(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def until_done(client, job: str, seconds: float = 30) -> dict:
    url = reverse("admin:archive_protest_import_job", args=[job])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(f"{url}?state").json()
        if state["status"] != "running":
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job} still running after {seconds} s")


@pytest.mark.django_db(transaction=True)
def test_a_preview_and_its_import_run_on_threads_of_their_own(world, archivist, client, monkeypatch):
    """Committed data, a real thread: the request only starts the job (no wait), the job page shows the result."""
    monkeypatch.setattr(
        importjobs, "spawn", lambda target: threading.Thread(target=target, name="archive-import-job").start()
    )
    monkeypatch.setattr(importjobs, "WAIT", 0.0)
    client.force_login(archivist)
    started = client.post(IMPORT, {"format": "0", "import_file": upload("rallies.csv", make_file(ROWS))})
    job = job_of(started)
    assert until_done(client, job) == {"status": "done", "rows": 2, "total": 2}
    page = client.get(started["Location"])
    assert page.status_code == 200 and "Dry run: would add 2" in page.content.decode()
    assert not models.Protest.objects.filter(title="Rally in Urmia").exists()  # a preview writes nothing

    imported = client.post(CONFIRM, page.context["confirm_form"].initial)
    assert until_done(client, job_of(imported))["status"] == "done"
    done = client.get(imported["Location"])
    assert done.status_code == 302 and done["Location"] == reverse("admin:archive_protest_changelist")
    assert models.Protest.objects.filter(title__in=["Rally in Urmia", "March in Tabriz"]).count() == 2


@pytest.mark.django_db
def test_a_small_file_is_answered_at_once(world, archivist, client):
    client.force_login(archivist)
    page = client.post(IMPORT, {"format": "0", "import_file": upload("rallies.csv", make_file(ROWS))})
    assert page.status_code == 200 and "confirm_form" in page.context


@pytest.mark.django_db
def test_a_running_job_shows_a_progress_bar_that_asks_for_its_state(world, archivist, client, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(importjobs, "spawn", lambda target: threading.Thread(target=target).start())
    monkeypatch.setattr(importjobs, "WAIT", 0.0)

    def slow(progress):
        progress(40, 100)
        release.wait(10)
        raise RuntimeError("never finishes here")

    client.force_login(archivist)
    job = importjobs.start(user=archivist, kind="import", work=slow)
    try:
        time.sleep(0.2)
        url = reverse("admin:archive_protest_import_job", args=[job])
        page = client.get(url).content.decode()
        assert "<progress" in page and 'value="40"' in page and 'max="100"' in page
        assert "admin-import-job.js" in page and f'data-state-url="{url}?state"' in page
        assert client.get(f"{url}?state").json() == {"status": "running", "rows": 40, "total": 100}
        other = User.objects.create_user("other", is_staff=True, is_superuser=True)
        client.force_login(other)
        assert client.get(url).status_code == 302  # not theirs: as if it did not exist
    finally:
        release.set()


@pytest.mark.django_db
def test_a_job_whose_process_died_is_reported_as_stopped_and_wrote_nothing(world, archivist, client, monkeypatch):
    monkeypatch.setattr(importjobs, "spawn", lambda target: None)  # the process dies before the job runs
    client.force_login(archivist)
    job = importjobs.start(user=archivist, kind="import", work=lambda progress: None)
    state = importjobs.read(job)
    importjobs._write_state(job, {**state, "beat": time.time() - importjobs.STALE - 1})
    page = client.get(reverse("admin:archive_protest_import_job", args=[job]))
    assert page.status_code == 200
    assert "server restarted" in " ".join(page.context["form"].errors["import_file"])


@pytest.mark.django_db
def test_an_unknown_or_malformed_job_id_goes_back_to_the_import_page(archivist, client):
    client.force_login(archivist)
    for job in ("0" * 32, "../../etc/passwd", "x"):
        response = client.get(f"/admin/archive/protest/import/job/{job}/")
        assert response.status_code in (302, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction"), [("az", "ltr"), ("fa", "rtl"), ("tr", "ltr")])
def test_the_progress_page_speaks_each_language(world, archivist, client, monkeypatch, language, direction):
    release = threading.Event()
    monkeypatch.setattr(importjobs, "spawn", lambda target: threading.Thread(target=target).start())

    def slow(progress):
        progress(3, 10)
        release.wait(10)
        raise RuntimeError("never finishes here")

    client.force_login(archivist)
    job = importjobs.start(user=archivist, kind="preview", work=slow)
    try:
        time.sleep(0.2)
        page = client.get(
            reverse("admin:archive_protest_import_job", args=[job]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert f'lang="{language}"' in page and f'dir="{direction}"' in page
        assert "<progress" in page and "Checking the file" not in page  # translated
    finally:
        release.set()
