"""Suggested quotes, speakers and place mentions (articles.suggest): pure, no database."""

import importlib.util
import json
from itertools import pairwise
from pathlib import Path

import pytest

from articles import gazetteer
from articles.importer import parse
from articles.suggest import (
    KnownPlace,
    KnownSpeaker,
    PlaceSuggestion,
    QuoteSuggestion,
    suggest_places,
    suggest_quotes,
)

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
SEED_TEXT = ROOT / "fixtures" / "seeds" / "000_d85e5d27cd6f0369.txt"


def load_quality():
    spec = importlib.util.spec_from_file_location("bench_quality", ROOT / "bench" / "quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quotes(body, speakers=()):
    found = suggest_quotes(body, speakers)
    for q in found:
        assert isinstance(q, QuoteSuggestion)
        assert q.text == body[q.start : q.end]
    return found


def places(body, known=(), **kwargs):
    found = suggest_places(body, known, **kwargs)
    for p in found:
        assert isinstance(p, PlaceSuggestion)
        assert p.text == body[p.start : p.end]
    return found


def only(found):
    assert len(found) == 1, found
    return found[0]


def by_text(found):
    return {q.text: q for q in found}


# ---------------------------------------------------------------------------------------------
# Direct quotes: marks, spans, attribution


@pytest.mark.parametrize(
    "body",
    [
        'The mayor, Anna Berg, said: "We will rebuild the school."',  # straight
        "The mayor, Anna Berg, said: “We will rebuild the school.”",  # curly
        'The mayor, Anna Berg, said: “We will rebuild the school."',  # mixed: “..."
        'The mayor, Anna Berg, said: "We will rebuild the school.”',  # mixed: "...”
    ],
)
def test_direct_quote_with_any_marks_covers_the_words_inside(body):
    q = only(quotes(body))
    assert (q.text, q.kind, q.speaker) == ("We will rebuild the school", "direct", "Anna Berg")
    assert q.speaker_is_new and q.speaker_kind == "person" and q.speaker_role == "mayor"


def test_closing_comma_and_full_stop_stay_outside_but_question_marks_stay_in():
    body = '"Is anyone listening?" asked nobody. "We are here," Ola Lind said.'
    found = by_text(quotes(body))
    assert "We are here" in found
    assert found["We are here"].speaker == "Ola Lind"


def test_split_quote_gives_two_quotes_by_one_speaker():
    body = '"Water is still a problem," Mayor Ivan Petrenko said, "but the trams are running."'
    first, second = quotes(body)
    assert (first.text, second.text) == ("Water is still a problem", "but the trams are running")
    assert first.speaker == second.speaker == "Ivan Petrenko"
    assert first.speaker_role == "Mayor"


def test_inverted_attribution_with_appositive_role():
    body = "“We drove at night,” said Ines Calder, the group’s logistics coordinator."
    q = only(quotes(body))
    assert (q.speaker, q.speaker_role) == ("Ines Calder", "group’s logistics coordinator")


def test_block_quote_in_a_paragraph_of_its_own_after_said():
    body = (
        "Asked about the return of families, Hrun said:\n\n"
        '"People ask me every day. I tell them: wait until spring."\n\n'
        "The council met later."
    )
    q = only(quotes(body, [KnownSpeaker("Viktor Hrun", ("Hrun",))]))
    assert q.text == "People ask me every day. I tell them: wait until spring"
    assert (q.kind, q.speaker, q.speaker_is_new) == ("direct", "Viktor Hrun", False)


def test_block_quote_without_marks_after_said():
    body = (
        "Dr. Huda Salih described the wards in a message. She said:\n\n"
        "The wards are full. We have no formula.\n\n"
        "Aid workers agreed."
    )
    q = only(quotes(body))
    assert (q.text, q.kind, q.speaker) == (
        "The wards are full. We have no formula",
        "direct",
        "Huda Salih",
    )


def test_nested_single_quotes_stay_inside_the_quote():
    said = "I was told, and I quote, ‘the shelling came from the east,’ but that is one account"
    q = only(quotes(f"“{said},” Col. Teodor Vasse said."))
    assert q.text == said
    assert q.speaker == "Teodor Vasse"


def test_quote_over_several_sentences_and_apostrophes():
    body = '"People brought bread. I won\'t forget it. Nobody will," said Armen Sahakyan.'
    q = only(quotes(body))
    assert q.text == "People brought bread. I won't forget it. Nobody will"


def test_quote_running_on_into_the_next_paragraph():
    body = (
        '"We asked for one thing," Marek Ilves said. "When it comes, we will accept it.\n\n'
        '"Until then, our soldiers will hold their positions."'
    )
    found = quotes(body)
    assert [q.text for q in found] == [
        "We asked for one thing",
        "When it comes, we will accept it",
        "Until then, our soldiers will hold their positions",
    ]
    assert {q.speaker for q in found} == {"Marek Ilves"}


def test_quote_after_the_next_sentence_keeps_the_speaker():
    body = '"The road is open," said Levan Gelovani. "Drive slowly."\n\nOthers disagreed.'
    assert {q.speaker for q in quotes(body)} == {"Levan Gelovani"}


# ---------------------------------------------------------------------------------------------
# Reported speech and claims: cues and spans


@pytest.mark.parametrize(
    ("words", "text", "kind"),
    [
        ("said the convoy would return.", "the convoy would return", "indirect"),
        ("said that the convoy had returned.", "the convoy had returned", "claim"),
        ("told reporters that the road would open.", "the road would open", "indirect"),
        ("told reporters in Kyiv the road would open.", "the road would open", "indirect"),
        ("added that fuel was short.", "fuel was short", "indirect"),
        ("stated that nobody would be forced out.", "nobody would be forced out", "indirect"),
        ("announced that the road had reopened.", "the road had reopened", "claim"),
        ("claimed that drones had been shot down.", "drones had been shot down", "claim"),
        ("warned that the truce would not last.", "the truce would not last", "indirect"),
        ("said in a statement that the depot was empty.", "the depot was empty", "indirect"),
    ],
)
def test_reported_speech_covers_what_was_said_without_speaker_or_verb(words, text, kind):
    q = only(quotes(f"Ines Calder {words}"))
    assert (q.text, q.kind, q.speaker) == (text, kind, "Ines Calder")


def test_according_to_before_and_after_the_claim():
    before = "According to Meridian Wire, a regional news agency, at least 40 families left."
    after = "At least 40 families left on Monday, according to the Associated Press."
    first, second = only(quotes(before)), only(quotes(after))
    assert (first.text, first.kind, first.speaker) == (
        "at least 40 families left",
        "claim",
        "Meridian Wire",
    )
    assert first.speaker_kind == "organisation"
    assert second.text == "At least 40 families left on Monday"
    assert (second.speaker, second.speaker_kind) == ("Associated Press", "organisation")


def test_attribution_after_the_claim():
    body = "Georgia reopened the border crossing on Monday, the Interior Ministry said."
    q = only(quotes(body))
    assert (q.text, q.speaker) == (
        "Georgia reopened the border crossing on Monday",
        "Interior Ministry",
    )


def test_time_phrase_after_a_comma_is_left_out():
    body = "The Defense Ministry announced the completion of its withdrawal, on Friday."
    q = only(quotes(body))
    assert q.text == "the completion of its withdrawal"


def test_and_that_gives_two_claims():
    body = "Gelovani said the tents were ready and that doctors had treated 30 people."
    assert [q.text for q in quotes(body)] == [
        "the tents were ready",
        "doctors had treated 30 people",
    ]


def test_reportedly_is_a_claim_without_a_speaker():
    body = "Residents of Ostrel reportedly spent the night in cellars."
    q = only(quotes(body))
    assert (q.text, q.kind, q.speaker, q.speaker_is_new) == (
        "spent the night in cellars",
        "claim",
        None,
        False,
    )


def test_unnamed_sources_give_no_speaker():
    q = only(quotes("Local officials said the water plant had been damaged."))
    assert (q.text, q.speaker) == ("the water plant had been damaged", None)


def test_one_word_quote_stays_inside_reported_speech():
    body = 'Kremlin spokesman Dmitry Peskov told reporters Kherson’s status was “fixed."'
    q = only(quotes(body))
    assert q.text.startswith("Kherson’s status was “fixed")
    assert (q.kind, q.speaker, q.speaker_role) == ("indirect", "Dmitry Peskov", "Kremlin spokesman")


def test_longer_quotation_inside_reported_speech_is_the_suggestion():
    body = 'The army said its forces had repelled an attack and that the city was "under control."'
    found = quotes(body)
    assert [(q.text, q.kind) for q in found] == [
        ("its forces had repelled an attack", "claim"),
        ("under control", "direct"),
    ]
    assert {q.speaker for q in found} == {"army"}


def test_denial_without_that_is_not_reported_speech():
    assert quotes("Anika Dorn denied the accusation.") == []
    assert quotes("Members argued about road repairs in the north.") == []


# ---------------------------------------------------------------------------------------------
# Speakers: titles, surnames, pronouns, organisations, known speakers


def test_title_and_role_are_split_from_the_name():
    body = "Kremlin spokesman Dmitry Peskov said talks were impossible."
    q = only(quotes(body))
    assert (q.speaker, q.speaker_role, q.speaker_kind) == (
        "Dmitry Peskov",
        "Kremlin spokesman",
        "person",
    )
    body = "President Volodymyr Zelensky said the city was free."
    assert only(quotes(body)).speaker_role == "President"
    body = "Chairman of the Joint Chiefs of Staff Gen. Mark Milley said talks were possible."
    q = only(quotes(body))
    assert (q.speaker, q.speaker_role) == ("Mark Milley", "Chairman of the Joint Chiefs of Staff")


def test_role_before_the_name_in_commas():
    body = "The governor of Tak province, Somchai Prasert, told reporters that shelters were full."
    q = only(quotes(body))
    assert (q.speaker, q.speaker_role) == ("Somchai Prasert", "governor of Tak province")


def test_appositive_after_the_name_is_the_role():
    body = "Serhiy Khlan, a deputy for Kherson Regional Council, said that a flag had been raised."
    q = only(quotes(body))
    assert (q.text, q.kind) == ("a flag had been raised", "claim")
    assert (q.speaker, q.speaker_kind) == ("Serhiy Khlan", "person")
    assert q.speaker_role == "deputy for Kherson Regional Council"


def test_stances_and_requests_are_reported_speech():
    body = "The US was concerned Kiev could lose support. Washington urged Kiev to drop the plan."
    found = quotes(body)
    assert [(q.text, q.speaker, q.speaker_kind) for q in found] == [
        ("Kiev could lose support", "US", "organisation"),
        ("Kiev to drop the plan", "Washington", "organisation"),
    ]


def test_later_references_by_surname_pronoun_and_role():
    body = (
        "Kremlin spokesman Dmitry Peskov said the status was fixed. "
        "Peskov said the decision was final. "
        "He added that nothing had changed. "
        "The Kremlin spokesman reaffirmed that talks were possible."
    )
    found = quotes(body)
    assert len(found) == 4
    assert {q.speaker for q in found} == {"Dmitry Peskov"}


def test_she_is_the_last_person_named():
    body = "Amal Idris said the camps were full. Omar Farouk nodded. She said the road was closed."
    first, second = quotes(body)
    assert first.speaker == "Amal Idris"
    assert second.speaker == "Omar Farouk"  # the last person named, whoever that is
    body = "Amal Idris said the camps were full. She said the road was closed."
    assert {q.speaker for q in quotes(body)} == {"Amal Idris"}


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("However, the Kremlin says the status has not changed.", "Kremlin"),
        (
            "The Russian Defense Ministry said the decision was made to protect troops.",
            "Russian Defense Ministry",
        ),
        ("According to the Associated Press, Russia controls the region.", "Associated Press"),
        ("Moscow announced it had annexed the region.", "Moscow"),
    ],
)
def test_organisations_speak(body, speaker):
    q = only(quotes(body))
    assert (q.speaker, q.speaker_kind) == (speaker, "organisation")


