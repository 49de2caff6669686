"""The seeded records say what the research article (Hacıyeva 2025) says.

Each test checks one fact of the article against the loaded fixtures: dates at their
precision, counts as written with their claimant, who said what, which footnote
supports a record, names in several scripts, and that every record is cited.
"""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from archive import models

pytestmark = pytest.mark.django_db

PUBLIC_TYPES = [
    models.Protest,
    models.Arrest,
    models.Statement,
    models.Organization,
    models.MediaOutlet,
    models.Person,
    models.Place,
    models.Source,
]


def protest(public_id):
    return models.Protest.objects.get(public_id=public_id)


def statement(public_id):
    return models.Statement.objects.get(public_id=public_id)


def citations_of(record):
    return models.Citation.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("source", "cited_in")


def footnotes_citing(record):
    """(footnote, source public id) of every footnote citation of the record."""
    return {(c.footnote, c.source.public_id) for c in citations_of(record) if c.footnote}


def display(record):
    with translation.override("en"):
        return record.date_display


# ------------------------------------------------------------------ protests and dates


def test_ardabil_rally_is_dated_to_the_day_29_september_2020(article):
    rally = protest("protest-2020-09-29-ardabil-rally")
    assert rally.date_start == dt.date(2020, 9, 29)
    assert rally.date_precision == "day"
    assert display(rally) == "29 September 2020"
    assert set(rally.places.values_list("public_id", flat=True)) == {"place-ardabil"}


def test_ardabil_rally_is_supported_by_footnote_8_shaffer(article):
    rally = protest("protest-2020-09-29-ardabil-rally")
    assert (8, "source-fn-08") in footnotes_citing(rally)
    citation = citations_of(rally).get(footnote=8)
    assert citation.cited_in.public_id == "source-article"
    assert "twenty national activists were detained" in citation.quote


def test_september_30_demonstration_counts_dozens_with_the_author_as_claimant(article):
    demo = protest("protest-2020-09-30-ardabil-demonstration")
    claim = demo.size_claims.get()
    assert (claim.words, claim.low, claim.high) == ("dozens", 24, 99)
    assert claim.claimant_kind == "researcher"
    assert "Hacıyeva" in claim.claimant
    assert claim.source.public_id == "source-article"
    assert list(demo.slogans.values_list("text", flat=True)) == ["One nation is behind you, Azerbaijani soldier"]


def test_zanjan_gathering_at_the_soltaniyeh_dome_is_undated_and_says_why(article):
    gathering = protest("protest-2020-zanjan-soltaniyeh-dome-gathering")
    assert gathering.date_start is None
    assert gathering.date_precision == "undated"
    assert display(gathering) == "undated"
    assert "gives no date" in gathering.date_note
    assert gathering.kind == "gathering"
    assert list(gathering.places.values_list("public_id", flat=True)) == ["place-soltaniyeh-dome"]


def test_zanjan_gathering_has_its_three_slogans(article):
    gathering = protest("protest-2020-zanjan-soltaniyeh-dome-gathering")
    assert set(gathering.slogans.values_list("text", flat=True)) == {
        "The homeland is beyond the borders on the map",
        "We are Azerbaijan",
        "If the world returns to heaven, there will be no Karabakh",
    }


def test_march_of_1_october_was_only_called_by_the_call_of_30_september(article):
    march = protest("protest-2020-10-01-peaceful-march-call")
    assert march.event_status == "called"
    assert march.kind == "march"
    assert march.date_start == dt.date(2020, 10, 1)
    call = statement("statement-2020-09-30-call-for-october-1-march")
    assert call.form == "call"
    assert call.date_start == dt.date(2020, 9, 30)
    assert list(call.about_protests.all()) == [march]


