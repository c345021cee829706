"""The API's interactive docs in a real Chromium: Swagger UI from our own static files, no
request leaves the server, the strict CSP holds, and "Try it out" gets an answer."""

from playwright.sync_api import expect

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def test_the_docs_work_offline_under_the_csp(page, live_server, seeded, settings):
    settings.API_ANON_RATE = "10000/m"
    elsewhere = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else elsewhere.append(request.url)
        ),
    )
    page.add_init_script(WATCH)
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    quotes = page.locator(".opblock-summary-path", has_text="/api/v1/quotes").first
    expect(quotes).to_be_visible()
    expect(page.locator(".opblock")).to_have_count(11)
    quotes.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody td.response-col_status").first).to_have_text(
        "200"
    )
    assert page.evaluate("() => window.__csp") == []
    assert elsewhere == []
