"""The sitemap: home, about, the codebook, every list page and every published record page, in each language.

Records reach it only through the public gate (``published()``); a draft, in-review,
withdrawn or restricted record, or an at-risk person, is never listed.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from archive import registry
from archive.templatetags.archive_tags import record_url


class PageSitemap(Sitemap):
    """Home, the eight list pages, about and the codebook, in every language."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return ["home", "about", "codebook", *registry.KEYS]

    def location(self, item):
        if item in {"home", "about", "codebook"}:
            return reverse(f"archive:{item}")
        return reverse("archive:list", args=[item])


class RecordSitemap(Sitemap):
    """Every published record of one type, in every language, last modified when it last changed."""

    i18n = True
    alternates = True
    x_default = True

    def __init__(self, model):
        super().__init__()
        self.model = model

    def items(self):
        return self.model.objects.published().only("pk", "public_id", "updated").order_by("pk")

    def location(self, item):
        return record_url(item)

    def lastmod(self, item):
        return item.updated


def sitemaps() -> dict[str, Sitemap]:
    return {"pages": PageSitemap(), **{t.key: RecordSitemap(t.model) for t in registry.TYPES}}


SITEMAPS = sitemaps()
