"""Names of organizations and outlets, built from parallel forms in five languages.

Every template is a tuple in ``names.LANGS`` order (az-Latn, fa, ru, tr, en); a
``{p}`` slot takes a place's name in the same language, ``{h}`` a movement's or
masthead's name.
"""

from archive.models.actors import OrganizationKind as OK
from archive.synthetic.names import LANGS
from archive.synthetic.rng import Rand

PLACE_TEMPLATES = [
    (OK.UNIVERSITY, ("{p} Universiteti", "دانشگاه {p}", "Университет г. {p}", "{p} Üniversitesi", "University of {p}")),
    (
        OK.STUDENT,
        (
            "{p} Tələbələr Birliyi",
            "انجمن دانشجویان {p}",
            "Союз студентов г. {p}",
            "{p} Öğrenciler Birliği",
            "{p} Students' Union",
        ),
    ),
    (
        OK.RIGHTS_GROUP,
        (
            "{p} İnsan Haqları Mərkəzi",
            "مرکز حقوق بشر {p}",
            "Правозащитный центр г. {p}",
            "{p} İnsan Hakları Merkezi",
            "{p} Human Rights Centre",
        ),
    ),
    (
        OK.STATE_BODY,
        ("{p} Polis İdarəsi", "فرماندهی انتظامی {p}", "Полиция г. {p}", "{p} Emniyet Müdürlüğü", "{p} Police Command"),
    ),
    (
        OK.STATE_BODY,
        (
            "{p} Kəşfiyyat İdarəsi",
            "اداره اطلاعات {p}",
            "Управление разведки г. {p}",
            "{p} İstihbarat Dairesi",
            "{p} Intelligence Office",
        ),
    ),
    (
        OK.STATE_BODY,
        (
            "{p} İnqilab Məhkəməsi",
            "دادگاه انقلاب {p}",
            "Революционный суд г. {p}",
            "{p} Devrim Mahkemesi",
            "Revolutionary Court of {p}",
        ),
    ),
    (
        OK.MILITARY,
        ("{p} Sepah Korpusu", "سپاه {p}", "Корпус КСИР г. {p}", "{p} Devrim Muhafızları Birliği", "IRGC {p} Corps"),
    ),
    (
        OK.CLERGY,
        (
            "{p} Cümə İmamlığı",
            "دفتر امام جمعه {p}",
            "Канцелярия пятничного имама г. {p}",
            "{p} Cuma İmamlığı",
            "Friday Prayer Office of {p}",
        ),
    ),
    (
        OK.BUSINESS,
        (
            "{p} Bazar Tacirləri Birliyi",
            "اتحادیه بازاریان {p}",
            "Союз торговцев базара г. {p}",
            "{p} Çarşı Esnafı Birliği",
            "{p} Bazaar Merchants' Guild",
        ),
    ),
    (
        OK.PROFESSIONAL,
        (
            "{p} Yazıçılar Birliyi",
            "کانون نویسندگان {p}",
            "Союз писателей г. {p}",
            "{p} Yazarlar Birliği",
            "{p} Writers' Union",
        ),
    ),
    (
        OK.PROFESSIONAL,
        (
            "{p} Vəkillər Kollegiyası",
            "کانون وکلای {p}",
            "Коллегия адвокатов г. {p}",
            "{p} Barosu",
            "{p} Bar Association",
        ),
    ),
    (
        OK.CULTURAL,
        (
            "{p} Aşıqlar Məclisi",
            "انجمن عاشیق‌های {p}",
            "Ансамбль ашугов г. {p}",
            "{p} Âşıklar Meclisi",
            "{p} Ashiq Society",
        ),
    ),
    (
        OK.CULTURAL,
        (
            "{p} Traktor azarkeşləri",
            "هواداران تراکتور {p}",
            "Болельщики «Трактора» г. {p}",
            "{p} Traktör Taraftarları",
            "Tractor Fans of {p}",
        ),
    ),
    (
        OK.THINK_TANK,
        (
            "{p} Türkologiya Mərkəzi",
            "مرکز مطالعات ترک‌شناسی {p}",
            "Центр тюркологии г. {p}",
            "{p} Türkoloji Merkezi",
            "{p} Centre for Turkic Studies",
        ),
    ),
]

MOVEMENT_HEADS = [
    ("Güney Azərbaycan", "آذربایجان جنوبی", "Южного Азербайджана", "Güney Azerbaycan", "South Azerbaijan"),
    ("Azərbaycan Türkləri", "ترکان آذربایجان", "азербайджанских тюрков", "Azerbaycan Türkleri", "Azerbaijani Turks"),
    ("Savalan", "سبلان", "Савалана", "Savalan", "Savalan"),
    ("Araz", "ارس", "Аракса", "Aras", "Araz"),
    ("Bütöv Azərbaycan", "آذربایجان واحد", "Единого Азербайджана", "Bütün Azerbaycan", "United Azerbaijan"),
    ("Babək", "بابک", "Бабека", "Babek", "Babak"),
    ("Səhənd", "سهند", "Сехенда", "Sehend", "Sahand"),
]
MOVEMENT_TEMPLATES = [
    (
        "{h} Milli Azadlıq Cəbhəsi",
        "جبهه آزادی ملی {h}",
        "Фронт национального освобождения {h}",
        "{h} Milli Kurtuluş Cephesi",
        "{h} National Liberation Front",
    ),
    (
        "{h} Milli Oyanış Hərəkatı",
        "جنبش بیداری ملی {h}",
        "Движение национального пробуждения {h}",
        "{h} Milli Uyanış Hareketi",
        "{h} National Awakening Movement",
    ),
    (
        "{h} Demokratik Partiyası",
        "حزب دموکرات {h}",
        "Демократическая партия {h}",
        "{h} Demokrat Partisi",
        "{h} Democratic Party",
    ),
    ("{h} Gənclər Şurası", "شورای جوانان {h}", "Молодёжный совет {h}", "{h} Gençlik Konseyi", "{h} Youth Council"),
    (
        "{h} Dirçəliş Təşkilatı",
        "سازمان احیای {h}",
        "Организация возрождения {h}",
        "{h} Diriliş Teşkilatı",
        "{h} Revival Organization",
    ),
]

