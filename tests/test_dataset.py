"""``manage.py export_dataset``: the published corpus as a Frictionless Data Package, validated
by the ``frictionless`` library (an independent implementation of the standard)."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, PlaceMention, Quote
from tests.ops import create, load_seed

pytestmark = pytest.mark.django_db


def test_the_seed_exports_as_a_valid_data_package(tmp_path):
    from frictionless import Package, validate

    load_seed()
    target = tmp_path / "corpus"
    call_command("export_dataset", str(target), base_url="https://newsroom.example")
    report = validate(str(target / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((target / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "newsroom.example" in descriptor["citation"]
    package = Package(str(target / "datapackage.json"))
    quotes = package.get_resource("quotes").read_rows()
    assert len(quotes) == Quote.objects.visible().count()
    assert quotes[0]["quote_url"].startswith("https://newsroom.example/articles/")
    with (target / "mentions.csv").open(encoding="utf-8", newline="") as f:
        assert sum(1 for _ in csv.DictReader(f)) == PlaceMention.objects.visible().count()
    geojson = json.loads((target / "places.geojson").read_text())
    assert geojson["type"] == "FeatureCollection" and geojson["features"]


def test_the_packages_annotations_are_the_corpus_as_w3c_web_annotations(tmp_path):
    """annotations.jsonld: every visible quote and mention, passing the Web Annotation MUSTs
    and expanded by a JSON-LD processor (pyld) with the bundled context only."""
    from tests.test_w3c import expand
    from tests.w3c_musts import collection_failures, page_failures

    load_seed()
    call_command("export_dataset", str(tmp_path / "d"), base_url="https://newsroom.example")
    document = json.loads((tmp_path / "d" / "annotations.jsonld").read_text(encoding="utf-8"))
    items = document["first"]["items"]
    visible = Quote.objects.visible().count() + PlaceMention.objects.visible().count()
    assert document["total"] == len(items) == visible
    assert len({a["id"] for a in items}) == visible
    assert collection_failures(document) == []
    assert page_failures({"@context": document["@context"], **document["first"]}) == []
    assert expand(document)  # no context fetched: the loader refuses any


def test_drafts_stay_out_of_the_dataset(tmp_path, make_article):
    draft = make_article(body="Peskov said no.", status=Article.Status.DRAFT)
    create(Quote, article=draft, start=0, end=15, exact="Peskov said no.")
    call_command("export_dataset", str(tmp_path / "d"), base_url="https://n.example")
    assert "Peskov" not in (tmp_path / "d" / "quotes.csv").read_text()


def test_a_directory_in_use_or_a_bad_address_is_refused_and_nothing_is_written(tmp_path):
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="used: exists and is not an empty directory"):
        call_command("export_dataset", str(used), base_url="https://n.example")
    assert [p.name for p in used.iterdir()] == ["notes.txt"]
    with pytest.raises(CommandError, match="--base-url"):
        call_command("export_dataset", str(tmp_path / "new"), base_url="newsroom.example")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["used"]  # no partial directory left


def test_editors_download_the_same_package_as_one_zip(tmp_path, client, make_article):
    """The admin's "Download the dataset" link: the package as a ZIP, streamed, valid as
    extracted; staff who may see articles get it, nobody else does."""
    import zipfile

    from django.contrib.auth.models import Permission, User
    from django.urls import reverse
    from frictionless import validate

    load_seed()
    draft = make_article(body="Secretly said no.", status=Article.Status.DRAFT)
    create(Quote, article=draft, start=0, end=17, exact="Secretly said no.")
    url = reverse("admin:articles_article_dataset")
    assert client.get(url).status_code == 302  # to the admin's login
    clerk = User.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(url).status_code == 403  # staff, but may not see articles
    clerk.user_permissions.add(Permission.objects.get(codename="view_article"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="newsroom-corpus.zip"'
    pieces = list(response.streaming_content)
    (tmp_path / "corpus.zip").write_bytes(b"".join(pieces))
    with zipfile.ZipFile(tmp_path / "corpus.zip") as archive:
        assert archive.testzip() is None
        archive.extractall(tmp_path)
    folder = tmp_path / "newsroom-corpus"
    assert sorted(p.name for p in folder.iterdir()) == [
        "annotations.jsonld",
        "datapackage.json",
        "mentions.csv",
        "mentions.geojson",
        "places.csv",
        "places.geojson",
        "quotes.csv",
        "speakers.csv",
    ]
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    quotes = (folder / "quotes.csv").read_text(encoding="utf-8")
    assert quotes.count("\n") == 1 + Quote.objects.visible().count()
    assert "Secretly" not in quotes and "http://testserver/articles/" in quotes


def test_the_change_list_links_editors_to_the_dataset(admin_client):
    html = admin_client.get("/admin/articles/article/").content.decode()
    assert 'href="/admin/articles/article/dataset.zip"' in html
