"""gzip on the API's and /data/'s reads, for clients that ask for it; never on HTML (BREACH)."""

import gzip
import io
import json

import pytest
from django.core.management import call_command

from tests import factories

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def protests(db):
    # Enough records that the body is worth compressing (Django leaves bodies under 200 bytes alone).
    return [factories.ProtestFactory(public_id=f"p{n}") for n in range(5)]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_json_list_is_gzipped_and_decompresses_to_the_same_json(client, protests):
    plain = client.get("/api/v1/protests/")
    zipped = client.get("/api/v1/protests/", **GZIP)
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    assert len(zipped.content) < len(plain.content)


def test_without_accept_encoding_nothing_is_compressed(client, protests):
    for url in ("/api/v1/protests/", "/api/v1/protests/p1/", "/api/v1/protests/?format=csv"):
        response = client.get(url)
        assert "Content-Encoding" not in response, url


def test_a_streamed_csv_is_gzipped_whole(client, protests):
    plain = client.get("/api/v1/protests/?format=csv")
    zipped = client.get("/api/v1/protests/?format=csv", **GZIP)
    assert zipped.streaming and zipped["Content-Encoding"] == "gzip"
    assert "Content-Length" not in zipped
    assert gzip.decompress(body_of(zipped)) == body_of(plain)


def test_a_detail_and_the_schema_are_gzipped(client, protests):
    detail = client.get("/api/v1/protests/p1/", **GZIP)
    assert json.loads(gzip.decompress(detail.content))["id"] == "p1"
    schema = client.get("/api/schema/", **GZIP)
    assert schema["Content-Encoding"] == "gzip" and b"/api/v1/protests/" in gzip.decompress(schema.content)


def test_html_is_never_compressed(client, protests):
    """The browsable API's page carries a CSRF token beside the query string it echoes: no gzip (BREACH)."""
    browsable = client.get("/api/v1/protests/", HTTP_ACCEPT="text/html", **GZIP)
    assert browsable.status_code == 200 and "Content-Encoding" not in browsable
    page = client.get("/en/protests/", **GZIP)
    assert page.status_code == 200 and "Content-Encoding" not in page


def test_a_writes_answer_is_not_compressed(client, protests):
    response = client.post("/api/v1/protests/", {"title": "x" * 500}, content_type="application/json", **GZIP)
    assert "Content-Encoding" not in response


def test_a_gzipped_etag_is_the_plain_one_made_weak_and_answers_304(client, protests):
    plain = client.get("/api/v1/protests/p1/")
    zipped = client.get("/api/v1/protests/p1/", **GZIP)
    assert zipped["ETag"] == "W/" + plain["ETag"]
    for tag in (zipped["ETag"], plain["ETag"]):
        assert client.get("/api/v1/protests/p1/", HTTP_IF_NONE_MATCH=tag, **GZIP).status_code == 304
        assert client.get("/api/v1/protests/p1/", HTTP_IF_NONE_MATCH=tag).status_code == 304


@pytest.fixture
def built(settings, tmp_path, protests):
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    call_command("build_datapackage", output=settings.ARCHIVE_DATA_DIR, stdout=io.StringIO())
    return settings.ARCHIVE_DATA_DIR / "current"


def test_data_files_are_gzipped_but_not_the_zip(client, built):
    table = client.get("/data/protests.csv", **GZIP)
    assert table["Content-Encoding"] == "gzip" and "Accept-Encoding" in table["Vary"]
    assert gzip.decompress(body_of(table)) == (built / "protests.csv").read_bytes()
    descriptor = client.get("/data/datapackage.json", **GZIP)
    assert json.loads(gzip.decompress(body_of(descriptor)))["name"]
    archive = client.get("/data/datapackage.zip", **GZIP)
    assert "Content-Encoding" not in archive  # already compressed
    assert body_of(archive) == (built / "datapackage.zip").read_bytes()


def test_a_gzipped_data_files_weak_etag_answers_304(client, built):
    zipped = client.get("/data/protests.csv", **GZIP)
    assert zipped["ETag"].startswith('W/"')
    assert client.get("/data/protests.csv", HTTP_IF_NONE_MATCH=zipped["ETag"], **GZIP).status_code == 304
