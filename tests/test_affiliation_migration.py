"""Migration 0024: free-text affiliations become ``Affiliation`` rows, and back, losing nothing."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0023_placequote_dated")]
AFTER = [("articles", "0024_affiliations")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_texts_become_rows_and_come_back():
    apps = migrate(BEFORE)
    Speaker = apps.get_model("articles", "Speaker")
    History = apps.get_model("articles", "HistoricalSpeaker")
    texts = ["Government of Russia", " Government of Russia ", "Kremlin", "", "Україна"]
    for i, text in enumerate(texts):
        Speaker.objects.create(name=f"S{i}", slug=f"s{i}", affiliation=text)
    History.objects.create(
        id=99,
        name="Gone",
        slug="gone",
        affiliation="Old Ministry",
        history_type="-",
        history_date="2024-01-01T00:00:00Z",
    )
    try:
        apps = migrate(AFTER)
        Affiliation = apps.get_model("articles", "Affiliation")
        Speaker = apps.get_model("articles", "Speaker")
        names = sorted(Affiliation.objects.values_list("name", flat=True))
        assert names == ["Government of Russia", "Kremlin", "Old Ministry", "Україна"]
        assert len(set(Affiliation.objects.values_list("slug", flat=True))) == 4
        found = dict(Speaker.objects.values_list("slug", "affiliation__name"))
        assert found == {
            "s0": "Government of Russia",
            "s1": "Government of Russia",  # the same name once trimmed
            "s2": "Kremlin",
            "s3": None,
            "s4": "Україна",
        }
        assert set(Speaker.objects.values_list("category", flat=True)) == {""}
        History = apps.get_model("articles", "HistoricalSpeaker")
        assert History.objects.get(id=99).affiliation.name == "Old Ministry"
        apps = migrate(BEFORE)
        Speaker = apps.get_model("articles", "Speaker")
        back = dict(Speaker.objects.values_list("slug", "affiliation"))
        assert back == {
            "s0": "Government of Russia",
            "s1": "Government of Russia",
            "s2": "Kremlin",
            "s3": "",
            "s4": "Україна",
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
