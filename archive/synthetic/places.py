"""Places: real countries, Iranian provinces, cities and landmarks, then generated
villages and sites beneath the cities.

Real places are named in Azerbaijani (Latin), Persian, Russian, Turkish and
English; their primary name is the English form, as in the archive's fixtures.
Generated villages follow Azerbaijani naming (Qarabulaq, Yenikənd, Sarıtəpə,
"Ağdərə-ye Olya") with their Persian and Russian spellings.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from archive.synthetic.names import LANGS
from archive.synthetic.rng import Rand

# key|kind|parent key|az-Latn|fa|ru|tr|en|latitude|longitude|Wikidata
REAL = """
iran|country||İran|ایران|Иран|İran|Iran|||Q794
azerbaijan|country||Azərbaycan Respublikası|جمهوری آذربایجان|Азербайджанская Республика|Azerbaycan Cumhuriyeti|\
Republic of Azerbaijan|||Q227
turkey|country||Türkiyə|ترکیه|Турция|Türkiye|Turkey|||Q43
armenia|country||Ermənistan|ارمنستان|Армения|Ermenistan|Armenia|||Q399
russia|country||Rusiya|روسیه|Россия|Rusya|Russia|||Q159
germany|country||Almaniya|آلمان|Германия|Almanya|Germany|||Q183
uk|country||Böyük Britaniya|بریتانیا|Великобритания|Birleşik Krallık|United Kingdom|||Q145
usa|country||Amerika Birləşmiş Ştatları|ایالات متحده آمریکا|США|Amerika Birleşik Devletleri|United States|||Q30
canada|country||Kanada|کانادا|Канада|Kanada|Canada|||Q16
sweden|country||İsveç|سوئد|Швеция|İsveç|Sweden|||Q34
karabakh|region|azerbaijan|Qarabağ|قره‌باغ|Карабах|Karabağ|Karabakh|39.82|46.75|
east-az|province|iran|Şərqi Azərbaycan|آذربایجان شرقی|Восточный Азербайджан|Doğu Azerbaycan|East Azerbaijan|38.08|46.29|
west-az|province|iran|Qərbi Azərbaycan|آذربایجان غربی|Западный Азербайджан|Batı Azerbaycan|West Azerbaijan|37.55|45.07|
ardabil-p|province|iran|Ərdəbil ostanı|استان اردبیل|Остан Ардебиль|Erdebil Eyaleti|Ardabil Province|38.25|48.29|
zanjan-p|province|iran|Zəncan ostanı|استان زنجان|Остан Зенджан|Zencan Eyaleti|Zanjan Province|36.67|48.48|
tehran-p|province|iran|Tehran ostanı|استان تهران|Остан Тегеран|Tahran Eyaleti|Tehran Province|35.69|51.39|
qazvin-p|province|iran|Qəzvin ostanı|استان قزوین|Остан Казвин|Kazvin Eyaleti|Qazvin Province|36.27|50.00|
hamadan-p|province|iran|Həmədan ostanı|استان همدان|Остан Хамадан|Hemedan Eyaleti|Hamadan Province|34.80|48.51|
alborz-p|province|iran|Əlborz ostanı|استان البرز|Остан Альборз|Elburz Eyaleti|Alborz Province|35.84|50.94|
gilan-p|province|iran|Gilan ostanı|استان گیلان|Остан Гилян|Gilan Eyaleti|Gilan Province|37.28|49.58|
markazi-p|province|iran|Mərkəzi ostan|استان مرکزی|Остан Меркези|Merkezi Eyaleti|Markazi Province|34.09|49.69|
qom-p|province|iran|Qum ostanı|استان قم|Остан Кум|Kum Eyaleti|Qom Province|34.64|50.88|
isfahan-p|province|iran|İsfahan ostanı|استان اصفهان|Остан Исфахан|İsfahan Eyaleti|Isfahan Province|32.65|51.67|
khorasan-p|province|iran|Rəzəvi Xorasan|خراسان رضوی|Хорасан-Резави|Razavi Horasan|Razavi Khorasan|36.30|59.60|
tabriz|city|east-az|Təbriz|تبریز|Тебриз|Tebriz|Tabriz|38.080000|46.291900|
marand|city|east-az|Mərənd|مرند|Маранд|Merend|Marand|38.432900|45.774900|
ahar|city|east-az|Əhər|اهر|Ахар|Ehar|Ahar|38.477400|47.069900|
maragheh|city|east-az|Marağa|مراغه|Мераге|Merağa|Maragheh|37.389200|46.237500|
mianeh|city|east-az|Miyanə|میانه|Миане|Miyane|Mianeh|37.421100|47.715000|
sarab|city|east-az|Sərab|سراب|Сераб|Serab|Sarab|37.940800|47.536700|
shabestar|city|east-az|Şəbüstər|شبستر|Шабестар|Şebüster|Shabestar|38.180300|45.702800|
bonab|city|east-az|Binab|بناب|Бонаб|Binab|Bonab|37.340300|46.056100|
jolfa|city|east-az|Culfa|جلفا|Джульфа|Culfa|Jolfa|38.940300|45.630800|
hashtrud|city|east-az|Həştərud|هشترود|Хаштруд|Heşterud|Hashtrud|37.477900|47.050800|
kaleybar|city|east-az|Kələybər|کلیبر|Калейбар|Keleyber|Kaleybar|38.869400|47.035600|
azarshahr|city|east-az|Azərşəhr|آذرشهر|Азаршахр|Azerşehir|Azarshahr|37.758900|45.978300|
osku|city|east-az|Üskü|اسکو|Оску|Üskü|Osku|37.915800|46.123600|
heris|city|east-az|Heris|هریس|Херис|Heris|Heris|38.247800|47.116900|
malekan|city|east-az|Məlikkəndi|ملکان|Малекан|Melikkendi|Malekan|37.145600|46.104700|
urmia|city|west-az|Urmu|ارومیه|Урмия|Urmiye|Urmia|37.552700|45.076100|
khoy|city|west-az|Xoy|خوی|Хой|Hoy|Khoy|38.550300|44.952100|
salmas|city|west-az|Salmas|سلماس|Салмас|Selmas|Salmas|38.197300|44.765300|
miandoab|city|west-az|Qoşaçay|میاندوآب|Миандоаб|Miyandoab|Miandoab|36.969400|46.102800|
naqadeh|city|west-az|Sulduz|نقده|Негаде|Sulduz|Naqadeh|36.955300|45.388000|
maku|city|west-az|Makı|ماکو|Маку|Maku|Maku|39.295300|44.516700|
shahin-dezh|city|west-az|Səyinqala|شاهین‌دژ|Шахиндеж|Sainkale|Shahin Dezh|36.679200|46.566900|
takab|city|west-az|Tikantəpə|تکاب|Текаб|Tikantepe|Takab|36.400900|47.113300|
chaldoran|city|west-az|Çaldıran|چالدران|Чалдыран|Çaldıran|Chaldoran|39.065000|44.386100|
ardabil|city|ardabil-p|Ərdəbil|اردبیل|Ардебиль|Erdebil|Ardabil|38.249800|48.293300|
meshginshahr|city|ardabil-p|Xiyav|مشگین‌شهر|Мешгиншехр|Hiyav|Meshginshahr|38.398900|47.681900|
parsabad|city|ardabil-p|Parsabad|پارس‌آباد|Парсабад|Parsabad|Parsabad|39.648200|47.917400|
germi|city|ardabil-p|Germi|گرمی|Герми|Germi|Germi|39.037500|48.080000|
khalkhal|city|ardabil-p|Xalxal|خلخال|Халхал|Halhal|Khalkhal|37.618900|48.525800|
bileh-savar|city|ardabil-p|Biləsuvar|بیله‌سوار|Билясувар|Bilesuvar|Bileh Savar|39.379300|48.354700|
namin|city|ardabil-p|Namin|نمین|Намин|Namin|Namin|38.424700|48.483300|
nir|city|ardabil-p|Nir|نیر|Нир|Nir|Nir|38.034700|47.998600|
sareyn|city|ardabil-p|Sərein|سرعین|Сарейн|Serein|Sareyn|38.148600|48.070800|
zanjan|city|zanjan-p|Zəncan|زنجان|Зенджан|Zencan|Zanjan|36.673600|48.478700|
abhar|city|zanjan-p|Ebher|ابهر|Абхар|Ebher|Abhar|36.146800|49.218000|
khorramdarreh|city|zanjan-p|Xürrəmdərə|خرمدره|Хоррамдарре|Hurremdere|Khorramdarreh|36.203300|49.186900|
qeydar|city|zanjan-p|Qeydar|قیدار|Кейдар|Keydar|Qeydar|36.116700|48.590000|
soltaniyeh|city|zanjan-p|Sultaniyyə|سلطانیه|Солтание|Sultaniye|Soltaniyeh|36.434700|48.796900|
mahneshan|city|zanjan-p|Mahneşan|ماهنشان|Махнешан|Mahneşan|Mahneshan|36.744400|47.672800|
tehran|city|tehran-p|Tehran|تهران|Тегеран|Tahran|Tehran|35.689200|51.389000|
eslamshahr|city|tehran-p|İslamşəhr|اسلامشهر|Исламшехр|İslamşehir|Eslamshahr|35.552200|51.235000|
shahriar|city|tehran-p|Şəhriyar|شهریار|Шахрияр|Şehriyar|Shahriar|35.659700|51.059200|
qazvin|city|qazvin-p|Qəzvin|قزوین|Казвин|Kazvin|Qazvin|36.269400|50.004200|
takestan|city|qazvin-p|Takistan|تاکستان|Такестан|Takistan|Takestan|36.071900|49.695800|
hamadan|city|hamadan-p|Həmədan|همدان|Хамадан|Hemedan|Hamadan|34.798800|48.514600|
razan|city|hamadan-p|Rəzən|رزن|Разан|Rezen|Razan|35.386600|49.033900|
karaj|city|alborz-p|Kərəc|کرج|Кередж|Kerec|Karaj|35.840000|50.939100|
rasht|city|gilan-p|Rəşt|رشت|Решт|Reşt|Rasht|37.280800|49.583200|
astara-ir|city|gilan-p|Astara|آستارا|Астара|Astara|Astara|38.429200|48.872500|
arak|city|markazi-p|Ərak|اراک|Арак|Erak|Arak|34.091700|49.689200|
saveh|city|markazi-p|Savə|ساوه|Саве|Save|Saveh|35.021800|50.356600|
qom|city|qom-p|Qum|قم|Кум|Kum|Qom|34.639900|50.875900|
isfahan|city|isfahan-p|İsfahan|اصفهان|Исфахан|İsfahan|Isfahan|32.654600|51.668000|
mashhad|city|khorasan-p|Məşhəd|مشهد|Мешхед|Meşhed|Mashhad|36.297000|59.606200|
baku|city|azerbaijan|Bakı|باکو|Баку|Bakü|Baku|40.409300|49.867100|
ganja|city|azerbaijan|Gəncə|گنجه|Гянджа|Gence|Ganja|40.682800|46.360600|
nakhchivan|city|azerbaijan|Naxçıvan|نخجوان|Нахчыван|Nahçıvan|Nakhchivan|39.208900|45.412200|
shusha|city|karabakh|Şuşa|شوشا|Шуша|Şuşa|Shusha|39.758300|46.748300|
istanbul|city|turkey|İstanbul|استانبول|Стамбул|İstanbul|Istanbul|41.008200|28.978400|
ankara|city|turkey|Ankara|آنکارا|Анкара|Ankara|Ankara|39.933400|32.859700|
igdir|city|turkey|İğdır|ایغدیر|Игдыр|Iğdır|Igdir|39.920800|44.045000|
cologne|city|germany|Köln|کلن|Кёльн|Köln|Cologne|50.937500|6.960300|
berlin|city|germany|Berlin|برلین|Берлин|Berlin|Berlin|52.520000|13.405000|
london|city|uk|London|لندن|Лондон|Londra|London|51.507400|-0.127800|
washington|city|usa|Vaşinqton|واشنگتن|Вашингтон|Vaşington|Washington|38.907200|-77.036900|
toronto|city|canada|Toronto|تورنتو|Торонто|Toronto|Toronto|43.653200|-79.383200|
stockholm|city|sweden|Stokholm|استکهلم|Стокгольм|Stockholm|Stockholm|59.329300|18.068600|
tabriz-ark|monument|tabriz|Təbriz Ərki|ارگ تبریز|Арк Тебриза|Tebriz Erki|Ark of Tabriz|38.072500|46.292500|
tabriz-bazaar|site|tabriz|Təbriz bazarı|بازار تبریز|Тебризский базар|Tebriz Çarşısı|Tabriz Bazaar|38.081400|46.293100|
el-goli|site|tabriz|Şahgölü|ائل‌گلی|Эль-Гёли|Şahgölü|El Goli Park|38.025400|46.348300|
babak-fort|monument|kaleybar|Bəzz qalası|قلعه بابک|Крепость Бабека|Babek Kalesi|Babak Fort|38.828300|46.993300|
soltaniyeh-dome|monument|soltaniyeh|Sultaniyyə günbəzi|گنبد سلطانیه|Купол Солтание|Sultaniye Kümbeti|\
Soltaniyeh Dome|36.434700|48.796900|
nurduz|border_crossing|jolfa|Nurdüz|نوردوز|Нурдуз|Nurduz|Nurduz|38.870300|46.203000|
urmia-lake|site|urmia|Urmu gölü|دریاچه ارومیه|Озеро Урмия|Urmiye Gölü|Lake Urmia|37.700000|45.316700|
"""

VILLAGE_HEADS = [
    ("Qara", "قره", "Кара"),
    ("Ağ", "آغ", "Аг"),
    ("Sarı", "ساری", "Сары"),
    ("Göy", "گؤی", "Гёй"),
    ("Yeni", "ینی", "Ени"),
    ("Qızıl", "قیزیل", "Кызыл"),
    ("Ala", "آلا", "Ала"),
    ("Böyük", "بؤیوک", "Беюк"),
    ("Kiçik", "کیچیک", "Кичик"),
    ("Dəmir", "دمیر", "Демир"),
    ("Çinar", "چنار", "Чинар"),
    ("Şirin", "شیرین", "Ширин"),
    ("Uzun", "اوزون", "Узун"),
    ("Ərəb", "عرب", "Араб"),
    ("Qoşa", "قوشا", "Гоша"),
]
VILLAGE_TAILS = [
    ("bulaq", "بلاغ", "булаг"),
    ("dərə", "دره", "дере"),
    ("kənd", "کند", "кенд"),
    ("təpə", "تپه", "тепе"),
    ("çay", "چای", "чай"),
    ("qala", "قلعه", "гала"),
    ("göl", "گؤل", "гёль"),
    ("dağ", "داغ", "даг"),
    ("oba", "اوبا", "оба"),
    ("yurd", "یورد", "юрд"),
    ("arx", "آرخ", "арх"),
    ("qaya", "قایا", "гая"),
    ("tala", "تالا", "тала"),
    ("su", "سو", "су"),
]
# Iranian villages often come in pairs: upper and lower.
VILLAGE_SUFFIX = [("", "", ""), ("-ye Olya", " علیا", "-Улья"), ("-ye Sofla", " سفلی", "-Софла")]
STREET_NAMES = [
    ("Səttarxan", "ستارخان", "Саттархан", "Settar Han", "Sattar Khan"),
    ("Bağırxan", "باقرخان", "Багырхан", "Bakır Han", "Bagher Khan"),
    ("Şəhriyar", "شهریار", "Шахрияр", "Şehriyar", "Shahriar"),
    ("Xiyabani", "خیابانی", "Хиябани", "Hiyabani", "Khiabani"),
    ("Nizami", "نظامی", "Низами", "Nizami", "Nizami"),
    ("Füzuli", "فضولی", "Физули", "Fuzuli", "Fuzuli"),
    ("Nəsimi", "نسیمی", "Насими", "Nesimi", "Nasimi"),
    ("Azadlıq", "آزادی", "Азадлыг", "Özgürlük", "Azadi"),
    ("İmam", "امام", "Имам", "İmam", "Imam"),
    ("Şəhidlər", "شهدا", "Шахидов", "Şehitler", "Shohada"),
]
SITE_KINDS = [
    ("{} meydanı", "میدان {}", "площадь {}", "{} Meydanı", "{} Square"),
    ("{} küçəsi", "خیابان {}", "улица {}", "{} Caddesi", "{} Street"),
    ("{} parkı", "پارک {}", "парк {}", "{} Parkı", "{} Park"),
]
TR_LETTERS = str.maketrans({"ə": "e", "Ə": "E", "q": "k", "Q": "K", "x": "h", "X": "H"})
EN_LETTERS = str.maketrans(
    {"ə": "a", "Ə": "A", "ı": "i", "ş": "sh", "Ş": "Sh", "ç": "ch", "Ç": "Ch", "ğ": "gh", "ö": "o", "ü": "u"}
)
EN_LETTERS.update({ord("Ö"): "O", ord("Ü"): "U", ord("İ"): "I", ord("q"): "gh", ord("Q"): "Gh", ord("x"): "kh"})


@dataclass
class PlaceSpec:
    key: str
    kind: str
    parent: str
    forms: dict[str, str]
    latitude: Decimal | None
    longitude: Decimal | None
    wikidata: str = ""
    primary: str = "en"
    children: list = field(default_factory=list)


def real_places() -> list[PlaceSpec]:
    specs = []
    for line in REAL.strip().splitlines():
        key, kind, parent, *forms, lat, lon, qid = line.split("|")
        specs.append(
            PlaceSpec(
                key=key,
                kind=kind,
                parent=parent,
                forms=dict(zip(LANGS, forms, strict=True)),
                latitude=Decimal(lat).quantize(Decimal("0.000001")) if lat else None,
                longitude=Decimal(lon).quantize(Decimal("0.000001")) if lon else None,
                wikidata=qid,
            )
        )
    return specs


def _jitter(rng: Rand, value: Decimal | None, spread: float) -> Decimal | None:
    if value is None:
        return None
    return (value + Decimal(rng.uniform(-spread, spread))).quantize(Decimal("0.000001"))


def village(rng: Rand, parent: PlaceSpec) -> PlaceSpec:
    head, tail, suffix = rng.pick(VILLAGE_HEADS), rng.pick(VILLAGE_TAILS), rng.pick(VILLAGE_SUFFIX)
    az = head[0] + tail[0] + suffix[0]
    forms = {
        "az-Latn": az,
        "fa": head[1] + tail[1] + suffix[1],
        "ru": head[2] + tail[2] + suffix[2],
        "tr": az.translate(TR_LETTERS),
        "en": az.translate(EN_LETTERS),
    }
    return PlaceSpec(
        key="",
        kind="village",
        parent=parent.key,
        forms=forms,
        latitude=_jitter(rng, parent.latitude, 0.35),
        longitude=_jitter(rng, parent.longitude, 0.35),
        primary="az-Latn",
    )


def site(rng: Rand, parent: PlaceSpec) -> PlaceSpec:
    person, pattern = rng.pick(STREET_NAMES), rng.pick(SITE_KINDS)
    forms = {lang: pattern[i].format(person[i]) for i, lang in enumerate(LANGS)}
    return PlaceSpec(
        key="",
        kind="site",
        parent=parent.key,
        forms=forms,
        latitude=_jitter(rng, parent.latitude, 0.03),
        longitude=_jitter(rng, parent.longitude, 0.03),
        primary="az-Latn" if rng.chance(0.5) else "en",
    )