def test_early_october_protests_took_place_in_five_cities_with_their_slogans(article):
    protests = protest("protest-2020-10-early-tabriz-urmia-ardabil-zanjan-tehran")
    assert display(protests) == "early October 2020"
    assert set(protests.places.values_list("public_id", flat=True)) == {
        "place-tabriz",
        "place-urmia",
        "place-ardabil",
        "place-zanjan",
        "place-tehran",
    }
    slogans = set(protests.slogans.values_list("text", flat=True))
    assert "We are ready to die, we are Babek's soldiers!" in slogans
    assert "Let there be Azerbaijan, let the unwilling be blind!" in slogans
    assert len(slogans) == 7


def test_anm_rally_at_babek_fortress_and_march_on_nurduz_were_only_threatened(article):
    rally = protest("protest-2020-anm-babek-fortress-rally-threatened")
    march = protest("protest-2020-anm-nurduz-peoples-march-threatened")
    for event in (rally, march):
        assert event.event_status == "threatened"
        assert list(event.organizers.values_list("public_id", flat=True)) == ["org-anm"]
        assert (10, "source-fn-10") in footnotes_citing(event)
    assert set(rally.places.values_list("public_id", flat=True)) == {"place-babak-fort", "place-julfa-iran"}
    assert list(march.places.values_list("public_id", flat=True)) == ["place-nurduz"]


def test_tabriz_bazaar_closure_is_an_undated_strike_noting_sunday_and_monday(article):
    closure = protest("protest-2020-tabriz-bazaar-shop-closure")
    assert closure.kind == "strike"
    assert closure.date_precision == "undated"
    assert "Sunday" in closure.date_note
    assert "Monday" in closure.date_note
    assert "three days" in closure.description
    assert list(closure.places.values_list("public_id", flat=True)) == ["place-tabriz-bazaar"]
    assert (12, "source-fn-12") in footnotes_citing(closure)


def test_we_are_azerbaijan_itself_was_posted_in_tabriz_and_chanted_by_thousands(article):
    slogan = models.Slogan.objects.get(text="We are not supporters of Azerbaijan, we are Azerbaijan itself")
    assert set(slogan.protests.values_list("public_id", flat=True)) == {
        "protest-2020-tabriz-bazaar-shop-closure",
        "protest-2020-thousands-urmia-tabriz-tehran",
    }


def test_mid_october_call_renders_mid_october_and_counts_hundreds(article):
    call = protest("protest-2020-10-mid-we-are-the-essence-of-azerbaijan")
    assert call.date_precision == "mid-month"
    assert call.date_start == dt.date(2020, 10, 1)
    assert display(call) == "mid-October 2020"
    claim = call.size_claims.get()
    assert (claim.words, claim.low, claim.high) == ("hundreds", 200, 999)
    assert "place-urmia" in call.places.values_list("public_id", flat=True)


def test_thousands_in_urmia_tabriz_and_tehran_have_no_upper_figure(article):
    claim = protest("protest-2020-thousands-urmia-tabriz-tehran").size_claims.get()
    assert (claim.words, claim.low, claim.high) == ("thousands", 2000, None)
    assert claim.range_display == "2000+"


def test_18_october_demonstration_has_its_slogan_in_english_and_azerbaijani(article):
    demo = protest("protest-2020-10-18-second-big-demonstration")
    assert display(demo) == "18 October 2020"
    slogans = {(s.language_id, s.text) for s in demo.slogans.all()}
    assert (
        "en",
        "Come, my brother, to the square, weapons are going to Yerevan, Azerbaijan side by side, Nurdüz must be closed",
    ) in slogans
    assert ("az-Latn", "Nurduz bağlanmalıdır") in slogans
    assert demo.size_claims.get().words == "big"


def test_18_october_footnote_is_dated_before_the_event_and_says_so(article):
    demo = protest("protest-2020-10-18-second-big-demonstration")
    assert (16, "source-fn-16") in footnotes_citing(demo)
    gunaz = models.Source.objects.get(public_id="source-fn-16")
    assert gunaz.date_start == dt.date(2020, 10, 14) < demo.date_start
    assert "before the event" in demo.date_note


