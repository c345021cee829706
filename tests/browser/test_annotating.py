"""An annotator marks a quote by selecting text; an editor publishes; edits keep the highlight."""

import re

from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles.models import Article, Quote, Speaker
from tests.ops import create, save

BODY = (
    "Kyiv — The talks collapsed on Friday.\n\n"
    "A Ukrainian official said the 🇺🇦 delegation would not return to the table this year.\n\n"
    "Moscow did not comment."
)
WORDS = "the 🇺🇦 delegation would not return to the table"


def staff(username, group):
    user = User.objects.create_user(username, password="correct horse 1", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct horse 1")
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)


def drag_select(page, container, text):
    """Select ``text`` inside ``container`` with a real mouse drag."""
    box = page.evaluate(
        """([selector, text]) => {
          const root = document.querySelector(selector);
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const i = node.data.indexOf(text);
            if (i < 0) continue;
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + text.length);
            const rects = range.getClientRects();
            const first = rects[0], last = rects[rects.length - 1];
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
          }
          return null;
        }""",
        [container, text],
    )
    assert box, f"{text!r} not found in {container}"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def test_annotate_publish_and_edit(live_server, roles, browser, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300  # readers get whole pages from the cache
    staff("anna", "Annotators")
    staff("eddie", "Editors")
    article = create(Article, slug="talks", headline="Talks collapse", body=BODY)

    annotator = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = annotator.new_page()
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/annotate/")
    drag_select(page, "#annotate-body", WORDS)
    form = page.locator(".annotation-form")
    expect(form.locator("blockquote.selection")).to_have_text(WORDS)
    form.locator("#id_speaker").fill("Mykhailo Podolyak")
    form.locator("summary", has_text="New speaker details").click()
    form.locator("#id_speaker_role").fill("Adviser to the head of the President's Office")
    form.locator("#id_kind").select_option("indirect")
    form.locator("input[type=submit]").click()
    expect(page.locator(".annotate-message")).to_contain_text("Added: Mykhailo Podolyak")
    expect(page.locator("#annotate-body mark.quote")).to_have_text(WORDS)
    expect(page.locator("#annotation-list")).to_contain_text("Mykhailo Podolyak")
    annotator.close()

    quote = Quote.objects.get()
    assert (quote.exact, quote.speaker.role) == (
        WORDS,
        "Adviser to the head of the President's Office",
    )

    # Readers see nothing while it is a draft.
    reader = browser.new_context()
    public = reader.new_page()
    response = public.goto(f"{live_server.url}/articles/talks/")
    assert response.status == 404

    editor = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = editor.new_page()
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.locator(f"input[name=_selected_action][value='{article.pk}']").check()
    page.locator("select[name=action]").select_option("publish")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 article(s) now published")

    public.goto(f"{live_server.url}/articles/talks/")
    mark = public.locator("mark.quote")
    expect(mark).to_have_text(WORDS)
    expect(mark).to_have_attribute("data-speaker", "mykhailo-podolyak")
    again = reader.request.get(f"{live_server.url}/articles/talks/")  # past the browser's cache
    assert again.headers["x-page-cache"] == "hit"

    # The editor rewrites the article around the quote; the highlight stays on its words.
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    body = page.locator("#id_body")
    body.fill(
        "Kyiv — The long-planned talks collapsed on Friday evening, officials said.\n\n"
        "A senior Ukrainian official said the 🇺🇦 delegation would not return to the table "
        "this year, or next.\n\nMoscow did not comment."
    )
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    editor.close()

    public.reload()  # revalidates what the browser kept (max-age): the page cache is not stale
    expect(public.locator("mark.quote")).to_have_text(WORDS)
    expect(public.locator("#article-body")).to_contain_text("long-planned talks")
    quote.refresh_from_db()
    assert quote.anchored and quote.history.count() >= 2
    assert re.search("delegation would not return", public.locator("#article-body").inner_text())
    reader.close()


def test_an_orphan_is_re_selected_in_one_click(live_server, roles, browser):
    staff("anna", "Annotators")
    article = create(Article, slug="talks", headline="Talks collapse", body=BODY)
    speaker = create(Speaker, name="Mykhailo Podolyak", slug="mykhailo-podolyak")
    start = BODY.index(WORDS)
    quote = create(
        Quote, article=article, start=start, end=start + len(WORDS), exact=WORDS, speaker=speaker
    )
    article.body = BODY.replace(WORDS, "Ukraine's negotiators would stay away from talks")
    save(article)
    quote.refresh_from_db()
    assert not quote.anchored

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/annotate/")
    expect(page.locator(".orphans")).to_contain_text(WORDS)
    page.locator(f"[data-reselect='{quote.key}']").click()
    expect(page.locator("#reselect-banner")).to_be_visible()
    drag_select(page, "#annotate-body", "Ukraine's negotiators would stay away")
    form = page.locator(".annotation-form")
    expect(form.locator("#id_speaker")).to_have_value("Mykhailo Podolyak")
    form.locator("input[type=submit]").click()
    expect(page.locator(".annotate-message")).to_contain_text("Updated: Mykhailo Podolyak")
    expect(page.locator(".orphans")).to_have_count(0)
    expect(page.locator(f"#annotate-body [data-span='{quote.key}']")).to_have_text(
        "Ukraine's negotiators would stay away"
    )
    context.close()
    quote.refresh_from_db()
    assert quote.anchored and quote.exact == "Ukraine's negotiators would stay away"
