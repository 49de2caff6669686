"""Sentences for descriptions, statement texts, slogans, headlines and quotes.

Each entry is a tuple in ``names.LANGS`` order (az-Latn, fa, ru, tr, en), so a
statement's original and its translations say the same thing. ``{p}`` takes a
place's name in the same language, ``{o}`` an organization's.
"""

PROTEST_TITLES = {
    "rally": "Rally in {p}",
    "march": "March in {p}",
    "strike": "Shop closure in {p}",
    "celebration": "Celebration in {p}",
    "gathering": "Gathering in {p}",
    "online": "Online campaign from {p}",
    "other": "Protest in {p}",
}
TITLE_ENDINGS = [
    "",
    " in support of Azerbaijan",
    " against arms transit to Armenia",
    " after the liberation of Shusha",
    " for mother-tongue education",
    " against the arrests of activists",
    " on the anniversary of the war",
]

PROTEST_SENTENCES = [
    (
        "İnsanlar {p} şəhərində toplaşaraq Azərbaycan ordusuna dəstək şüarları səsləndirdilər.",
        "مردم در {p} تجمع کردند و شعارهایی در حمایت از ارتش آذربایجان سر دادند.",
        "Люди собрались в {p} и скандировали лозунги в поддержку армии Азербайджана.",
        "İnsanlar {p} kentinde toplanarak Azerbaycan ordusuna destek sloganları attı.",
        "People gathered in {p} and chanted slogans in support of Azerbaijan's army.",
    ),
    (
        "Təhlükəsizlik qüvvələri izdihamı dağıtdı, bir neçə iştirakçı saxlanıldı.",
        "نیروهای امنیتی جمعیت را پراکنده کردند و چند نفر بازداشت شدند.",
        "Силовики разогнали собравшихся, несколько участников были задержаны.",
        "Güvenlik güçleri kalabalığı dağıttı, birkaç katılımcı gözaltına alındı.",
        "Security forces dispersed the crowd; several participants were detained.",
    ),
    (
        "{p} bazarında dükanlar gün boyu bağlı qaldı.",
        "مغازه‌های بازار {p} تمام روز بسته ماندند.",
        "Лавки на базаре {p} весь день оставались закрытыми.",
        "{p} çarşısında dükkânlar gün boyu kapalı kaldı.",
        "Shops in the {p} bazaar stayed closed all day.",
    ),
    (
        "Aksiyanın videoları Telegram kanallarında yayıldı.",
        "ویدئوهای این تجمع در کانال‌های تلگرام منتشر شد.",
        "Видео акции разошлись по Telegram-каналам.",
        "Eylemin videoları Telegram kanallarında yayıldı.",
        "Videos of the protest circulated on Telegram channels.",
    ),
    (
        "İştirakçılar Azərbaycan bayraqları və Babəkin şəkillərini daşıyırdılar.",
        "شرکت‌کنندگان پرچم‌های آذربایجان و تصاویر بابک را در دست داشتند.",
        "Участники несли флаги Азербайджана и портреты Бабека.",
        "Katılımcılar Azerbaycan bayrakları ve Babek'in resimlerini taşıyordu.",
        "Participants carried Azerbaijani flags and pictures of Babak.",
    ),
    (
        "Aksiyaya {o} çağırış etmişdi.",
        "{o} به این تجمع فراخوان داده بود.",
        "К акции призвала организация «{o}».",
        "Eyleme {o} çağrı yapmıştı.",
        "{o} had called for the protest.",
    ),
    (
        "Gənclər gecə saatlarında küçələrdə yürüş etdilər.",
        "جوانان در ساعات شب در خیابان‌ها راهپیمایی کردند.",
        "Молодёжь прошла маршем по улицам в ночные часы.",
        "Gençler gece saatlerinde sokaklarda yürüdü.",
        "Young people marched through the streets at night.",
    ),
    (
        "Polis aksiyanın təşkilatçılarını əvvəlcədən xəbərdar etmişdi.",
        "پلیس از پیش به برگزارکنندگان تجمع هشدار داده بود.",
        "Полиция заранее предупредила организаторов акции.",
        "Polis eylemin düzenleyicilerini önceden uyarmıştı.",
        "Police had warned the organizers beforehand.",
    ),
]