def test_celebrations_at_khudafarin_and_of_shusha_are_celebrations(article):
    border = protest("protest-2020-khudafarin-border-celebration")
    shusha = protest("protest-2020-shusha-liberation-celebrations")
    assert border.kind == shusha.kind == "celebration"
    assert list(border.places.values_list("public_id", flat=True)) == ["place-khudafarin-bridges"]
    assert {"place-urmia", "place-qazvin", "place-tabriz", "place-tehran", "place-zanjan", "place-hamadan"} <= set(
        shusha.places.values_list("public_id", flat=True)
    )
    assert "fireworks" in shusha.description


def test_1990s_student_protests_render_as_the_1990s(article):
    protests = protest("protest-1990s-student-protests-karabakh")
    assert protests.date_precision == "decade"
    assert display(protests) == "1990s"


# ------------------------------------------------------------------ arrests


def test_twenty_activists_detained_at_ardabil_is_an_exact_count_linked_to_the_rally(article):
    arrest = models.Arrest.objects.get(public_id="arrest-2020-09-29-ardabil")
    assert arrest.protest.public_id == "protest-2020-09-29-ardabil-rally"
    assert display(arrest) == "29 September 2020"
    claim = arrest.count_claims.get()
    assert (claim.words, claim.low, claim.high, claim.footnote) == ("twenty", 20, 20, 8)
    assert claim.claimant_kind == "researcher"


def test_arrests_after_18_october_are_linked_to_the_demonstration_and_uncounted(article):
    arrest = models.Arrest.objects.get(public_id="arrest-2020-10-18-after-second-big-demonstration")
    assert arrest.protest.public_id == "protest-2020-10-18-second-big-demonstration"
    assert not arrest.count_claims.exists()
    assert arrest.authority.public_id == "org-iranian-security-forces"


def test_2020_arrest_total_keeps_both_disagreeing_claims(article):
    arrest = models.Arrest.objects.get(public_id="arrest-2020-south-azerbaijanis-supporting-karabakh")
    assert display(arrest) == "2020"
    claims = {c.words: c for c in arrest.count_claims.select_related("source")}
    assert set(claims) == {"hundreds", "about a hundred"}
    hundreds, about = claims["hundreds"], claims["about a hundred"]
    assert hundreds.source.public_id == "source-article"
    assert hundreds.footnote is None
    assert about.source.public_id == "source-fn-25"
    assert about.footnote == 25
    assert "about a hundred" in hundreds.note
    assert "hundreds" in about.note
    assert hundreds.low > about.high


def test_caner_footnote_is_dated_before_the_year_it_totals_ended(article):
    caner = models.Source.objects.get(public_id="source-fn-25")
    assert caner.date_start == dt.date(2020, 10, 12)
    about = models.ArrestCountClaim.objects.get(words="about a hundred")
    assert "before" in about.note


def test_no_detainee_is_named(article):
    for arrest in models.Arrest.objects.all():
        assert arrest.person is None
        assert arrest.group_description


def test_arrests_are_attributed_to_the_iranian_security_forces(article):
    assert set(models.Arrest.objects.values_list("authority__public_id", flat=True)) == {"org-iranian-security-forces"}


# ------------------------------------------------------------------ statements


def test_velayati_refused_to_recognize_independence_per_izvestiya_footnote_3(article):
    velayati = statement("statement-1991-velayati-independence")
    assert list(velayati.speaker_people.values_list("public_id", flat=True)) == ["person-ali-akbar-velayati"]
    text = velayati.texts.get(language="en")
    assert text.text == "We do not intend to recognize Azerbaijan's independence"
    assert not text.is_original
    assert (3, "source-fn-03") in footnotes_citing(velayati)
    assert list(velayati.reported_in.values_list("public_id", flat=True)) == ["outlet-izvestiya"]


