"""The admin's "Import annotations" page: a W3C file anchored into the article, then the list
of what was anchored and the orphans kept for repair; a bad file is a form error naming it."""

import json

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Quote


def annotation(exact, prefix="", suffix="", tag="claim"):
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://hypothes.is/a/1",
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": tag}],
        "target": {
            "source": "https://example.org/",
            "selector": {
                "type": "TextQuoteSelector",
                "exact": exact,
                "prefix": prefix,
                "suffix": suffix,
            },
        },
    }


def url(article):
    return f"/admin/articles/article/{article.pk}/import-annotations/"


def test_the_page_imports_and_lists_anchored_and_orphans(client, annotator, make_article):
    article = make_article(body="Kyiv said it would talk. Moscow said no.")
    assert (
        "Import annotations"
        in client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    )
    assert client.get(url(article)).status_code == 200
    document = [annotation("Moscow said no", "talk. "), annotation("<b>Minsk</b> agreed")]
    upload = SimpleUploadedFile("hyp.jsonld", json.dumps(document).encode(), "application/ld+json")
    response = client.post(url(article), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 anchored, 1 orphan" in page
    orphan = Quote.objects.get(anchored=False)
    assert f"?reselect=quote-{orphan.pk}" in page
    assert "&lt;b&gt;Minsk&lt;/b&gt; agreed" in page and "<b>Minsk" not in page  # escaped
    anchored = Quote.objects.get(anchored=True)
    assert (anchored.exact, anchored.kind) == ("Moscow said no", "claim")


def test_a_bad_file_is_a_form_error(client, annotator, make_article):
    article = make_article()
    upload = SimpleUploadedFile("broken.json", b"{oops", "application/json")
    page = client.post(url(article), {"file": upload}).content.decode()
    assert "broken.json: not JSON" in page
    assert not Quote.objects.exists()


def test_only_annotators_may_import(client, make_article):
    article = make_article()
    user = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(url(article)).status_code == 403
    user.groups.add(Group.objects.get(name="Annotators"))
    assert client.get(url(article)).status_code == 200