MASTHEADS = [
    ("Araz", "ارس", "Араз", "Aras", "Araz"),
    ("Savalan", "سبلان", "Савалан", "Savalan", "Savalan"),
    ("Səhənd", "سهند", "Сехенд", "Sehend", "Sahand"),
    ("Ulduz", "اولدوز", "Улдуз", "Yıldız", "Ulduz"),
    ("Yol", "یول", "Йол", "Yol", "Yol"),
    ("Oyanış", "اویانیش", "Ояныш", "Uyanış", "Oyanish"),
    ("Varlıq", "وارلیق", "Варлыг", "Varlık", "Varliq"),
    ("Ana Dili", "آنا دیلی", "Ана дили", "Ana Dili", "Ana Dili"),
    ("Sabah", "صاباح", "Сабах", "Sabah", "Sabah"),
    ("Bulaq", "بولاق", "Булаг", "Pınar", "Bulagh"),
    ("Günəş", "گونش", "Гюнеш", "Güneş", "Gunesh"),
    ("Ayna", "آینا", "Айна", "Ayna", "Ayna"),
    ("Səs", "سس", "Сес", "Ses", "Sas"),
    ("Yurd", "یورد", "Юрд", "Yurt", "Yurd"),
    ("Körpü", "کؤرپو", "Кёрпю", "Köprü", "Korpu"),
    ("Ədalət", "عدالت", "Адалят", "Adalet", "Edalat"),
    ("Dan Ulduzu", "دان اولدوزو", "Дан Улдузу", "Tan Yıldızı", "Dan Ulduzu"),
    ("Qurtuluş", "قورتولوش", "Гуртулуш", "Kurtuluş", "Gurtulush"),
]
# (outlet kind, template)
OUTLET_TEMPLATES = [
    ("newspaper", ("{h} qəzeti", "روزنامه {h}", "газета «{h}»", "{h} Gazetesi", "{h} Newspaper")),
    ("magazine", ("{h} jurnalı", "مجله {h}", "журнал «{h}»", "{h} Dergisi", "{h} Magazine")),
    ("tv", ("{h} TV", "تلویزیون {h}", "{h} ТВ", "{h} TV", "{h} TV")),
    ("radio", ("{h} radiosu", "رادیو {h}", "радио «{h}»", "{h} Radyosu", "Radio {h}")),
    ("news_site", ("{h} Xəbər", "خبرگزاری {h}", "информагентство «{h}»", "{h} Haber", "{h} News")),
    (
        "telegram",
        (
            "{h} Telegram kanalı",
            "کانال تلگرام {h}",
            "Telegram-канал «{h}»",
            "{h} Telegram Kanalı",
            "{h} Telegram channel",
        ),
    ),
    ("news_agency", ("{h} Xəbər Agentliyi", "خبرگزاری {h}", "агентство «{h}»", "{h} Haber Ajansı", "{h} News Agency")),
]


def _fill(template: tuple, slot: str, forms: tuple | dict) -> dict[str, str]:
    values = forms if isinstance(forms, dict) else dict(zip(LANGS, forms, strict=True))
    return {lang: template[i].replace(slot, values[lang]) for i, lang in enumerate(LANGS)}


def organization_forms(rng: Rand, place_forms: dict[str, str]) -> tuple[str, dict[str, str], str]:
    """(kind, names by language, abbreviation or "")."""
    if rng.chance(0.15):
        forms = _fill(rng.pick(MOVEMENT_TEMPLATES), "{h}", rng.pick(MOVEMENT_HEADS))
        letters = "".join(word[0] for word in forms["az-Latn"].split())
        return OK.POLITICAL.value, forms, letters.upper().replace("Ə", "A")
    kind, template = rng.pick(PLACE_TEMPLATES)
    return kind.value, _fill(template, "{p}", place_forms), ""


def outlet_forms(rng: Rand, place_forms: dict[str, str] | None) -> tuple[str, dict[str, str]]:
    kind, template = rng.pick(OUTLET_TEMPLATES)
    head = dict(zip(LANGS, rng.pick(MASTHEADS), strict=True))
    if place_forms is not None:
        head = {lang: f"{place_forms[lang]} {head[lang]}" for lang in LANGS}
    return kind, _fill(template, "{h}", head)
