"""People's names in five forms: Azerbaijani (Latin), Persian, Russian, Turkish, English.

Each line is one name as ``az-Latn|fa|ru|tr|en``, so a generated person has the
same name in every script and their other names are true transliterations of
each other (Rəşid Məmmədov / رشید محمداف / Рашид Мамедов / Reşit Memmedov /
Rashid Mammadov).
"""

from archive.synthetic.rng import Rand, Weights

LANGS = ("az-Latn", "fa", "ru", "tr", "en")


def _table(text: str) -> list[tuple[str, ...]]:
    rows = [tuple(part.strip() for part in line.split("|")) for line in text.strip().splitlines()]
    assert all(len(row) == len(LANGS) for row in rows), "every name needs five forms"
    return rows


MALE = _table("""
Əli|علی|Али|Ali|Ali
Həsən|حسن|Гасан|Hasan|Hasan
Hüseyn|حسین|Гусейн|Hüseyin|Hossein
Məmməd|محمد|Мамед|Memmed|Mammad
Rəşid|رشید|Рашид|Reşit|Rashid
Tofiq|توفیق|Тофик|Tevfik|Tofig
Elçin|ائلچین|Эльчин|Elçin|Elchin
Fərid|فرید|Фарид|Ferit|Farid
İlqar|ایلقار|Ильгар|İlkar|Ilgar
Şahin|شاهین|Шахин|Şahin|Shahin
Yusif|یوسف|Юсиф|Yusuf|Yusif
Çingiz|چنگیز|Чингиз|Cengiz|Chingiz
Vüqar|ووقار|Вугар|Vükar|Vugar
Ramin|رامین|Рамин|Ramin|Ramin
Babək|بابک|Бабек|Babek|Babak
Səməd|صمد|Самед|Samet|Samad
Cavad|جواد|Джавад|Cevat|Javad
Rza|رضا|Рза|Rıza|Reza
Mehdi|مهدی|Мехти|Mehdi|Mehdi
Abbas|عباس|Аббас|Abbas|Abbas
Kərim|کریم|Керим|Kerim|Karim
Rəhim|رحیم|Рагим|Rahim|Rahim
Səttar|ستار|Саттар|Settar|Sattar
Bağır|باقر|Багир|Bakır|Bagher
Heydər|حیدر|Гейдар|Haydar|Heydar
Əkbər|اکبر|Акбер|Ekber|Akbar
Sadıq|صادق|Садых|Sadık|Sadegh
Xəlil|خلیل|Халил|Halil|Khalil
Qasım|قاسم|Гасым|Kasım|Ghasem
Kamran|کامران|Камран|Kamran|Kamran
Murad|مراد|Мурад|Murat|Morad
Arif|عارف|Ариф|Arif|Arif
Azər|آذر|Азер|Azer|Azer
Orxan|اورخان|Орхан|Orhan|Orkhan
Tural|تورال|Турал|Tural|Tural
Nadir|نادر|Надир|Nadir|Nader
Əhməd|احمد|Ахмед|Ahmet|Ahmad
Yaqub|یعقوب|Ягуб|Yakup|Yaghoub
""")

FEMALE = _table("""
Aygün|آیگون|Айгюн|Aygün|Aygun
Gülnarə|گلناره|Гюльнара|Gülnare|Gulnara
Şəhla|شهلا|Шахла|Şehla|Shahla
Nərgiz|نرگس|Наргиз|Nergis|Nargiz
Leyla|لیلا|Лейла|Leyla|Leyla
Sevinc|سئوینج|Севиндж|Sevinç|Sevinj
Fidan|فیدان|Фидан|Fidan|Fidan
Aynur|آینور|Айнур|Aynur|Aynur
Günay|گونای|Гюнай|Günay|Gunay
Zəhra|زهرا|Захра|Zehra|Zahra
Fatimə|فاطمه|Фатима|Fatma|Fatemeh
Məryəm|مریم|Марьям|Meryem|Maryam
Ülkər|اولکر|Юлькер|Ülker|Ulkar
Könül|کؤنول|Кёнуль|Gönül|Konul
Nigar|نگار|Нигяр|Nigar|Negar
Lalə|لاله|Лала|Lale|Laleh
Pərvin|پروین|Парвин|Pervin|Parvin
Xədicə|خدیجه|Хадиджа|Hatice|Khadijeh
Rəna|رعنا|Рена|Rena|Rana
Aytən|آیتن|Айтен|Ayten|Ayten
Dilarə|دلارا|Диляра|Dilara|Dilara
Səadət|سعادت|Саадат|Saadet|Saadat
""")

