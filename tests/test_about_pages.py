"""The pages about the archive: about/methodology/licence/how to cite, the codebook, robots.txt, favicon (#13)."""

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from archive import registry

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "az", "fa", "tr"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_about_page_in_every_language(client, lang):
    response = client.get(f"/{lang}/about/")
    assert response.status_code == 200
    page = response.content.decode()
    for anchor in ("methodology", "names", "licence", "cite", "data"):
        assert f'id="{anchor}"' in page
    assert settings.ARCHIVE_LICENCE_URL in page
    assert "/data/datapackage.zip" in page and "/api/docs/" in page
    assert f'href="/{lang}/codebook/"' in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_codebook_lists_every_public_field_of_every_type(client, lang):
    response = client.get(f"/{lang}/codebook/")
    assert response.status_code == 200
    page = response.content.decode()
    for record_type in registry.TYPES:
        assert f'id="{record_type.key}"' in page
        for spec in record_type.public_fields:
            assert f"<code>{spec.public_name}</code>" in page, (record_type.key, spec.name)


def test_codebook_leaves_out_fields_the_public_never_sees(client):
    page = client.get("/en/codebook/").content.decode()
    hidden = [spec for record_type in registry.TYPES for spec in record_type.fields if not spec.public]
    assert hidden, "the registry has private fields (a person's at-risk flag)"
    for spec in hidden:
        assert f"<code>{spec.public_name}</code>" not in page


def test_codebook_speaks_the_curators_words_and_the_period_rules(client):
    page = client.get("/en/codebook/").content.decode()
    protests = registry.get("protests")
    kind = protests.field("kind")
    assert str(kind.help_text) in page
    assert all(str(label) in page for _value, label in kind.model_field.choices)
    # "about 18 October 2020" covers 15 days either side; "October 2020" the whole month.
    assert "2020-10-03</bdi> – <bdi>2020-11-02" in page
    assert "2020-10-01</bdi> – <bdi>2020-10-31" in page


def test_every_page_links_to_about_codebook_data_and_api(client):
    page = client.get("/fa/").content.decode()
    for href in ('href="/fa/about/"', 'href="/fa/codebook/"', 'href="/data/datapackage.zip"', 'href="/api/docs/"'):
        assert href in page


def test_robots_txt_names_the_sitemap_and_not_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "User-agent: *" in body and "Sitemap: http://testserver/sitemap.xml" in body
    assert settings.ADMIN_PATH.strip("/") not in body


def test_favicon_is_there(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("archive/favicon.svg")
    assert finders.find("archive/favicon.svg")
    assert "archive/favicon.svg" in client.get("/en/").content.decode()


@pytest.mark.parametrize("path", ["/en/about/", "/en/codebook/", "/robots.txt"])
def test_about_pages_refuse_writes(client, path):
    assert client.post(path).status_code == 405


def test_sitemap_lists_about_and_codebook_in_every_language(client):
    body = client.get("/sitemap.xml").content.decode()
    for lang in LANGUAGES:
        assert f"http://testserver/{lang}/about/" in body and f"http://testserver/{lang}/codebook/" in body


def test_make_run_serves_with_debug_off_so_visitors_never_see_the_url_patterns():
    """`make run` sets up with DEBUG on but serves with it off (its own 404 page, static files still served)."""
    import shutil
    import subprocess
    from pathlib import Path

    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parent.parent
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    dry_run = subprocess.run(
        [make, "-n", "--always-make", "serve"], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout
    serve = next(line for line in dry_run.splitlines() if "runserver" in line)
    assert "DEBUG=0 " in serve and "--insecure" in serve and "SECURE_SSL_REDIRECT=0" in serve
