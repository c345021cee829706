"""``manage.py load_gazetteer`` on small files in GeoNames' exact format (written here: tabs, 19
columns, a zip of one, ``admin1CodesASCII.txt``, ``countryInfo.txt`` with its comment header,
``alternateNamesV2.txt``), and ``articles.geonames.lookup`` on what it loaded."""

from __future__ import annotations

import datetime
import os
import random
import re
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.geonames import Candidate, fold, load, lookup
from articles.models import GazetteerCountry, GazetteerEntry, GazetteerName, GazetteerRegion

pytestmark = pytest.mark.django_db


def place_line(
    geonameid: int,
    name: str,
    alternates: str,
    lat: str,
    lon: str,
    code: str,
    country: str,
    admin1: str,
    population: str,
    ascii_name: str | None = None,
    modified: str = "2024-05-12",
) -> str:
    """A line of ``cities500.txt``: GeoNames' 19 columns."""
    feature_class = "A" if code.startswith(("ADM", "PCL")) else "P"
    return "\t".join(
        [
            str(geonameid),
            name,
            ascii_name if ascii_name is not None else name,
            alternates,
            lat,
            lon,
            feature_class,
            code,
            country,
            "",  # cc2
            admin1,
            "",  # admin2
            "",  # admin3
            "",  # admin4
            population,
            "",  # elevation
            "179",  # dem
            "Europe/Kyiv",
            modified,
        ]
    )


KYIV = place_line(
    703448,
    "Kyiv",
    "Kiev,Kiew,Kyïv,Київ,KYIV",
    "50.45466",
    "30.5238",
    "PPLC",
    "UA",
    "12",
    "2797553",
)
DONETSK = place_line(
    709717, "Donetsk", "Donezk,Donec'k", "48.023", "37.80224", "PPLA", "UA", "05", "929063"
)
# A village of the same name: a second, smaller candidate for "Kyiv".
VILLAGE = place_line(
    9000001, "Kyiv", "", "48.9", "24.7", "PPL", "UA", "09", "120", modified="2020-01-02"
)
LODZ = place_line(
    3093133, "Łódź", "Lodz,Lodsch", "51.75", "19.46667", "PPLA", "PL", "74", "768755", "Lodz"
)
SANAA = place_line(
    71137, "Sanaa", "Sana’a,Sana'a,صنعاء", "15.35472", "44.20667", "PPLC", "YE", "", "1937451"
)
PLACES = [KYIV, DONETSK, VILLAGE, LODZ, SANAA]

ADMIN1 = "UA.12\tKyiv City\tKyiv City\t703447\nUA.05\tDonetsk Oblast\tDonetsk Oblast\t709716\n"
ADMIN1 += "UA.09\tIvano-Frankivsk Oblast\tIvano-Frankivsk Oblast\t707470\nPL.74\tŁódź Voivodeship\t"
ADMIN1 += "Lodz Voivodeship\t3337493\n"
COUNTRY_INFO = (
    "# GeoNames.org Country Information\n"
    "# ================================\n"
    "#\n"
    "# CountryCodes:\n"
    "# ============\n"
    "#\n"
    "#ISO\tISO3\tISO-Numeric\tfips\tCountry\tCapital\tArea(in sq km)\tPopulation\tContinent\ttld"
    "\tCurrencyCode\tCurrencyName\tPhone\tPostal Code Format\tPostal Code Regex\tLanguages"
    "\tgeonameid\tneighbours\tEquivalentFipsCode\n"
    "UA\tUKR\t804\tUP\tUkraine\tKyiv\t603700\t44622516\tEU\t.ua\tUAH\tHryvnia\t380\t#####"
    "\t^(\\d{5})$\tuk,ru-UA,rom,pl,hu\t690791\tPL,MD,HU,SK,BY,RO,RU\t\n"
    "PL\tPOL\t616\tPL\tPoland\tWarsaw\t312685\t37978548\tEU\t.pl\tPLN\tZloty\t48\t##-###"
    "\t^\\d{2}-\\d{3}$\tpl\t798544\tDE,LT,SK,CZ,BY,UA,RU\t\n"
)
ALTERNATE_NAMES = [
    # alternateNameId, geonameid, isolanguage, name, preferred, short, colloquial, historic,
    # from, to
    "1001\t703448\tuk\tКиїв\t1\t\t\t\t\t",
    "1002\t703448\tlink\thttps://en.wikipedia.org/wiki/Kyiv\t\t\t\t\t\t",
    "1003\t703448\ten\tKiev\t\t\t\t1\t\t2022",
    "1004\t99999999\ten\tNowhere\t\t\t\t\t\t",  # of a place not loaded
    "1005\t709717\tru\tДонецк\t\t\t\t\t\t",
]