STATEMENT_SENTENCES = [
    (
        "Biz Azərbaycan xalqının ərazi bütövlüyü uğrunda mübarizəsini dəstəkləyirik.",
        "ما از مبارزه مردم آذربایجان برای تمامیت ارضی حمایت می‌کنیم.",
        "Мы поддерживаем борьбу азербайджанского народа за территориальную целостность.",
        "Azerbaycan halkının toprak bütünlüğü mücadelesini destekliyoruz.",
        "We support the Azerbaijani people's struggle for territorial integrity.",
    ),
    (
        "Qarabağ Azərbaycanın ayrılmaz hissəsidir.",
        "قره‌باغ بخش جدایی‌ناپذیر آذربایجان است.",
        "Карабах является неотъемлемой частью Азербайджана.",
        "Karabağ Azerbaycan'ın ayrılmaz bir parçasıdır.",
        "Karabakh is an inseparable part of Azerbaijan.",
    ),
    (
        "Ermənistana silah daşınmasına dərhal son qoyulmalıdır.",
        "ارسال سلاح به ارمنستان باید فوراً متوقف شود.",
        "Поставки оружия в Армению должны быть немедленно прекращены.",
        "Ermenistan'a silah sevkiyatı derhal durdurulmalıdır.",
        "The transit of arms to Armenia must stop at once.",
    ),
    (
        "{p} şəhərində saxlanılan fəallar dərhal azad edilməlidir.",
        "فعالان بازداشت‌شده در {p} باید فوراً آزاد شوند.",
        "Задержанные в {p} активисты должны быть немедленно освобождены.",
        "{p} kentinde gözaltına alınan aktivistler derhal serbest bırakılmalıdır.",
        "The activists detained in {p} must be released at once.",
    ),
    (
        "Biz hökuməti bitərəf qalmağa çağırırıq.",
        "ما از دولت می‌خواهیم بی‌طرف بماند.",
        "Мы призываем правительство сохранять нейтралитет.",
        "Hükümeti tarafsız kalmaya çağırıyoruz.",
        "We call on the government to remain neutral.",
    ),
    (
        "Ana dilində təhsil hüququ hər bir xalqın haqqıdır.",
        "حق تحصیل به زبان مادری حق هر ملتی است.",
        "Право на образование на родном языке есть право каждого народа.",
        "Ana dilinde eğitim hakkı her halkın hakkıdır.",
        "Education in one's mother tongue is every people's right.",
    ),
    (
        "{o} bu bəyanatı bütün üzvləri adından imzalayır.",
        "{o} این بیانیه را از طرف همه اعضای خود امضا می‌کند.",
        "Организация «{o}» подписывает это заявление от имени всех своих членов.",
        "{o} bu açıklamayı tüm üyeleri adına imzalamaktadır.",
        "{o} signs this statement on behalf of all its members.",
    ),
    (
        "Şəhidlərin xatirəsi qarşısında baş əyirik.",
        "در برابر یاد شهیدان سر تعظیم فرود می‌آوریم.",
        "Мы склоняем головы перед памятью павших.",
        "Şehitlerin hatırası önünde saygıyla eğiliyoruz.",
        "We bow our heads to the memory of the fallen.",
    ),
    (
        "Dövlət mediasının yaydığı yalan məlumatları rədd edirik.",
        "ما اخبار نادرستی را که رسانه‌های دولتی منتشر کرده‌اند رد می‌کنیم.",
        "Мы отвергаем ложь, распространяемую государственными СМИ.",
        "Devlet medyasının yaydığı yalan haberleri reddediyoruz.",
        "We reject the falsehoods spread by state media.",
    ),
    (
        "İran ilə Azərbaycan arasında sülh və qardaşlıq arzulayırıq.",
        "ما خواهان صلح و برادری میان ایران و آذربایجان هستیم.",
        "Мы желаем мира и братства между Ираном и Азербайджаном.",
        "İran ile Azerbaycan arasında barış ve kardeşlik diliyoruz.",
        "We wish for peace and brotherhood between Iran and Azerbaijan.",
    ),
]