def test_majlis_resolution_renders_as_6_13_april_1993(article):
    resolution = statement("statement-1993-04-majlis-azerbaijani-deputies-resolution")
    assert resolution.form == "resolution"
    assert (resolution.date_start, resolution.date_end) == (dt.date(1993, 4, 6), dt.date(1993, 4, 13))
    assert display(resolution) == "6–13 April 1993"


def test_abidinzhadeh_spoke_in_the_majlis_on_13_april_1993(article):
    speech = statement("statement-1993-04-13-abidinzhadeh-majlis-speech")
    assert speech.form == "speech"
    assert display(speech) == "13 April 1993"
    assert list(speech.speaker_people.values_list("public_id", flat=True)) == ["person-kamal-abidinzhadeh"]


def test_mousavi_ardabili_friday_sermons_render_as_the_1990s(article):
    sermons = statement("statement-1990s-mousavi-ardabili-friday-sermons")
    assert sermons.form == "sermon"
    assert sermons.date_precision == "decade"
    assert display(sermons) == "1990s"


def test_letter_to_khamenei_was_signed_by_dozens_on_heyats_initiative(article):
    letter = statement("statement-1993-letter-to-khamenei-azerbaijan-week")
    assert letter.form == "letter"
    assert display(letter) == "1993"
    assert "person-javad-heyat" in letter.speaker_people.values_list("public_id", flat=True)
    claim = letter.signatory_claims.get()
    assert (claim.words, claim.low, claim.high) == ("dozens", 24, 99)
    assert "writers" in claim.group


def test_gamac_spoke_on_the_third_day_of_the_war_per_footnote_9(article):
    gamac = statement("statement-2020-09-29-gamac")
    assert list(gamac.speaker_organizations.values_list("public_id", flat=True)) == ["org-gamac"]
    assert gamac.date_start == dt.date(2020, 9, 29)
    assert "third day of the war" in gamac.date_note
    assert (9, "source-fn-09") in footnotes_citing(gamac)


def test_anm_statement_keeps_the_azerbaijani_original_beside_the_english(article):
    anm = statement("statement-2020-10-05-anm-nurduz-customs")
    original = anm.original_text
    assert original.language_id == "az-Latn"
    assert original.text == "Nurduz gümrüyünü bağlamasanız, özümüz bağlayacağıq"
    english = anm.texts.get(language="en")
    assert not english.is_original
    assert english.translator == "the article's author"
    assert english.text.startswith("This time they will hold a mass rally in Babek fortress in Julfa")


def test_joint_statement_was_signed_by_60_musicians_58_writers_and_the_bar_commission(article):
    joint = statement("statement-2020-joint-musicians-writers-bar-commission")
    assert joint.form == "joint_statement"
    claims = {c.group: (c.words, c.low, c.high) for c in joint.signatory_claims.all()}
    assert claims == {
        "prominent musicians": ("60", 60, 60),
        "South Azerbaijani poets and writers": ("58", 58, 58),
    }
    assert list(joint.speaker_organizations.values_list("public_id", flat=True)) == ["org-bar-human-rights-commission"]


def test_student_movement_statement_was_signed_by_27_universities_per_footnote_11(article):
    students = statement("statement-2020-10-06-student-movement-27-universities")
    assert students.date_start == dt.date(2020, 10, 6)
    assert list(students.speaker_organizations.values_list("public_id", flat=True)) == ["org-student-movement"]
    claim = students.signatory_claims.get()
    assert (claim.words, claim.low, claim.high, claim.group) == ("27", 27, 27, "universities")
    assert (11, "source-fn-11") in footnotes_citing(students)


def test_obali_interviews_name_westwood_one_and_the_john_batchelor_show(article):
    obali = statement("statement-2020-10-22-obali-radio-interviews")
    outlets = set(obali.reported_in.values_list("public_id", flat=True))
    assert {"outlet-westwood-one", "outlet-wmilfm", "outlet-77-wabc", "outlet-wls"} <= outlets
    assert "outlet-john-batchelor-show" in outlets
    assert "West Wood One" in obali.public_note
    assert "John Batchelor" in obali.public_note
    assert (13, "source-fn-13") in footnotes_citing(obali)


