"""The bundled gazetteer (``fixtures/geonames/``): ``load_gazetteer --bundled`` on a small bundle
of its own (loading, skipping a version loaded already, ``--force``, mistakes); what the
committed files hold, read with the loader's own parsers; and the real bundle loaded once for
this module (about 20 s on SQLite, 15 s on PostgreSQL) for lookups, an article's gazetteer and
the gold set's places against the fixture's."""

from __future__ import annotations

import importlib.util
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles import gazetteer
from articles.geonames import article, bundle, files, fold, lookup
from articles.models import (
    GazetteerBundle,
    GazetteerCountry,
    GazetteerEntry,
    GazetteerName,
    GazetteerRegion,
)
from articles.suggest import suggest_places
from tests.test_gazetteer_load import ADMIN1, COUNTRY_INFO, DONETSK, KYIV, VILLAGE, write_zip

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_context():
    article.forget()
    yield
    article.forget()


@pytest.fixture
def small_bundle(tmp_path, monkeypatch) -> Path:
    """A bundle of a few lines in the bundle's four files, as ``bundle.BUNDLE``."""
    folder = tmp_path / "geonames"
    folder.mkdir()
    (folder / "admin1CodesASCII.txt").write_text(ADMIN1, encoding="utf-8")
    (folder / "countryInfo.txt").write_text(COUNTRY_INFO, encoding="utf-8")
    write_zip(folder / "cities1000.zip", [KYIV, DONETSK])
    write_zip(folder / "areas.zip", [VILLAGE])
    monkeypatch.setattr(bundle, "BUNDLE", folder)
    return folder


