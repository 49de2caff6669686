"""examples/mirror.py as a client: it waits out 429 and 503 (bounded) and saves after every page, so an
interrupted run resumes where it stopped."""

import email.message
import io
import json
import urllib.error

import pytest

from examples import mirror as client_mirror
from examples.mirror import http_get_json, retry_after, saver, sync
from tests import factories

BASE = "http://testserver/api/v1/"


def refusal(code: int, retry: str | None) -> urllib.error.HTTPError:
    headers = email.message.Message()
    if retry is not None:
        headers["Retry-After"] = retry
    return urllib.error.HTTPError("http://x/", code, "busy", headers, io.BytesIO(b"{}"))


class Server:
    """Answers each call with the next of `answers`: an exception is raised, anything else is the JSON body."""

    def __init__(self, *answers):
        self.answers, self.calls = list(answers), 0

    def __call__(self, request, timeout):
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(json.dumps(answer).encode())


def test_retry_after_reads_seconds_and_dates_within_bounds():
    assert retry_after("7") == 7.0
    assert retry_after(None) == 30.0 and retry_after("soon") == 30.0
    assert retry_after("-5") == 0.0 and retry_after("99999") == client_mirror.LONGEST_WAIT
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: at once


def test_a_429_or_503_is_waited_out_as_retry_after_says():
    slept = []
    server = Server(refusal(429, "3"), refusal(503, "600"), {"ok": True})
    assert http_get_json("http://x/", open_url=server, sleep=slept.append) == {"ok": True}
    assert slept == [3.0, 600.0] and server.calls == 3


def test_it_gives_up_after_a_few_tries():
    slept = []
    server = Server(*[refusal(429, "1") for _ in range(client_mirror.ATTEMPTS)])
    with pytest.raises(urllib.error.HTTPError):
        http_get_json("http://x/", open_url=server, sleep=slept.append)
    assert len(slept) == client_mirror.ATTEMPTS - 1


def test_other_errors_are_not_retried():
    server = Server(refusal(404, "1"), {"ok": True})
    with pytest.raises(urllib.error.HTTPError):
        http_get_json("http://x/", open_url=server, sleep=lambda seconds: pytest.fail("slept"))
    assert server.calls == 1


@pytest.mark.django_db
def test_an_interrupted_run_saved_its_pages_and_resumes(client, tmp_path, monkeypatch):
    for n in range(5):
        factories.PlaceFactory(public_id=f"place-{n}")
    monkeypatch.setattr(client_mirror, "sync_type", _small_pages(client_mirror.sync_type))
    path = tmp_path / "mirror.json"
    pages, failed = [], []

    def flaky(url):
        if "places" in url and len(pages) == 2:
            failed.append(url)
            raise ConnectionError("the network went away")
        if "places" in url:
            pages.append(url)
        return client.get(url).json()

    with pytest.raises(ConnectionError):
        sync(flaky, BASE, {}, saver(path))
    saved = json.loads(path.read_text())
    assert len(saved["records"]["places"]) == 4  # two pages of two, kept
    assert "places" not in saved["since"] and saved["resume"]["places"] == failed[0]
    resumed_at = saved["resume"]["places"]

    asked = []
    sync(lambda url: asked.append(url) or client.get(url).json(), BASE, saved, saver(path))
    assert resumed_at in asked
    full = sync(lambda url: client.get(url).json(), BASE, {})
    assert json.loads(path.read_text())["records"] == full["records"]
    assert json.loads(path.read_text())["resume"] == {}


def _small_pages(sync_type):
    """Pages of two records, so that five places take three pages."""

    def small(get_json, base, kind, mirror, save=client_mirror._no_save):
        def get(url):
            return get_json(url.replace("page_size=500", "page_size=2"))

        return sync_type(get, base, kind, mirror, save)

    return small