def test_short_forms_of_an_organisation_are_the_same_speaker():
    body = (
        "The Russian Defense Ministry said the withdrawal was complete. "
        "Russia’s Defense Ministry said the decision protected civilians. "
        "The ministry added that no troops were left."
    )
    assert {q.speaker for q in quotes(body)} == {"Russian Defense Ministry"}


def test_known_speakers_match_by_name_or_alias_case_insensitively():
    known = [
        KnownSpeaker("Dmitry Peskov", ("Peskov",), "person", "Kremlin spokesman"),
        KnownSpeaker("Associated Press", ("AP", "the Associated Press"), "organisation"),
    ]
    body = "PESKOV said talks were over. According to the associated press, troops left."
    found = quotes(body, known)
    assert [(q.speaker, q.speaker_is_new) for q in found] == [
        ("Dmitry Peskov", False),
        ("Associated Press", False),
    ]
    assert found[0].speaker_role == "Kremlin spokesman"


def test_a_speaker_named_later_in_the_paragraph():
    body = (
        "A spokeswoman for the relief committee said the numbers were higher. "
        '"Families sleep in the fields," said the spokeswoman, Naw Paw Htoo.'
    )
    assert {q.speaker for q in quotes(body)} == {"Naw Paw Htoo"}


def test_nothing_to_suggest():
    assert quotes("") == []
    assert quotes("The weather was mild and the market reopened.") == []
    assert places("") == []