def write_zip(path: Path, lines: list[str], member: str | None = None, readme: bool = True):
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member or f"{path.stem}.txt", "".join(f"{line}\n" for line in lines))
        if readme:
            archive.writestr("readme.txt", "Readme for GeoNames Gazetteer extract files\n")
    return path


@pytest.fixture
def dumps(tmp_path) -> dict[str, Path]:
    """The four files, as GeoNames publishes them."""
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text(ADMIN1, encoding="utf-8")
    countries = tmp_path / "countryInfo.txt"
    countries.write_text(COUNTRY_INFO, encoding="utf-8")
    alternates = tmp_path / "alternateNamesV2.txt"
    alternates.write_text("".join(f"{line}\n" for line in ALTERNATE_NAMES), encoding="utf-8")
    return {
        "places": write_zip(tmp_path / "cities500.zip", PLACES),
        "admin1": admin1,
        "countries": countries,
        "alternates": alternates,
    }


def run(*paths, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_gazetteer", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def everything() -> dict[str, list[tuple]]:
    """Every row of the gazetteer, every column, in key order."""
    return {
        model.__name__: list(model.objects.order_by("pk").values_list())
        for model in (GazetteerEntry, GazetteerName, GazetteerRegion, GazetteerCountry)
    }


def names_of(entry_id: int) -> set[tuple]:
    return set(
        GazetteerName.objects.filter(entry_id=entry_id).values_list(
            "name", "language", "is_preferred", "is_historic", "alternate_name_id"
        )
    )


def test_the_files_as_downloaded_are_loaded_in_their_order_whatever_the_order_given(dumps):
    out, err = run(dumps["alternates"], dumps["places"], dumps["admin1"], dumps["countries"])

    kyiv = GazetteerEntry.objects.get(pk=703448)
    assert (kyiv.name, kyiv.ascii_name, kyiv.feature_class, kyiv.feature_code) == (
        "Kyiv",
        "Kyiv",
        "P",
        "PPLC",
    )
    assert (kyiv.country_code, kyiv.admin1_code, kyiv.region_id) == ("UA", "12", "UA.12")
    assert (kyiv.population, kyiv.latitude, kyiv.longitude) == (2797553, 50.45466, 30.5238)
    assert kyiv.modified == datetime.date(2024, 5, 12)
    assert kyiv.region.name == "Kyiv City"
    assert GazetteerEntry.objects.count() == len(PLACES)
    assert GazetteerEntry.objects.get(pk=71137).region_id is None  # no admin1 code

    # Its own line's names (one a folded form), then alternateNamesV2's with their language
    # and flags; not the link, nor the name of a place not loaded.
    assert names_of(703448) == {
        ("Kyiv", "", False, False, None),
        ("Kiew", "", False, False, None),
        ("Kiev", "", False, False, None),
        ("Київ", "", False, False, None),
        ("Київ", "uk", True, False, 1001),
        ("Kiev", "en", False, True, 1003),
    }
    assert not GazetteerName.objects.filter(name__in=["Nowhere"]).exists()
    assert not GazetteerName.objects.filter(alternate_name_id=1002).exists()
    assert set(GazetteerName.objects.values_list("folded", flat=True)) >= {"kyiv", "kiev", "lodz"}

    ukraine = GazetteerCountry.objects.get(pk="UA")
    assert (ukraine.name, ukraine.capital, ukraine.iso3, ukraine.population) == (
        "Ukraine",
        "Kyiv",
        "UKR",
        44622516,
    )
    assert ukraine.neighbours == ["PL", "MD", "HU", "SK", "BY", "RO", "RU"]
    assert ukraine.languages == ["uk", "ru-UA", "rom", "pl", "hu"]
    assert (ukraine.geonames_id, ukraine.area, ukraine.postal_code_regex) == (
        690791,
        603700.0,
        r"^(\d{5})$",
    )
    assert GazetteerCountry.objects.count() == 2
    lodz_region = GazetteerRegion.objects.get(pk="PL.74")
    assert (lodz_region.country_code, lodz_region.code, lodz_region.name) == (
        "PL",
        "74",
        "Łódź Voivodeship",
    )
    assert (lodz_region.ascii_name, lodz_region.geonames_id) == ("Lodz Voivodeship", 3337493)

    lines = out.splitlines()
    assert lines[0] == f"{dumps['countries']}: 2 countries (2 new)"
    assert lines[1] == f"{dumps['admin1']}: 4 first-level regions (4 new)"
    assert lines[2].startswith(f"{dumps['places']} (cities500.txt): 5 places (5 new), ")
    assert lines[3].startswith(f"{dumps['alternates']}: 3 alternate names (3 new); 2 skipped")
    assert "CC BY 4.0" in out and "GeoNames" in out
    assert err == ""  # small files: no progress bar unless asked


def test_loading_the_same_files_again_changes_nothing(dumps):
    files = list(dumps.values())
    run(*files)
    before = everything()

    out, _ = run(*files)

    assert everything() == before  # the same rows, ids included
    assert f"{dumps['places']} (cities500.txt): 5 places (0 new), 0 of their names" in out
    assert "3 alternate names (0 new)" in out


def test_a_newer_file_updates_entries_and_their_names_and_removes_nothing_else(tmp_path, dumps):
    run(*dumps.values())
    kiew = GazetteerName.objects.get(entry_id=703448, name="Kiew", alternate_name_id=None).pk
    newer = place_line(
        703448,
        "Kyiv",
        "Kiev,Kyjiw,Kyïv,Київ",  # "Kiew" gone, "Kyjiw" new
        "50.4547",
        "30.5238",
        "PPLC",
        "UA",
        "12",
        "2952301",
        modified="2025-01-01",
    )
    newer_alternate = "1003\t703448\ten\tKiev\t\t\t\t0\t\t"  # no longer historic

    alternates = tmp_path / "newer" / "alternateNamesV2.txt"
    alternates.parent.mkdir(exist_ok=True)
    alternates.write_text(newer_alternate + "\n", encoding="utf-8")
    run(write_zip(tmp_path / "newer" / "UA.zip", [newer, VILLAGE]), alternates)

    kyiv = GazetteerEntry.objects.get(pk=703448)
    assert (kyiv.population, kyiv.latitude, kyiv.modified) == (
        2952301,
        50.4547,
        datetime.date(2025, 1, 1),
    )
    assert lookup(["Kiew"]) == {"kiew": []}
    assert [c.id for c in lookup(["Kyjiw"])["kyjiw"]] == [703448]
    assert ("Kiev", "en", False, False, 1003) in names_of(703448)
    # "Kyïv" folds as "kyiv", like "Kyiv": the entry's own name comes first and is the one kept
    assert not GazetteerName.objects.filter(entry_id=703448, name="Kyïv").exists()
    assert not GazetteerName.objects.filter(pk=kiew).exists()  # "Kiew": gone
    assert GazetteerEntry.objects.count() == len(PLACES)  # the file lacks them; still there
    assert GazetteerName.objects.filter(alternate_name_id=1001).exists()


def test_the_names_a_line_keeps_keep_their_rows(dumps):
    run(dumps["places"])
    ids = dict(GazetteerName.objects.filter(entry_id=709717).values_list("name", "pk"))
    run(dumps["places"])
    assert dict(GazetteerName.objects.filter(entry_id=709717).values_list("name", "pk")) == ids


BAD_LINES = [
    (KYIV.rsplit("\t", 1)[0], "expected 19 tab-separated columns, found 18"),
    (KYIV.replace("2797553", "lots"), "population: 'lots' is not a whole number"),
    (KYIV.replace("50.45466", "north"), "latitude: 'north' is not a number"),
    (KYIV.replace("30.5238", "200.5"), "longitude: '200.5' is not between -180 and 180"),
    (KYIV.replace("703448", "x703448", 1), "geonameid: 'x703448' is not a whole number"),
    (KYIV.replace("2024-05-12", "12/05/2024"), "modification date: '12/05/2024' is not a date"),
]


@pytest.mark.parametrize(
    ("line", "problem"), BAD_LINES, ids=[p.split(":")[0] for _, p in BAD_LINES]
)
def test_a_bad_line_is_one_line_naming_the_file_and_line_and_nothing_of_the_file_stays(
    tmp_path, dumps, monkeypatch, line, problem
):
    monkeypatch.setattr(load, "BATCH", 1)  # the lines before it are written before it fails
    run(dumps["admin1"])
    bad = write_zip(tmp_path / "bad" / "cities500.zip", [DONETSK, LODZ, line, SANAA])

    with pytest.raises(CommandError) as raised:
        run(dumps["countries"], bad)

    message = str(raised.value)
    assert message.startswith(f"{bad} (cities500.txt): line 3: {problem}")
    assert message.endswith(
        f"(nothing of this file was loaded; loaded before it: {dumps['countries']})"
    )
    assert "\n" not in message
    assert raised.value.returncode == 1
    assert not GazetteerEntry.objects.exists()
    assert not GazetteerName.objects.exists()
    assert GazetteerCountry.objects.count() == 2  # the file before it stays loaded
    assert GazetteerRegion.objects.count() == 4


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("admin1CodesASCII.txt", b"UA.12\tKyiv City\tKyiv City\n", "line 1: expected 4 "),
        ("admin1CodesASCII.txt", b"UA12\tKyiv\tKyiv\t1\n", "line 1: code: 'UA12' is not"),
        (
            "countryInfo.txt",
            COUNTRY_INFO.replace("44622516", "many").encode(),
            "line 8: Population: 'many' is not a whole number",
        ),
        ("alternateNamesV2.txt", b"1\t7\ten\tKiev\tyes\t\t\t\t\t\n", "line 1: isPreferredName"),
        ("alternateNamesV2.txt", b"1\t7\ten\tKiev\t\t\t\t\t\t\t\n", "expected 8 or 10 "),
        ("cities500.txt", "\n".join([*PLACES[:2], ""]).encode() + b"\xff\n", "line 3: not UTF-8"),
    ],
)
def test_bad_lines_of_every_kind_of_file(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=f"^{re.escape(str(path))}: ") as raised:
        run(path)
    assert problem in str(raised.value)
    assert "\n" not in str(raised.value)


