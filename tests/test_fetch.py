"""Fetching pages and feeds (articles.fetch) from a real HTTP server on 127.0.0.1: the SSRF
guard, redirects, limits, timeouts, content types and errors, each naming the URL."""

import socket

import pytest

from articles import fetch
from articles.fetch import FetchError, fetch_feed, fetch_page
from articles.importer import PAGE_MAX_BYTES


def refused(url: str) -> str:
    with pytest.raises(FetchError) as caught:
        fetch_page(url)
    message = str(caught.value)
    assert message.startswith(f"{url}: ")
    return message


def test_a_page_is_fetched_with_a_user_agent_naming_newsroom(page_server):
    fetched = fetch_page(page_server.url("ledger-grain-talks.html"))
    assert fetched.content_type == "text/html"
    assert b"Grain corridor talks stall" in fetched.data
    agent = page_server.requests[-1]["headers"]["User-Agent"]
    assert agent.startswith("Newsroom/") and "+https://" in agent


def test_loopback_is_refused_unless_allowed(page_server, settings):
    url = page_server.url("ledger-grain-talks.html")
    settings.NEWSROOM_FETCH_ALLOW_HOSTS = []
    assert "127.0.0.1 is a loopback address" in refused(url)
    assert page_server.requests == []  # refused before connecting
    port = url.split(":")[2].split("/")[0]
    settings.NEWSROOM_FETCH_ALLOW_HOSTS = [f"127.0.0.1:{int(port) + 1}"]  # another port
    assert "loopback" in refused(url)
    settings.NEWSROOM_FETCH_ALLOW_HOSTS = [f"127.0.0.1:{port}"]
    assert fetch_page(url).data


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://10.1.2.3/story", "private"),
        ("http://192.168.0.10/story", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:8000/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://100.64.0.1/", "non-public"),
    ],
)
def test_private_and_special_addresses_are_refused(url, kind):
    assert f"is a {kind} address" in refused(url)


def test_a_redirect_to_a_private_address_is_refused(page_server):
    url = page_server.url("to?url=http://10.0.0.7/admin")
    message = refused(url)
    assert "redirected to http://10.0.0.7/admin" in message and "private" in message


def test_a_redirect_to_localhost_by_name_is_refused(page_server):
    port = page_server.base.rsplit(":", 1)[1]
    message = refused(page_server.url(f"to?url=http://localhost:{port}/ledger-grain-talks.html"))
    assert "loopback" in message


def test_a_host_that_resolves_to_a_private_address_is_refused(monkeypatch):
    """Whatever the name, the addresses it resolves to are checked, all of them."""
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host == "news.example":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    assert "news.example (127.0.0.1) is a loopback address" in refused("http://news.example/")


def test_the_connection_goes_to_the_address_that_was_checked(page_server, settings, monkeypatch):
    """No second lookup (DNS rebinding): the socket connects to the resolved address, and the
    request still names the host."""
    port = int(page_server.base.rsplit(":", 1)[1])
    lookups = []
    real = socket.getaddrinfo

    def resolver(host, port_, *args, **kwargs):
        lookups.append(host)
        if host == "news.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port_))]
        return real(host, port_, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    settings.NEWSROOM_FETCH_ALLOW_HOSTS = [f"news.example:{port}"]
    fetched = fetch_page(f"http://news.example:{port}/ledger-grain-talks.html")
    assert b"Grain corridor" in fetched.data
    assert page_server.requests[-1]["headers"]["Host"] == f"news.example:{port}"
    # The name was looked up once, by the guard; the connection was given its answer (the
    # socket's own lookup of an address literal asks no DNS server).
    assert [host for host in lookups if host != "127.0.0.1"] == ["news.example"]
    assert lookups.count("news.example") == 1


def test_redirects_are_followed_up_to_five(page_server):
    fetched = fetch_page(page_server.url("hops/5/ledger-grain-talks.html"))
    assert fetched.url == page_server.url("ledger-grain-talks.html")
    assert "more than 5 redirects" in refused(page_server.url("hops/6/ledger-grain-talks.html"))


def test_a_body_over_the_limit_is_refused_without_reading_it_all(page_server):
    assert f"more than {PAGE_MAX_BYTES:,} bytes" in refused(page_server.url("big"))
    assert f"is {PAGE_MAX_BYTES * 3:,} bytes" in refused(page_server.url("big-declared"))


def test_a_compressed_answer_is_inflated_within_the_limit(page_server):
    assert b"Grain corridor talks stall" in fetch_page(page_server.url("gzip")).data
    assert "more than" in refused(page_server.url("gzip-bomb"))


def test_a_slow_server_times_out(page_server, settings):
    settings.NEWSROOM_FETCH_TIMEOUT = 0.3
    assert "timed out" in refused(page_server.url("slow?s=2"))


def test_content_types_are_checked(page_server):
    assert "content type is application/json, not an HTML page" in refused(page_server.url("json"))
    with pytest.raises(FetchError, match="text/html, not a feed"):
        fetch_feed(page_server.url("ledger-grain-talks.html"))
    assert fetch_feed(page_server.url("ledger-world.rss")).data.startswith(b"<?xml")


@pytest.mark.parametrize(("status", "reason"), [(404, "404 Not Found"), (503, "503 Service")])
def test_error_answers_are_refused(page_server, status, reason):
    assert f"the server answered {reason}" in refused(page_server.url(f"status/{status}"))


def test_a_tls_error_is_reported(page_server):
    """https:// to a server that speaks plain HTTP: the handshake fails."""
    url = page_server.base.replace("http://", "https://") + "/ledger-grain-talks.html"
    assert "TLS error" in refused(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/a.html", "only http:// and https://"),
        ("file:///etc/passwd", "only http:// and https://"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http:///no-host", "no host"),
        ("http://example.com:99999/", "not a valid URL"),
    ],
)
def test_bad_urls_are_refused(url, reason):
    assert reason in refused(url)


def test_an_unresolvable_host(monkeypatch):
    def resolver(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    assert "could not be resolved" in refused("http://nowhere.example/")


def test_the_allow_list_is_a_setting():
    from django.conf import settings

    assert fetch.allowed_hosts() == frozenset(settings.NEWSROOM_FETCH_ALLOW_HOSTS)


def test_the_connected_address_is_checked_again(page_server, settings):
    """Whatever the lookup said, a socket that ends up on a loopback address is refused."""
    port = int(page_server.base.rsplit(":", 1)[1])
    target = fetch.Target("http", "news.example", port, "/")
    with socket.create_connection(("127.0.0.1", port)) as sock:
        settings.NEWSROOM_FETCH_ALLOW_HOSTS = []
        with pytest.raises(FetchError, match="connected to 127.0.0.1, a loopback address"):
            fetch._check_peer("http://news.example/", target, sock)
        settings.NEWSROOM_FETCH_ALLOW_HOSTS = [f"news.example:{port}"]
        fetch._check_peer("http://news.example/", target, sock)  # allowed: no error