# ---------------------------------------------------------------------------------------------
# Places

KYIV = KnownPlace("Kyiv", 50.4501, 30.5234, ("Kiev",), "city", "UA")
KHERSON = KnownPlace("Kherson", 46.6354, 32.6169, (), "city", "UA")
KHERSON_REGION = KnownPlace("Kherson Oblast", 46.65, 33.4, ("Kherson region",), "region", "UA")


def test_known_places_and_their_aliases():
    found = places("Officials in Kiev and Kyiv agreed.", [KYIV])
    assert [(p.text, p.place, p.is_new) for p in found] == [
        ("Kiev", "Kyiv", False),
        ("Kyiv", "Kyiv", False),
    ]


def test_known_places_match_whole_words_only():
    found = places(
        "Kievan chronicles and Kievs were mentioned, not the city.", [KYIV], gazetteer=None
    )
    assert found == []


def test_longest_known_name_wins():
    body = "Russia controls 70% of the Kherson region, and Kherson itself is free."
    found = places(body, [KHERSON, KHERSON_REGION], gazetteer=None)
    assert [(p.text, p.place) for p in found] == [
        ("Kherson region", "Kherson Oblast"),
        ("Kherson", "Kherson"),
    ]


def test_gazetteer_proposes_new_places_with_coordinates():
    found = places("Drones struck Odesa and Kharkiv overnight.")
    odesa, kharkiv = found
    assert (odesa.place, odesa.is_new, odesa.kind, odesa.country_code) == (
        "Odesa",
        True,
        "city",
        "UA",
    )
    assert abs(odesa.latitude - 46.48) < 0.2 and abs(odesa.longitude - 30.73) < 0.2
    assert kharkiv.place == "Kharkiv"


