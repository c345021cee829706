"""The database's gazetteer cut to one article (``articles.geonames.article``): the names an
article may use, one query for them, and the in-memory ``Gazetteer`` the suggester takes. On
small files in GeoNames' format, loaded by ``load_gazetteer`` (the bundle itself:
test_gazetteer_bundle.py)."""

from __future__ import annotations

import pytest

from articles.geonames import article, files, fold, load
from articles.suggest import suggest_places
from tests.test_gazetteer_load import (
    ADMIN1,
    COUNTRY_INFO,
    DONETSK,
    KYIV,
    VILLAGE,
    place_line,
    run,
    write_zip,
)


@pytest.fixture(autouse=True)
def _fresh_context():
    article.forget()
    yield
    article.forget()


def test_candidate_names_are_the_runs_from_a_capitalised_word_as_the_suggester_reads_them():
    body = (
        "Shelling hit Kharkiv’s outskirts and Rostov-on-Don. In the Sea of Azov,\n"
        "U.S. ships waited; Bosnia and Herzegovina sent aid. Kyïv's mayor spoke of Bab el-Mandeb"
        " and the Cabo Delgado province."
    )
    names = article.candidate_names(body)
    # folded keys, each with the forms of the text
    assert names["kharkiv"] == {"Kharkiv"}  # the possessive off
    # a name ends with a capitalised word ("el-Mandeb" has one) or a word like "province"
    assert "bab el-mandeb" in names and "cabo delgado province" in names
    assert fold("Kharkiv’s outskirts") not in names and "bosnia and herzegovina sent" not in names
    assert "rostov-on-don" in names
    assert names["sea of azov"] == {"Sea of Azov"}
    assert "u.s." in names
    assert "bosnia and herzegovina" in names
    assert names["kyiv"] == {"Kyïv"}  # "Kyïv" folds to the key of "Kyiv"
    # no run crosses punctuation, and none starts with a small letter
    assert "azov u.s." not in names and "azov, u.s." not in names
    assert "shelling hit kharkiv" in names  # a run may start with any capitalised word
    assert not any(key.startswith(("outskirts", "hit ", "and ", "ships")) for key in names)
    assert "in the sea of azov" in names  # "In" is capitalised: a run starts there too


def test_candidate_names_stop_at_eight_words():
    body = " ".join(f"Word{n}x" for n in range(12))
    names = article.candidate_names(body)
    assert max(len(key.split()) for key in names) == article.MAX_WORDS


@pytest.mark.parametrize(
    ("feature_class", "code", "kind"),
    [
        ("P", "PPLC", "city"),
        ("A", "PCLI", "country"),
        ("A", "ADM1", "region"),
        ("H", "STM", "river"),
        ("H", "LK", "lake"),
        ("H", "SEA", "sea"),
        ("H", "STRT", "sea"),
        ("L", "RGN", "region"),
        ("T", "PEN", "region"),
    ],
)
def test_kinds_of_features(feature_class, code, kind):
    assert article.kind_of(feature_class, code) == kind


REGION = place_line(
    709716, "Donetsk Oblast", "Donetsk region", "48.0", "37.75", "ADM1", "UA", "05", "4100000"
)
COUNTRY = place_line(
    690791, "Ukraine", "Ukrayina,Ukraina", "49.0", "32.0", "PCLI", "UA", "00", "44622516"
)
CREEK = place_line(7000001, "Donetsk", "", "48.1", "37.9", "STM", "UA", "05", "0")
CREEK = CREEK.replace("\tP\tSTM", "\tH\tSTM")  # a stream, class H
HAMLET = place_line(7000002, "Hlyboke", "Kharkiv", "49.9", "36.0", "PPL", "UA", "07", "300")
POLICE = place_line(3088848, "Police", "", "53.55", "14.57", "PPL", "PL", "86", "33000")


@pytest.fixture
def loaded(db, tmp_path):
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text(ADMIN1, encoding="utf-8")
    countries = tmp_path / "countryInfo.txt"
    countries.write_text(COUNTRY_INFO, encoding="utf-8")
    lines = [KYIV, DONETSK, VILLAGE, REGION, COUNTRY, CREEK, HAMLET, POLICE]
    run(write_zip(tmp_path / "cities500.zip", lines), admin1, countries)


def test_an_articles_gazetteer_holds_what_it_names(loaded):
    gaz = article.gazetteer_for("Shelling hit Donetsk and the Donetsk region, Ukraine, again.")

    donetsk = gaz.lookup("Donetsk")
    assert [(e.name, e.kind) for e in donetsk] == [("Donetsk", "city")]  # not the creek
    assert gaz.lookup("Donetsk region")[0].name == "Donetsk Oblast"
    assert gaz.lookup("Donetsk region")[0].kind == "region"
    assert gaz.lookup("Ukraine")[0].kind == "country"
    assert gaz.region_of(donetsk[0]) == (48.0, 37.75, "Donetsk Oblast")  # the ADM1 entry
    assert gaz.neighbours["UA"] == ("PL", "MD", "HU", "SK", "BY", "RO", "RU")
    assert gaz.demonym_codes["ukrainian"] == "UA"  # the bundle's demonyms.txt
    # each country's capital, named or not
    assert gaz.capital_of("UA").name == "Kyiv"
    assert "Kyiv" in gaz and "Lodz" not in gaz


def test_an_articles_gazetteer_is_one_query_once_the_context_is_read(
    loaded, django_assert_num_queries
):
    body = "Kyiv and Donetsk. " * 200 + "Ukraine."
    with django_assert_num_queries(3):
        article.context()
    with django_assert_num_queries(1):
        gaz = article.gazetteer_for(body)
    assert {e.name for e in gaz.entries} >= {"Kyiv", "Donetsk", "Ukraine"}


def test_small_places_by_their_own_names_only_and_no_towns_called_like_words(loaded):
    # Hlyboke (300 people) has "Kharkiv" among its other names: it is not Kharkiv
    gaz = article.gazetteer_for("Hlyboke, near Kharkiv, and the Police said so.")
    assert gaz.lookup("Hlyboke")[0].name == "Hlyboke"
    assert gaz.lookup("Kharkiv") == []
    assert gaz.lookup("Police") == []  # the town in Poland is not "the Police"


def test_the_suggester_takes_an_articles_gazetteer(loaded):
    body = "Shelling hit Donetsk overnight, officials in Kyïv said."
    found = suggest_places(body, (), gazetteer=article.gazetteer_for(body))
    assert [(p.text, p.place, p.kind) for p in found] == [
        ("Donetsk", "Donetsk", "city"),
        ("Kyïv", "Kyiv", "city"),
    ]


def test_an_empty_gazetteer_gives_no_places(db):
    body = "Shelling hit Donetsk overnight."
    gaz = article.gazetteer_for(body)
    assert gaz.entries == () and suggest_places(body, (), gazetteer=gaz) == []


def test_the_context_is_read_again_until_a_gazetteer_is_loaded(db, tmp_path):
    assert article.context().capitals == {}  # nothing loaded: not kept
    countries = tmp_path / "countryInfo.txt"
    countries.write_text(COUNTRY_INFO, encoding="utf-8")
    load.load(files.source(countries))  # as another process would: no forget() here
    assert article.context().capitals == {"UA": "Kyiv", "PL": "Warsaw"}