def test_what_is_no_gazetteer_file_is_refused_before_anything_is_loaded(tmp_path, dumps):
    notes = tmp_path / "notes.txt"
    notes.write_text("Kyiv\tthe capital\n", encoding="utf-8")
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.txt", KYIV)
        archive.writestr("b.txt", DONETSK)
    for path, problem in [
        (notes, "not a GeoNames file this loads"),
        (tmp_path / "missing.zip", "no such file"),
        (two, "a GeoNames zip holds one .txt file of data; this holds 2 (a.txt, b.txt)"),
        (tmp_path, "not a regular file"),
    ]:
        with pytest.raises(CommandError, match=f"^{re.escape(str(path))}: ") as raised:
            run(dumps["countries"], path)
        assert problem in str(raised.value)
    assert not GazetteerCountry.objects.exists()  # checked before anything was loaded


def test_the_bare_txt_and_a_zip_named_otherwise_load_alike(tmp_path):
    bare = tmp_path / "UA.txt"
    bare.write_text("".join(f"{line}\n" for line in PLACES), encoding="utf-8")
    run(bare)
    first = everything()
    GazetteerEntry.objects.all().delete()
    run(write_zip(tmp_path / "download.zip", PLACES, member="allCountries.txt"))
    assert everything()["GazetteerEntry"] == first["GazetteerEntry"]