def test_gazetteer_knows_other_names_and_countries():
    found = places("Kiev is the capital of Ukraine; the US and the Russian Federation disagree.")
    assert [(p.text, p.place, p.kind) for p in found] == [
        ("Kiev", "Kyiv", "city"),
        ("Ukraine", "Ukraine", "country"),
        ("US", "United States", "country"),
        ("Russian Federation", "Russia", "country"),
    ]


@pytest.mark.parametrize(
    ("body", "country"),
    [
        ("Rival governments in Tripoli and Benghazi agreed to reopen the road across Libya.", "LY"),
        ("Shelling hit Tripoli in northern Lebanon, near the port.", "LB"),
    ],
)
def test_context_decides_between_places_of_one_name(body, country):
    tripoli = places(body)[0]
    assert (tripoli.text, tripoli.country_code) == ("Tripoli", country)


def test_adjectives_of_nationality_are_not_places():
    found = places("Russian and Ukrainian officials met Thai and Libyan diplomats.")
    assert found == []


def test_people_named_like_places_are_not_places():
    body = (
        "Analyst Carla Lima studies the region. Lima said trade depends on one road through Peru."
    )
    assert [p.text for p in places(body)] == ["Peru"]
    body = "Georgia Smith flew from Georgia to Paris."
    assert [(p.start, p.text) for p in places(body)] == [(24, "Georgia"), (35, "Paris")]