STATEMENT_TITLES = {
    "speech": "Speech in {p} on Karabakh",
    "letter": "Open letter from {p}",
    "joint_statement": "Joint statement on the Karabakh war",
    "resolution": "Resolution on the Karabakh conflict",
    "interview": "Interview on the events in {p}",
    "social_media": "Post on the protests in {p}",
    "sermon": "Friday sermon in {p}",
    "press_statement": "Press statement on the arrests in {p}",
    "article": "Article on Karabakh and {p}",
    "call": "Call to rally in {p}",
    "official_remark": "Official remark on Karabakh",
}

HEADLINES = [
    (
        "{p}: Qarabağa dəstək aksiyası",
        "تجمع در {p} در حمایت از آذربایجان",
        "{p}: митинг в поддержку Азербайджана",
        "{p}: Azerbaycan'a destek mitingi",
        "Rally in {p} in support of Azerbaijan",
    ),
    (
        "{p}: fəallar həbs olundu",
        "بازداشت فعالان در {p}",
        "{p}: задержаны активисты",
        "{p}: aktivistler gözaltına alındı",
        "Activists detained in {p}",
    ),
    (
        "{p}: bazar Qarabağla həmrəylik üçün bağlandı",
        "{p}: تعطیلی بازار در همبستگی با قره‌باغ",
        "{p}: базар закрылся в знак солидарности с Карабахом",
        "{p}: çarşı Karabağ'la dayanışma için kapandı",
        "{p}: bazaar closes in solidarity with Karabakh",
    ),
    (
        "Qarabağ müharibəsi ilə bağlı bəyanat",
        "بیانیه درباره جنگ قره‌باغ",
        "Заявление о карабахской войне",
        "Karabağ savaşı hakkında açıklama",
        "Statement on the Karabakh war",
    ),
    (
        "{p}: təhlükəsizlik qüvvələri izdihamı dağıtdı",
        "پراکنده کردن تجمع در {p} توسط نیروهای امنیتی",
        "{p}: силовики разогнали собравшихся",
        "{p}: güvenlik güçleri kalabalığı dağıttı",
        "Security forces disperse crowd in {p}",
    ),
    (
        "{p}: məhkəmə fəallara hökm oxudu",
        "صدور حکم برای فعالان در {p}",
        "{p}: суд вынес приговор активистам",
        "{p}: mahkeme aktivistlere hüküm verdi",
        "Court sentences activists in {p}",
    ),
]

SLOGANS = [
    ("az-Latn", "Qarabağ Azərbaycandır!", "Karabakh is Azerbaijan!"),
    ("az-Latn", "Azərbaycan tək deyil!", "Azerbaijan is not alone!"),
    ("az-Latn", "Bir millət, iki dövlət!", "One nation, two states!"),
    ("az-Latn", "Yaşasın Azərbaycan!", "Long live Azerbaijan!"),
    ("az-Latn", "Ölmək var, dönmək yoxdur!", "We may die, but we will not turn back!"),
    ("az-Latn", "Biz Babək əsgəriyik!", "We are Babak's soldiers!"),
    ("az-Latn", "Araz bizi ayıra bilməz!", "The Araz cannot divide us!"),
    ("az-Latn", "Şuşa bizimdir!", "Shusha is ours!"),
    ("az-Latn", "Ana dilində təhsil haqqımızdır!", "Education in the mother tongue is our right!"),
    ("fa", "آذربایجان تنها نیست!", "Azerbaijan is not alone!"),
    ("fa", "قره‌باغ مال آذربایجان است!", "Karabakh belongs to Azerbaijan!"),
    ("tr", "Karabağ Azerbaycan'dır!", "Karabakh is Azerbaijan!"),
    ("tr", "Bir millet, iki devlet!", "One nation, two states!"),
    ("ru", "Карабах — это Азербайджан!", "Karabakh is Azerbaijan!"),
    ("en", "Stop arming the occupier!", "Stop arming the occupier!"),
]
CITY_SLOGANS = [
    ("az-Latn", "{p} Qarabağla birlikdədir!", "{p} stands with Karabakh!"),
    ("az-Latn", "{p} oyaqdır!", "{p} is awake!"),
    ("fa", "{p} بیدار است!", "{p} is awake!"),
    ("fa", "{p} با قره‌باغ است!", "{p} stands with Karabakh!"),
    ("tr", "{p} Karabağ'ın yanında!", "{p} stands by Karabakh!"),
    ("ru", "{p} с Карабахом!", "{p} is with Karabakh!"),
]