def test_imams_joint_statement_was_reported_by_mehr_per_footnote_15(article):
    imams = statement("statement-2020-imams-joint-statement")
    assert "Zanzan" in imams.speaker_description
    assert list(imams.reported_in.values_list("public_id", flat=True)) == ["outlet-mehr-news"]
    quote = imams.texts.get(language="en").text
    assert quote.startswith("There is no doubt that Nagorno-Karabakh belongs to Azerbaijan")
    assert (15, "source-fn-15") in footnotes_citing(imams)


def test_zarif_claimed_terrorist_forces_in_early_november_2020(article):
    zarif = statement("statement-2020-11-zarif-terrorist-forces")
    assert display(zarif) == "early November 2020"
    assert zarif.texts.get(language="en").text == "terrorist forces were involved in the Karabakh war"
    assert (17, "source-fn-17") in footnotes_citing(zarif)


def test_khamenei_statement_rests_on_radio_farda_of_4_november_2020(article):
    source = models.Source.objects.get(public_id="source-fn-18")
    assert source.date_start == dt.date(2020, 11, 4)
    assert source.date_precision == "day"
    khamenei = statement("statement-2020-11-khamenei-return-of-occupied-territories")
    assert list(khamenei.speaker_people.values_list("public_id", flat=True)) == ["person-ali-khamenei"]
    assert (18, "source-fn-18") in footnotes_citing(khamenei)


def test_pakpour_and_bagheri_spoke_in_september_2022(article):
    pakpour = statement("statement-2022-09-16-pakpour-border-units")
    bagheri = statement("statement-2022-09-bagheri-military-parade")
    assert display(pakpour) == "16 September 2022"
    assert display(bagheri) == "September 2022"
    assert (21, "source-fn-21") in footnotes_citing(pakpour)
    assert (22, "source-fn-22") in footnotes_citing(bagheri)


def test_amir_abdollahian_spoke_in_qafan_on_21_october_2022(article):
    speech = statement("statement-2022-10-21-amir-abdollahian-qafan")
    assert display(speech) == "21 October 2022"
    assert speech.place.public_id == "place-kapan"
    assert speech.texts.get(language="ru").text == "Мы считаем безопасность Армении своей собственной безопасностью"
    assert (23, "source-fn-23") in footnotes_citing(speech)
    graparak = statement("statement-2022-graparak-iran-haste")
    assert list(graparak.about_statements.all()) == [speech]
    assert (24, "source-fn-24") in footnotes_citing(graparak)


def test_erk_statements_concern_the_2020_arrests(article):
    erk = statement("statement-2020-erk-appeals-on-arrests")
    assert list(erk.speaker_organizations.values_list("public_id", flat=True)) == ["org-erk"]
    assert list(erk.about_arrests.values_list("public_id", flat=True)) == [
        "arrest-2020-south-azerbaijanis-supporting-karabakh"
    ]


def test_cornell_three_level_remark_is_dated_to_the_war_and_cited_to_cornell_2020(article):
    cornell = statement("statement-2020-cornell-three-level-conflict")
    assert display(cornell) == "27 September – 10 November 2020"
    assert cornell.original_text.text.startswith("This is a three-level conflict")
    sources = {c.source.public_id for c in citations_of(cornell)}
    assert "source-ref-cornell-2020" in sources


# ------------------------------------------------------------------ names and places


def test_urmu_is_another_name_of_urmia(article):
    urmia = models.Place.objects.get(public_id="place-urmia")
    assert urmia.other_names.filter(name="Urmu").exists()
    assert urmia.other_names.filter(name="ارومیه", language="fa").exists()


def test_gamac_has_its_full_azerbaijani_name(article):
    gamac = models.Organization.objects.get(public_id="org-gamac")
    names = {(n.name, n.language_id, n.kind) for n in gamac.other_names.all()}
    assert ("Güney Azərbaycan Milli Azadlıq Cəbhəsi", "az-Latn", "native") in names
    assert ("GAMAC", "az-Latn", "abbreviation") in names


