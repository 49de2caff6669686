"""Reading a public record page as a visitor in some language: its HTML and its heading."""

import html
import re

from archive import registry


def page(client, record, language: str) -> str:
    response = client.get(f"/{language}/{registry.key_of(record)}/{record.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def heading(text: str) -> tuple[str, str]:
    """(attributes, text) of a page's h1."""
    attrs, inner = re.search(r"<h1([^>]*)>(.*?)</h1>", text, re.S).groups()
    return attrs, html.unescape(inner).strip()