# Surnames as Iranians write them, then as the Republic of Azerbaijan writes them.
SURNAMES_IRAN = _table("""
Rzai|رضایی|Резаи|Rızai|Rezaei
Hüseyni|حسینی|Хосейни|Hüseyni|Hosseini
Məhəmmədi|محمدی|Мохаммади|Muhammedi|Mohammadi
Təbrizi|تبریزی|Тебризи|Tebrizi|Tabrizi
Ərdəbili|اردبیلی|Ардебили|Erdebili|Ardabili
Zəncani|زنجانی|Зенджани|Zencani|Zanjani
Urmulu|ارومولو|Урмулу|Urmulu|Urmulu
Əhmədi|احمدی|Ахмади|Ahmedi|Ahmadi
Kərimi|کریمی|Керими|Kerimi|Karimi
Sadiqi|صادقی|Садеги|Sadıki|Sadeghi
Abbasi|عباسی|Аббаси|Abbasi|Abbasi
Qasımi|قاسمی|Гасеми|Kasımi|Ghasemi
Cəfəri|جعفری|Джафари|Caferi|Jafari
Əsgəri|عسگری|Аскери|Askeri|Asgari
Nəsiri|نصیری|Насири|Nasiri|Nasiri
Bağıri|باقری|Багери|Bakıri|Bagheri
Əzizi|عزیزی|Азизи|Azizi|Azizi
Mərəndi|مرندی|Маранди|Merendi|Marandi
Xoylu|خویلو|Хойлу|Hoylu|Khoylu
Sərabi|سرابی|Сараби|Serabi|Sarabi
Əhəri|اهری|Ахари|Eheri|Ahari
Səlmasi|سلماسی|Салмаси|Selmasi|Salmasi
Quşçu|قوشچو|Гушчу|Kuşçu|Ghushchi
Qaradağlı|قره‌داغلی|Карадаглы|Karadağlı|Gharadaghli
Şəbüstəri|شبستری|Шабестари|Şebüsteri|Shabestari
Nuri|نوری|Нури|Nuri|Nouri
Ağayi|آقایی|Агаи|Ağayi|Aghaei
Obalı|اوبالی|Обалы|Obalı|Obali
""")

SURNAMES_REPUBLIC = _table("""
Əliyev|علی‌یف|Алиев|Aliyev|Aliyev
Həsənov|حسن‌اف|Гасанов|Hasanov|Hasanov
Məmmədov|محمداف|Мамедов|Memmedov|Mammadov
Quliyev|قلی‌یف|Гулиев|Kuliyev|Guliyev
Hüseynov|حسین‌اف|Гусейнов|Hüseynov|Huseynov
İsmayılov|اسماعیل‌اف|Исмайлов|İsmayılov|Ismayilov
Abbasov|عباس‌اف|Аббасов|Abbasov|Abbasov
Rzayev|رضایف|Рзаев|Rzayev|Rzayev
Cəfərov|جعفراف|Джафаров|Caferov|Jafarov
Babayev|بابایف|Бабаев|Babayev|Babayev
Nəsirli|نصیرلی|Насирли|Nasirli|Nasirli
Şükürlü|شکورلو|Шукюрлю|Şükürlü|Shukurlu
Bağırov|باقراف|Багиров|Bağırov|Baghirov
Kərimli|کریملی|Керимли|Kerimli|Karimli
Əhmədli|احمدلی|Ахмедли|Ahmedli|Ahmadli
Səfərov|صفراف|Сафаров|Seferov|Safarov
Vəliyev|ولی‌یف|Велиев|Veliyev|Valiyev
Qasımov|قاسم‌اف|Гасымов|Kasımov|Gasimov
Novruzov|نوروزاف|Новрузов|Nevruzov|Novruzov
Orucov|اوروجاف|Оруджев|Orucov|Orujov
""")

SEYID = ("Seyid", "سید", "Сеид", "Seyit", "Seyed")

# Which form is a person's primary name.
PRIMARY_LANGUAGE = Weights({"az-Latn": 45, "fa": 20, "en": 15, "tr": 10, "ru": 10})


def person_forms(rng: Rand) -> dict[str, str]:
    """One person's full name in every form, keyed by language tag."""
    given = rng.pick(MALE) if rng.chance(0.7) else rng.pick(FEMALE)
    second = rng.pick(MALE) if given in MALE and rng.chance(0.2) else None
    seyid = given in MALE and rng.chance(0.08)
    surname = rng.pick(SURNAMES_IRAN) if rng.chance(0.65) else rng.pick(SURNAMES_REPUBLIC)
    forms = {}
    for i, lang in enumerate(LANGS):
        parts = [SEYID[i]] if seyid else []
        parts.append(given[i])
        if second:
            parts.append(second[i])
        parts.append(surname[i])
        forms[lang] = " ".join(parts)
    return forms