def run(*args) -> str:
    out = StringIO()
    call_command("load_gazetteer", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_bundled_loads_the_bundle_and_records_its_version(small_bundle):
    out = run("--bundled")

    version = bundle.version()
    assert f"The bundled gazetteer (version {version}) is loaded." in out
    assert set(GazetteerEntry.objects.values_list("id", flat=True)) == {703448, 709717, 9000001}
    assert GazetteerRegion.objects.count() == 4 and GazetteerCountry.objects.count() == 2
    assert list(GazetteerBundle.objects.values_list("version", flat=True)) == [version]


@pytest.mark.django_db
def test_bundled_again_is_skipped_and_force_loads_it_anyway(
    small_bundle, django_assert_max_num_queries
):
    run("--bundled")
    GazetteerEntry.objects.filter(pk=703448).update(name="Changed")

    with django_assert_max_num_queries(1):
        out = run("--bundled")
    assert "is loaded already" in out
    assert GazetteerEntry.objects.get(pk=703448).name == "Changed"  # nothing was loaded

    run("--bundled", "--force")
    assert GazetteerEntry.objects.get(pk=703448).name == "Kyiv"


@pytest.mark.django_db
def test_another_bundle_is_another_version_and_is_loaded(small_bundle):
    run("--bundled")
    first = bundle.version()
    write_zip(small_bundle / "areas.zip", [VILLAGE.replace("\t120\t", "\t130\t")])

    assert bundle.version() != first
    assert "is loaded already" not in run("--bundled")
    assert GazetteerEntry.objects.get(pk=9000001).population == 130
    assert GazetteerBundle.objects.count() == 2


@pytest.mark.django_db
def test_a_damaged_bundle_names_its_file_and_records_no_version(small_bundle):
    (small_bundle / "areas.zip").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(CommandError) as error:
        run("--bundled")
    assert "areas.zip" in str(error.value)
    assert not GazetteerBundle.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Give the GeoNames files to load, or --bundled"),
        (("--bundled", "x.txt"), "Give the GeoNames files to load, or --bundled"),
        (("--force", "x.txt"), "--force goes with --bundled"),
    ],
)
def test_files_or_bundled(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


# ---------------------------------------------------------------------------------------------
# What the committed bundle holds


def entries_of(name: str) -> list[files.Entry]:
    source = files.source(bundle.BUNDLE / name)
    with source.open() as stream:
        return list(files.Lines(source, stream).parsed(files.parse_entry, (19,)))


def lines_of(name: str, parse, columns: int) -> list:
    source = files.source(bundle.BUNDLE / name)
    with source.open() as stream:
        return list(files.Lines(source, stream).parsed(parse, (columns,)))


def test_the_bundle_is_a_few_megabytes_in_geonames_formats():
    total = sum(path.stat().st_size for path in bundle.paths())
    assert total < 8 * 1024 * 1024, total
    kinds = [files.source(path).kind for path in bundle.paths()]
    assert kinds == [files.COUNTRIES, files.REGIONS, files.ENTRIES, files.ENTRIES]
    for path in bundle.paths():
        if path.suffix == ".zip":
            assert zipfile.ZipFile(path).testzip() is None


def test_the_bundle_has_every_country_every_region_and_the_curated_features():
    countries = lines_of("countryInfo.txt", files.parse_country, 19)
    regions = lines_of("admin1CodesASCII.txt", files.parse_region, 4)
    areas = entries_of("areas.zip")
    by_id = {entry.id: entry for entry in areas}

    assert len(countries) >= 245
    for country in countries:
        entry = by_id[country.geonames_id]
        assert (entry.feature_code, entry.country_code) == ("PCLI", country.code), country
    assert len(regions) >= 3000
    for region in regions:
        entry = by_id[region.geonames_id]
        assert entry.feature_code == "ADM1" and entry.name == region.name, region
        assert (entry.country_code, entry.admin1_code) == (region.country_code, region.code)
        assert bundle.is_bundled(entry.id)
    curated = {e.name: e for e in areas if e.feature_class in "HLT" and e.feature_class}
    assert set(curated) == {name for name, *_ in gazetteer.CURATED}
    assert curated["Dnieper"].feature_code == "STM" and curated["Black Sea"].feature_class == "H"
    assert curated["Donbas"].feature_class == "L" and "donbass" in curated["Donbas"].names
    # the English forms of regions
    names = {key for e in areas if e.feature_code == "ADM1" for key in e.names}
    for form in ("Kharkiv Oblast", "South Kivu", "Shan State", "North Darfur"):
        assert fold(form) in names, form
    assert fold("Cabo Delgado Province") in names


def test_the_bundles_places_are_of_a_thousand_people_or_more_with_their_other_names():
    # the columns as they are (parsing every line and folding every name takes ten seconds)
    with zipfile.ZipFile(bundle.BUNDLE / "cities1000.zip") as archive:
        text = archive.read("cities1000.txt").decode()
    rows = [line.split("\t") for line in text.splitlines()]
    assert len(rows) > 150_000 and all(len(row) == 19 for row in rows)
    assert all(row[6] == "P" for row in rows)
    assert sum(int(row[14]) >= 1000 for row in rows) / len(rows) > 0.85  # and some seats
    kyiv = files.parse_entry(next(row for row in rows if row[0] == "703448"))
    assert "kiev" in kyiv.names and kyiv.feature_code == "PPLC"


# ---------------------------------------------------------------------------------------------
# The real bundle, loaded once for the tests below


@pytest.fixture(scope="module")
def real_bundle(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_gazetteer", "--bundled", stdout=StringIO(), stderr=StringIO())
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for model in (
            GazetteerName,
            GazetteerEntry,
            GazetteerRegion,
            GazetteerCountry,
            GazetteerBundle,
        ):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")


@pytest.mark.django_db
def test_a_village_a_region_and_a_country_of_the_bundle(real_bundle):
    found = lookup(["Lyptsi", "Kharkiv Oblast", "South Kivu province", "Ukraine", "Kiev"])
    village = found["lyptsi"][0]
    assert (village.feature_code, village.country_code, village.region) == ("PPL", "UA", "UA.07")
    assert village.population < 15_000
    region = found["kharkiv oblast"][0]
    assert (region.feature_code, region.region) == ("ADM1", "UA.07")
    assert found["south kivu province"][0].name == "South Kivu"
    assert found["ukraine"][0].id == 690791  # GeoNames' own id
    assert found["kiev"][0].name == "Kyiv"
    assert "is loaded already" in run("--bundled")


@pytest.mark.django_db
def test_an_articles_gazetteer_from_the_bundle(real_bundle, django_assert_num_queries):
    # (a village needs a word saying it is a place: "hit Lyptsi" alone is not taken)
    body = "Shelling hit the village of Lyptsi, north of Kharkiv, in the Kharkiv Oblast of Ukraine."
    article.context()
    with django_assert_num_queries(1):
        gaz = article.gazetteer_for(body)
    found = suggest_places(body, (), gazetteer=gaz)
    assert [(p.text, p.kind, p.country_code) for p in found] == [
        ("Lyptsi", "city", "UA"),
        ("Kharkiv", "city", "UA"),
        ("Kharkiv Oblast", "region", "UA"),
        ("Ukraine", "country", "UA"),
    ]
    assert gaz.region_of(gaz.lookup("Lyptsi")[0])[2] == "Kharkiv Oblast"


@pytest.mark.django_db
def test_a_region_named_like_a_city_elsewhere_does_not_take_its_name(real_bundle):
    # Mozambique's province of Gaza is "Gaza Province", and "Gaza" only by another name
    body = "Strikes hit Gaza overnight. Rebels raided towns in Cabo Delgado province."
    found = suggest_places(body, (), gazetteer=article.gazetteer_for(body))
    assert [(p.text, p.place, p.kind, p.country_code) for p in found] == [
        ("Gaza", "Gaza", "city", "PS"),
        ("Cabo Delgado province", "Cabo Delgado", "region", "MZ"),
    ]
    assert lookup(["Gaza Province"])["gaza province"][0].country_code == "MZ"


def load_quality():
    spec = importlib.util.spec_from_file_location("bench_quality", ROOT / "bench" / "quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_gold_sets_places_are_found_at_least_as_well_as_with_the_fixture(
    real_bundle, monkeypatch
):
    """Place recall with each article's gazetteer from the bundle in the database, against the
    fixture's (fixtures/gazetteer.json), on bench/quality.py's sets. When these figures were
    taken (precision/recall, fixture -> database): 01-09 0.990/0.981 -> 0.981/0.990, 10-21
    0.922/0.789 -> 0.950/0.848, 22-31 0.927/0.873 -> 0.943/0.905, seed 1.0/1.0 -> 1.0/1.0."""
    quality = load_quality()
    gold = quality.load_gold()
    sets = {
        "tuned": [a for a in gold if a.number <= 9],
        "wire": [a for a in gold if 10 <= a.number <= 21],
        "later wire": [a for a in gold if 22 <= a.number <= 31],
        "seed": [quality.load_seed()],
    }
    before = {name: quality.score(articles) for name, articles in sets.items()}

    def from_the_database(body, known):
        return suggest_places(body, known, gazetteer=article.gazetteer_for(body))

    monkeypatch.setattr(quality, "suggest_places", from_the_database)
    after = {name: quality.score(articles) for name, articles in sets.items()}

    for name in sets:
        assert after[name]["place_recall"] >= before[name]["place_recall"], name
    assert after["wire"]["place_recall"] >= 0.847 and after["wire"]["place_precision"] >= 0.949
    later = after["later wire"]
    assert later["place_recall"] >= 0.905 and later["place_precision"] >= 0.942
    assert after["seed"]["place_precision"] == 1.0