ARREST_GROUPS = [
    "national activists",
    "students of the local university",
    "Tractor football fans",
    "bazaar merchants",
    "participants of the rally",
    "young people",
    "women activists",
    "members of an ashiq ensemble",
    "teachers of the Azerbaijani language",
    "people who filmed the protest",
]
ACCUSATIONS = [
    "propaganda against the state",
    "acting against national security",
    "pan-Turkist activity",
    "organizing an illegal gathering",
    "disturbing public order",
    "insulting officials online",
    "membership in an opposition group",
]
CHARGES = [
    "Article 500 of the Islamic Penal Code (propaganda against the system)",
    "Article 610 (assembly and collusion against national security)",
    "Article 618 (disturbing public order)",
    "Article 499 (membership in a group opposing the state)",
    "Article 698 (spreading falsehoods)",
]
OUTCOME_NOTES = {
    "released": ["Released after {d} days.", "Released without charge after {d} days."],
    "bail": ["Released on bail after {d} days.", "Released on bail of 500 million rials after {d} days."],
    "sentenced": ["Sentenced to eight months in prison.", "Sentenced to one year, suspended for five years."],
    "acquitted": ["Acquitted on appeal."],
    "charged": ["Charged and awaiting trial."],
    "held": ["Still held, according to the family."],
}
ARREST_SENTENCES = [
    "Detained at home before dawn, according to relatives.",
    "Taken from the square by plain-clothes officers.",
    "Summoned by the intelligence office and held.",
    "Detained after posting videos of the rally.",
    "Arrested at the bazaar during the shop closure.",
]

# (words as written, low, high)
COUNT_WORDS = [
    ("twenty", 20, 20),
    ("about a hundred", 80, 120),
    ("hundreds", 200, 999),
    ("thousands", 1000, 9999),
    ("dozens", 24, 99),
    ("more than fifty", 51, None),
    ("several thousand", 2000, 9000),
    ("a few", 2, 5),
    ("yüzlərlə", 200, 999),
    ("minlərlə", 1000, 9999),
    ("صدها نفر", 200, 999),
    ("هزاران نفر", 1000, 9999),
    ("сотни", 200, 999),
    ("yüzlerce", 200, 999),
    ("around 300", 250, 350),
    ("15", 15, 15),
]
CLAIMANTS = [
    ("the organizers", "activists"),
    ("activists on Telegram", "activists"),
    ("the provincial police", "state"),
    ("state television", "state"),
    ("a human-rights group", "rights_group"),
    ("a diaspora news site", "media"),
    ("a foreign news agency", "media"),
    ("the article's author", "researcher"),
    ("", "unknown"),
]
SIGNATORY_GROUPS = [
    "prominent musicians",
    "universities",
    "writers and poets",
    "clerics of East Azerbaijan",
    "MPs from the Azerbaijani provinces",
    "student associations",
    "lawyers",
    "football fans' clubs",
]
CITATION_NOTES = ["Date and place.", "The count of detainees.", "The speaker's words.", "The size of the crowd.", ""]