def test_region_named_after_its_capital():
    found = places("Russia annexed the Zaporizhzhia oblast and shelled the region of Kherson.")
    assert [(p.text, p.place, p.kind) for p in found] == [
        ("Russia", "Russia", "country"),
        ("Zaporizhzhia oblast", "Zaporizhzhia Oblast", "region"),
        ("Kherson", "Kherson Region", "region"),
    ]


def test_facility_named_after_a_town():
    dam = places("Kiev could blow up the Kakhovka dam.")[1]
    assert (dam.text, dam.place, dam.kind, dam.is_new) == (
        "Kakhovka dam",
        "Kakhovka Dam",
        "facility",
        True,
    )
    assert dam.note  # the coordinates are the town's


def test_rivers_and_regions_from_the_curated_list():
    found = places("Troops crossed the Dnieper River into the Donbas.")
    assert [(p.text, p.place, p.kind) for p in found] == [
        ("Dnieper River", "Dnieper", "river"),
        ("Donbas", "Donbas", "region"),
    ]


def test_a_place_named_before_is_the_city_or_the_regional_capital():
    body = (
        "Russia withdrew from the region of Kherson, including the provincial capital. "
        "Officials said the city was calm."
    )
    found = places(body)
    assert [(p.text, p.place) for p in found] == [
        ("Russia", "Russia"),
        ("Kherson", "Kherson Region"),
        ("provincial capital", "Kherson"),
        ("city", "Kherson"),
    ]


def test_appositive_names_the_place():
    found = places("In Yangon, the commercial capital, prices rose.")
    assert [(p.text, p.place) for p in found] == [
        ("Yangon", "Yangon"),
        ("commercial capital", "Yangon"),
    ]


def test_unknown_named_feature_is_placed_near_its_sentence():
    found = places("More than 3,000 people crossed the Moei River from the town of Myawaddy.")
    river = found[0]
    assert (river.text, river.kind, river.is_new) == ("Moei River", "river", True)
    assert "Myawaddy" in river.note


def test_gazetteer_can_be_replaced_or_switched_off():
    # a city of 150,000 in a country the article does not name is still taken
    tiny = gazetteer.Gazetteer([gazetteer.Entry("Velgrad", 41.2, -38.4, "city", "XX", 150_000)])
    found = places("Monitors in Velgrad and Kharkiv met.", gazetteer=tiny)
    assert [(p.text, p.place) for p in found] == [("Velgrad", "Velgrad")]
    assert places("Monitors in Kharkiv met.", gazetteer=None) == []


# ---------------------------------------------------------------------------------------------
# The gold set, the seed, and how good the suggestions are


