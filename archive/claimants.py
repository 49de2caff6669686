"""What sort of voice a claimant is, suggested from the words an archivist types ("the organizers" → activists).

The admin's claim rows suggest it as the claimant is typed while the kind is "unknown"
(archive/static/archive/admin-claimant-kind.js asks `/admin/claimant-kind/`), and an imported claim whose
file gives no kind gets it (archive/resources/fields.py). A kind chosen or written, "unknown" included, is
kept; a claimant no cue matches stays "unknown". Cues are matched on whole words of the folded text (as search
folds it: case, diacritics and Persian letter forms do not matter), in English, Azerbaijani, Turkish and
Persian; the first kind whose cue appears wins, in the order below (a "state news agency" is state, not media).
"""

import re

from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from archive import folding
from archive.models.base import ClaimantKind

# kind → cues (phrases of whole folded words). Order matters: more specific voices first.
CUES: dict[str, tuple[str, ...]] = {
    ClaimantKind.RESEARCHER: (
        "article's author",
        "articles author",
        "author",
        "researcher",
        "researchers",
        "scholar",
        "professor",
        "study",
        "university",
        "academic",
        "arasdirmaci",
        "tadqiqatci",
        "muallif",
        "akademisyen",
        "yazar",
        "پژوهشگر",
        "محقق",
        "نویسنده مقاله",
        "دانشگاه",
    ),
    ClaimantKind.RIGHTS_GROUP: (
        "amnesty",
        "human rights",
        "hrana",
        "human rights watch",
        "hrw",
        "rights group",
        "rights commission",
        "insan haqlari",
        "insan haklari",
        "af orgutu",
        "bar association",
        "وکلا",
        "حقوق بشر",
        "عفو بین الملل",
        "هرانا",
    ),
    ClaimantKind.STATE: (
        "police",
        "ministry",
        "minister",
        "governor",
        "governorate",
        "government",
        "official",
        "officials",
        "state media",
        "state television",
        "irna",
        "irib",
        "tasnim",
        "fars news",
        "mehr news",
        "isna",
        "irgc",
        "prosecutor",
        "judiciary",
        "court",
        "intelligence",
        "spokesman",
        "spokesperson",
        "consulate",
        "embassy",
        "polis",
        "nazirlik",
        "hokumat",
        "valilik",
        "bakanlik",
        "hukumet",
        "savci",
        "پلیس",
        "وزارت",
        "وزیر",
        "استانداری",
        "دولت",
        "سپاه",
        "ایرنا",
        "تسنیم",
        "دادستان",
        "قوه قضاییه",
        "سخنگو",
        "صدا و سیما",
    ),
    ClaimantKind.MEDIA: (
        "reuters",
        "afp",
        "bbc",
        "radio farda",
        "voa",
        "anadolu",
        "newspaper",
        "news agency",
        "journalist",
        "reporter",
        "media",
        "tv",
        "television",
        "channel",
        "outlet",
        "qazet",
        "qazeti",
        "gazete",
        "gazetesi",
        "jurnalist",
        "gazeteci",
        "muxbir",
        "muhabir",
        "kanal",
        "روزنامه",
        "خبرنگار",
        "خبرگزاری",
        "رادیو فردا",
        "تلویزیون",
        "بی بی سی",
    ),
    ClaimantKind.ACTIVISTS: (
        "organizer",
        "organizers",
        "organiser",
        "organisers",
        "activist",
        "activists",
        "protesters",
        "demonstrators",
        "participants",
        "movement",
        "students",
        "witnesses",
        "eyewitness",
        "eyewitnesses",
        "teskilatcilar",
        "taskilatcilar",
        "faallar",
        "faal",
        "aktivist",
        "aktivistler",
        "eylemciler",
        "gostaricilar",
        "katilimcilar",
        "herakat",
        "harakati",
        "فعالان",
        "فعال",
        "برگزارکنندگان",
        "برگزار کنندگان",
        "معترضان",
        "تظاهرکنندگان",
        "شاهدان",
        "دانشجویان",
    ),
}


def _pattern(cues: tuple[str, ...]) -> re.Pattern:
    folded = sorted({folding.fold(cue) for cue in cues}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(cue) for cue in folded if cue) + r")(?!\w)")


_PATTERNS = [(kind, _pattern(cues)) for kind, cues in CUES.items()]


def suggest(claimant: str) -> str | None:
    """The kind of claimant the words suggest, or None."""
    text = folding.fold(claimant or "")
    if not text:
        return None
    return next((kind for kind, pattern in _PATTERNS if pattern.search(text)), None)


MAX_LENGTH = 300


@require_safe
@staff_member_required
def suggestion(request):
    """The admin's claim rows ask as the claimant is typed: {"kind": "activists", "label": "activists or organizers"}
    or {"kind": null}."""
    kind = suggest(request.GET.get("text", "")[:MAX_LENGTH])
    response = JsonResponse({"kind": kind, "label": str(ClaimantKind(kind).label) if kind else None})
    response["Cache-Control"] = "private, no-store"
    return response