def test_a_progress_bar_on_stderr_when_asked_or_for_big_files(dumps):
    _, err = run(dumps["places"], progress=True)
    assert f"{dumps['places']} (cities500.txt) [" in err
    assert "kB 100%" in err
    _, err = run(dumps["places"], progress=False)
    assert err == ""


def test_the_command_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    bad = tmp_path / "cities500.txt"
    bad.write_text("703448\tKyiv\tKyiv\n", encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "load_gazetteer", str(bad)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"CommandError: {bad}: not a GeoNames file this loads (its places: allCountries, "
        "cities500, a country's XX, as .zip or .txt; admin1CodesASCII.txt; countryInfo.txt; "
        "alternateNamesV2); its first line has 3 tab-separated columns"
    ]


# --- lookup --------------------------------------------------------------------------------


def test_fold_takes_case_accents_and_punctuation_out():
    assert fold("Kyïv") == fold("KYIV") == fold("kyiv") == "kyiv"
    assert fold("Łódź") == "lodz"
    assert fold("Sana’a") == fold("Sana'a") == "sana'a"
    assert fold("  Khan \t Younis ") == "khan younis"
    assert fold("Straße") == "strasse"
    assert fold("Ivano‑Frankivsk") == fold("Ivano–Frankivsk") == "ivano-frankivsk"
    assert fold("Київ") == "\u043a\u0438\u0456\u0432"  # "киів": the і without its diaeresis
    assert fold("") == ""


