"""The site's HTML parses without errors in a strict HTML5 parser."""

import html5lib
import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/{lang}/",
    "/{lang}/protests/",
    "/{lang}/protests/?place=place-tabriz&date_from=2020-10-01&date_to=2020-10-31",
    "/{lang}/protests/protest-2020-09-29-ardabil-rally/",
    "/{lang}/statements/",
    "/{lang}/arrests/arrest-2020-09-29-ardabil/",
    "/{lang}/statements/statement-2020-09-29-gamac/",
    "/{lang}/organizations/org-gamac/",
    "/{lang}/media-outlets/outlet-varlig/",
    "/{lang}/people/person-ahmad-obali/",
    "/{lang}/places/place-tabriz/",
    "/{lang}/sources/source-article/",
    "/{lang}/search/?q=Obal%C4%B1",
    "/{lang}/about/",
    "/{lang}/codebook/",
    "/{lang}/no-such-page/",
]


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
@pytest.mark.parametrize("path", PAGES)
def test_page_is_well_formed_html5(client, article, lang, path):
    response = client.get(path.format(lang=lang))
    assert response.status_code == (404 if "no-such" in path else 200)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(response.content.decode())
    except html5lib.html5parser.ParseError as error:
        line, col = parser.errors[0][0] if parser.errors else (0, 0)
        context = response.content.decode().splitlines()[max(line - 1, 0)][max(col - 80, 0) : col + 80]
        pytest.fail(f"{path}: {error} at {line}:{col}: {context}")
