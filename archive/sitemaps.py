"""The sitemap: home, about, the codebook, every list page and every published record page, in each language.

Records come from the public read model (archive.readmodel), which holds public records only, and pass
the public gate as well: a draft, in-review, withdrawn or restricted record, or an at-risk person, is never
listed.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from archive import registry
from archive.models import PublicDocument


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

    def __init__(self, key: str):
        super().__init__()
        self.key = key

    def items(self):
        stored = PublicDocument.objects.filter(record_type=self.key, language=settings.LANGUAGE_CODE)
        published = registry.get(self.key).model.objects.published().values("pk")  # the gate as well
        return stored.filter(object_id__in=published).only("object_id", "public_id", "updated").order_by("object_id")

    def location(self, item):
        return reverse("archive:detail", args=[self.key, item.public_id])

    def lastmod(self, item):
        return item.updated


def sitemaps() -> dict[str, Sitemap]:
    return {"pages": PageSitemap(), **{t.key: RecordSitemap(t.key) for t in registry.TYPES}}


SITEMAPS = sitemaps()