def gold_files():
    return sorted(GOLD.glob("*.json"))


def test_gold_set_has_enough_articles_and_every_case():
    files = gold_files()
    assert len(files) >= 5
    data = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    kinds = {q["kind"] for d in data for q in d["quotes"]}
    assert kinds == {"direct", "indirect", "claim"}
    assert any(d["known_speakers"] for d in data) and any(d["known_places"] for d in data)


@pytest.mark.parametrize("path", gold_files(), ids=lambda p: p.stem)
def test_gold_file_loads_and_its_offsets_fit_the_body(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    body = parse((GOLD / data["source"]).read_bytes()).body
    speakers = {s["name"] for s in data["speakers"]}
    place_names = {p["name"] for p in data["places"]}
    for span in data["quotes"] + data["place_mentions"]:
        assert 0 <= span["start"] < span["end"] <= len(body)
        assert body[span["start"] : span["end"]] == span["text"], span
        assert span["text"] == span["text"].strip()
    for q in data["quotes"]:
        assert q["kind"] in {"direct", "indirect", "claim"}
        assert q["speaker"] is None or q["speaker"] in speakers
    for m in data["place_mentions"]:
        assert m["place"] in place_names
    for spans in (data["quotes"], data["place_mentions"]):
        for first, second in pairwise(sorted(spans, key=lambda s: s["start"])):
            assert first["end"] <= second["start"], (first, second)


def bodies():
    out = [parse(SEED_TEXT.read_bytes()).body]
    out += [parse(p.read_bytes()).body for p in sorted(GOLD.glob("*.txt"))]
    return out


def test_every_suggestion_is_exactly_the_body_at_its_offsets():
    for body in bodies():
        found_q, found_p = quotes(body), places(body)
        for found in (found_q, found_p):
            assert found == sorted(found, key=lambda s: s.start)
            for s in found:
                assert 0 <= s.start < s.end <= len(body)
                assert s.text == body[s.start : s.end] == s.text.strip()
            for first, second in pairwise(found):
                assert first.end <= second.start


def test_hostile_text_is_handled():
    for body in ['<script>"x"</script> said: “', "\u200b said that \u00a0", '"""""', "“”‘’"]:
        quotes(body)
        places(body)


# The figures bench/quality.py printed when these floors were set; a change may raise them.
# GOLD_FLOOR holds for the articles 01-09 (01-06 tuned on, and 07-09 after their first-sight run);
# WIRE_FLOOR for the wire-copy articles 10-21: their first-sight figures (bench/README.md) were
# the floor until issue #13's quote and place rules were fixed for them; the floors are now those
# tuned figures. LATER_WIRE_FLOOR for 22-31 likewise: their first-sight figures were the floor
# until the place rules were fixed for their misses (bench/README.md keeps that run); now the
# tuned figures. LATEST_WIRE_FLOOR for 32-41 likewise: their first-sight figures (quotes P 0.985,
# R 0.864, attribution 0.838, places P 0.858, R 0.725) were the floor until issue #13's quote,
# attribution and place rules were fixed for their misses; now the tuned figures.
# NEWEST_WIRE_FLOOR for 42-53 likewise: written by someone who had not seen the rules, their
# first-sight figures (quotes P 0.984, R 0.934, attribution 0.785, places P 0.857, R 0.678) were
# the floor until issue #13's attribution and place rules were fixed for their misses; now the
# tuned figures. LATEST_HELD_OUT_FLOOR for 54-65 likewise: written by someone who had not seen
# the rules and scored once after 42-53's fixes, their first-sight figures (quotes P 0.977,
# R 0.900, attribution 0.851, places P 0.923, R 0.672) were the floor until issue #13's
# attribution and place rules were fixed for their misses; now the tuned figures.
# NEWEST_HELD_OUT_FLOOR for 66-77 likewise: written by someone who had not seen the rules while
# 54-65's fixes were made and scored once after them, their first-sight figures (quotes P 0.974,
# R 0.935, attribution 0.855, places P 0.828, R 0.636) were the floor until issue #13's quote,
# attribution and place rules were fixed for their misses; now the tuned figures.
# WIRE_78_89_FLOOR for 78-89 likewise: written by writers who had not seen the rules while
# 66-77's fixes were made and scored once after them, their first-sight figures (quotes P 0.996,
# R 0.948, attribution 0.822, places P 0.852, R 0.646) were the floor until issue #13's
# attribution and place rules were fixed for their misses; now the tuned figures.
# WIRE_90_101_FLOOR for 90-101 likewise: written while 78-89's fixes were made and scored once
# after them, their first-sight figures (quotes P 0.992, R 0.942, attribution 0.873, places
# P 0.874, R 0.715) were the floor until issue #13's attribution and place rules were fixed for
# their misses; now the tuned figures.
# FIRST_SIGHT_FLOOR for 102-113 (quality.UNTUNED): written by writers who had not seen the rules
# while 90-101's fixes were made, scored once after them: their first-sight figures.
GOLD_FLOOR = {
    "quote_precision": 1.0,
    "quote_recall": 1.0,
    "attribution": 1.0,
    "place_precision": 0.99,
    "place_recall": 0.98,
}
WIRE_FLOOR = {
    "quote_precision": 1.0,
    "quote_recall": 0.971,  # 0.967 before 66-77's fixes, 0.947 before 32-41's
    "attribution": 0.966,  # 0.957 before
    "place_precision": 0.921,  # 0.942 before 22-31's place fixes: see bench/README.md
    "place_recall": 0.788,
}
LATER_WIRE_FLOOR = {
    "quote_precision": 0.995,
    "quote_recall": 0.963,  # 0.947 before the fixes for 78-89, 0.926 before 32-41's
    "attribution": 0.962,  # 0.94 before 90-101's, 0.922 before 78-89's, 0.916 before 32-41's
    "place_precision": 0.93,  # 0.926 before 78-89's place fixes
    "place_recall": 0.876,  # 0.872 before
}
LATEST_WIRE_FLOOR = {  # the bundled fixture gazetteer, as every floor here
    "quote_precision": 0.995,  # 0.99 before 66-77's fixes
    "quote_recall": 0.936,  # 0.932 before the fixes for 78-89
    # 0.981 before the fixes for 90-101, 0.972 before 78-89's, 0.967 before 66-77's, 0.958
    # before 54-65's, 0.954 before 42-53's
    "attribution": 0.986,
    "place_precision": 0.884,  # 0.882 before the place fixes for 90-101
    "place_recall": 0.772,  # 0.76 before the place fixes for 90-101, 0.756 before
}
NEWEST_WIRE_FLOOR = {  # 42-53, tuned (their first sight: bench/README.md)
    "quote_precision": 0.984,
    "quote_recall": 0.934,
    # 0.937 before the fixes for 78-89, 0.925 before 66-77's, 0.921 before 54-65's
    "attribution": 0.945,
    "place_precision": 0.872,  # 0.866 before 66-77's fixes
    "place_recall": 0.705,  # 0.702 before 78-89's place fixes
}
LATEST_HELD_OUT_FLOOR = {  # 54-65, tuned (their first sight: bench/README.md)
    "quote_precision": 0.976,
    "quote_recall": 0.909,  # 0.904 before the fixes for 78-89
    "attribution": 0.961,  # 0.946 before the fixes for 78-89
    "place_precision": 0.94,  # 0.934 before 78-89's place fixes, 0.923 before 66-77's
    "place_recall": 0.714,  # 0.696 before 78-89's place fixes, 0.678 before 66-77's
}
NEWEST_HELD_OUT_FLOOR = {  # 66-77, tuned (their first sight: bench/README.md)
    "quote_precision": 1.0,
    "quote_recall": 0.984,  # 0.974 before the fixes for 78-89
    "attribution": 0.964,  # 0.959 before the fixes for 90-101
    "place_precision": 0.9,  # 0.896 before 78-89's place fixes, 0.851 before 66-77's nouns
    "place_recall": 0.736,  # 0.709 before 78-89's place fixes, 0.643 before 66-77's nouns
}
WIRE_78_89_FLOOR = {  # 78-89, tuned (their first sight: bench/README.md)
    "quote_precision": 1.0,  # first sight 0.996
    "quote_recall": 0.975,  # first sight 0.948
    "attribution": 0.943,  # first sight 0.822
    "place_precision": 0.926,  # first sight 0.852
    "place_recall": 0.796,  # first sight 0.646
}
WIRE_90_101_FLOOR = {  # 90-101, tuned (their first sight: bench/README.md)
    "quote_precision": 0.992,
    "quote_recall": 0.942,
    "attribution": 0.93,  # 0.873 on first sight, before the attribution fixes for 90-101
    "place_precision": 0.908,  # 0.873 on first sight, before the place fixes for 90-101
    "place_recall": 0.785,  # 0.714 on first sight
}
FIRST_SIGHT_FLOOR = {  # 102-113, untuned: their first sight (bench/README.md)
    "quote_precision": 0.972,
    "quote_recall": 0.979,
    "attribution": 0.901,
    "place_precision": 0.81,
    "place_recall": 0.691,
}
SEED_FLOOR = {
    "quote_precision": 1.0,
    "quote_recall": 0.925,
    "attribution": 1.0,
    "place_precision": 1.0,
    "place_recall": 1.0,
}


def gold_batch(quality, first: int, last: int):
    articles = [a for a in quality.load_gold() if first <= a.number <= last]
    assert len(articles) == last - first + 1
    return articles


# (first, last article, floor, whether the batch is untuned: None where it is not asked)
BATCH_FLOORS = {
    "01-09": (1, 9, GOLD_FLOOR, None),
    "10-21": (10, 21, WIRE_FLOOR, None),
    "22-31": (22, 31, LATER_WIRE_FLOOR, False),  # tuned on since issue #13's place fixes
    "32-41": (32, 41, LATEST_WIRE_FLOOR, False),  # tuned on since issue #13's fixes for 32-41
    "42-53": (42, 53, NEWEST_WIRE_FLOOR, False),  # tuned on since issue #13's fixes for 42-53
    "54-65": (54, 65, LATEST_HELD_OUT_FLOOR, False),  # tuned on since issue #13's fixes for 54-65
    "66-77": (66, 77, NEWEST_HELD_OUT_FLOOR, False),  # tuned on since issue #13's fixes for 66-77
    "78-89": (78, 89, WIRE_78_89_FLOOR, False),  # tuned on since issue #13's fixes for 78-89
    "90-101": (90, 101, WIRE_90_101_FLOOR, False),  # tuned on since issue #13's fixes for 90-101
    "102-113": (102, 113, FIRST_SIGHT_FLOOR, True),  # no rule changed for them since first sight
}


@pytest.mark.parametrize("batch", BATCH_FLOORS.values(), ids=BATCH_FLOORS.keys())
def test_quality_on_each_batch_does_not_fall_below_its_floor(batch):
    first, last, floors, untuned = batch
    quality = load_quality()
    articles = gold_batch(quality, first, last)
    if untuned is not None:
        assert all(a.untuned == untuned for a in articles)
    result = quality.score(articles)
    for name, floor in floors.items():
        assert result[name] >= floor, (name, result[name], result["problems"])


def test_quality_on_the_seed_does_not_regress():
    quality = load_quality()
    result = quality.score([quality.load_seed()])
    for name, floor in SEED_FLOOR.items():
        assert result[name] >= floor, (name, result[name], result["problems"])