def test_lookup_by_any_name_folded_most_populous_first(dumps):
    run(*dumps.values())
    kyiv = Candidate(
        703448, "Kyiv", "P", "PPLC", "UA", "Kyiv City", 2797553, 50.45466, 30.5238, "UA.12"
    )
    village = Candidate(
        9000001, "Kyiv", "P", "PPL", "UA", "Ivano-Frankivsk Oblast", 120, 48.9, 24.7, "UA.09"
    )

    found = lookup(["kyiv", "Kiev", "KYIV", "Kyïv", "ŁÓDŹ", "Sana’a", "Київ", "Atlantis", " "])

    assert found["kyiv"] == [kyiv, village]
    assert found["kiev"] == [kyiv]
    assert found[fold("Київ")] == [kyiv]
    assert [c.name for c in found["lodz"]] == ["Łódź"]
    assert found["lodz"][0].admin1 == "Łódź Voivodeship"
    assert [c.id for c in found["sana'a"]] == [71137]
    assert found["sana'a"][0].admin1 == found["sana'a"][0].region == ""  # no first-level region
    assert found["atlantis"] == []
    assert set(found) == {"kyiv", "kiev", fold("Київ"), "lodz", "sana'a", "atlantis"}


def test_lookup_is_one_query_however_many_names(dumps, django_assert_num_queries):
    run(*dumps.values())
    with django_assert_num_queries(0):
        assert lookup([]) == {}
    with django_assert_num_queries(1):
        assert len(lookup(["Kyiv"])["kyiv"]) == 2
    many = ["Kyiv", "Donetsk", "Lodz", *(f"Nowhere {n}" for n in range(3000))]
    with django_assert_num_queries(1):
        found = lookup(many)
    assert len(found) == 3003
    assert [c.name for c in found["donetsk"]] == ["Donetsk"]


def test_a_big_file_shows_its_progress_bar_unasked(dumps, monkeypatch):
    from articles.management.commands import load_gazetteer

    monkeypatch.setattr(load_gazetteer, "PROGRESS_BYTES", 100)  # the files here are "big"
    _, err = run(dumps["places"])
    assert "kB 100%" in err


def test_a_damaged_zip_is_one_line_naming_it(tmp_path):
    rng = random.Random(5)
    lines = [
        place_line(n, f"Place{rng.random()}", "", "1", "2", "PPL", "UA", "", "0")
        for n in range(1, 5000)
    ]
    path = write_zip(tmp_path / "UA.zip", lines)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 200] = bytes(rng.randrange(256) for _ in range(200))
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match=f"^{re.escape(str(path))}") as raised:
        run(path)
    # the damaged stretch reads as lines that are not right, or fails the zip's checksum
    assert re.search(
        r" \(UA.txt\): line \d+: (expected 19|cannot be read|not UTF-8)", str(raised.value)
    )
    assert "\n" not in str(raised.value)
    assert not GazetteerEntry.objects.exists()