def test_nurduz_is_also_written_nurduz_with_a_dieresis(article):
    nurduz = models.Place.objects.get(public_id="place-nurduz")
    assert nurduz.other_names.filter(name="Nurdüz", language="az-Latn").exists()


def test_tabriz_lies_in_east_azerbaijan_in_south_azerbaijan_in_iran(article):
    chain = []
    place = models.Place.objects.get(public_id="place-tabriz")
    while place is not None:
        chain.append(place.public_id)
        place = place.parent
    assert chain == ["place-tabriz", "place-east-azerbaijan-province", "place-south-azerbaijan", "place-iran"]


def test_at_least_19_periodicals_of_the_articles_list_are_seeded_and_cited(article):
    listed = [
        c.object_id
        for c in models.Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(models.MediaOutlet),
            quote__contains='"Varlig", "Dilmac", "Haray"',
        )
    ]
    assert len(set(listed)) >= 19
    names = set(models.MediaOutlet.objects.filter(pk__in=listed).values_list("name", flat=True))
    assert {"Varlıq", "Dilmac", "Shams-e Tabriz", "Omid-e Zanzan"} <= names


# ------------------------------------------------------------------ slogans


def test_english_only_slogans_say_so(article):
    for slogan in models.Slogan.objects.filter(language="en"):
        assert "Only the English translation is given in the article" in slogan.note


def test_azerbaijani_slogans_come_from_footnote_titles(article):
    originals = set(models.Slogan.objects.filter(language="az-Latn").values_list("text", flat=True))
    assert originals == {"Nurduz bağlanmalıdır", "Nurduz gümrüyünü bağlamasanız, özümüz bağlayacağıq"}
    fn10 = models.Slogan.objects.get(text="Nurduz gümrüyünü bağlamasanız, özümüz bağlayacağıq")
    assert set(fn10.protests.values_list("event_status", flat=True)) == {"threatened"}


# ------------------------------------------------------------------ citations and publication


def test_all_25_footnotes_appear_among_citations(article):
    footnotes = set(models.Citation.objects.exclude(footnote=None).values_list("footnote", flat=True))
    assert set(range(1, 26)) <= footnotes


def test_footnote_citations_name_the_footnotes_source_and_the_article(article):
    article_source = models.Source.objects.get(public_id="source-article")
    for citation in models.Citation.objects.exclude(footnote=None).select_related("source", "cited_in"):
        if citation.source == article_source:
            assert citation.content_type.model == "source"
        else:
            assert citation.source.public_id == f"source-fn-{citation.footnote:02d}"
            assert citation.cited_in == article_source


def test_every_record_of_every_type_has_a_citation_with_a_quote(article):
    for model in PUBLIC_TYPES:
        cited = set(
            models.Citation.objects.filter(content_type=ContentType.objects.get_for_model(model))
            .exclude(quote="")
            .values_list("object_id", flat=True)
        )
        uncited = set(model.objects.values_list("pk", flat=True)) - cited
        assert not uncited, (model.__name__, sorted(uncited))


def test_every_citation_points_to_an_existing_record(article):
    for citation in models.Citation.objects.all():
        assert citation.record is not None, citation.pk


def test_every_record_of_every_type_is_published_and_not_restricted(article):
    for model in PUBLIC_TYPES:
        assert model.objects.count() > 0, model.__name__
        assert not model.objects.exclude(status="published").exists(), model.__name__
        assert not model.objects.filter(restricted=True).exists(), model.__name__
        assert model.objects.published().count() == model.objects.count(), model.__name__


def test_every_undated_record_explains_itself(article):
    for model in (models.Protest, models.Arrest, models.Statement):
        for record in model.objects.filter(date_precision="undated"):
            assert record.date_start is None
            assert record.date_note, record.public_id
