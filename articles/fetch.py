"""Fetch a web page or a feed for the importer, safely.

- Only ``http`` and ``https``. The host is resolved here, every address it resolves to is
  checked, and the connection goes to the checked address itself (never a second lookup: no
  DNS-rebinding gap); the address the socket is connected to is checked again. Loopback,
  private, link-local (cloud metadata), multicast, reserved and unspecified addresses are
  refused unless the host (or ``host:port``) is in ``settings.NEWSROOM_FETCH_ALLOW_HOSTS``.
- Redirects are followed by hand, at most ``MAX_REDIRECTS``, each hop checked as above.
- The body is read as a stream, never more than the size limit (``PAGE_MAX_BYTES``) plus one
  byte; a connect or read timeout, and an overall deadline, bound the time.
- The content type is checked (HTML for pages; RSS, Atom or XML for feeds); 4xx and 5xx
  answers, TLS errors and bad addresses are errors.

Every failure is a FetchError whose message names the URL and says why, for a person.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from .importer import PAGE_MAX_BYTES

MAX_REDIRECTS = 5
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
    }
)
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


class FetchError(Exception):
    """A URL could not be fetched; the message names it and says why."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


@dataclass(frozen=True)
class Fetched:
    url: str  # the URL the content came from, after redirects
    content_type: str
    charset: str | None
    data: bytes


def allowed_hosts() -> frozenset[str]:
    return frozenset(settings.NEWSROOM_FETCH_ALLOW_HOSTS)


def not_public(address: str) -> str:
    """What kind of address ``address`` is when it is not a public one ("loopback"), or ""."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    kinds = [
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),  # 169.254.169.254: cloud metadata
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),
    ]
    return next((kind for kind, is_kind in kinds if is_kind), "")


def is_public(address: str) -> bool:
    return not not_public(address)


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query


def target_of(url: str) -> Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(url, f"not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(url, "only http:// and https:// URLs can be imported")
    if not parts.hostname:
        raise FetchError(url, "the URL has no host")
    if parts.username or parts.password:
        raise FetchError(url, "URLs with a user name or password are not fetched")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname.lower().rstrip("."), port or default, path)


def resolve(url: str, target: Target) -> str:
    """The address to connect to for ``target``: every address the host resolves to must be
    public, unless the host is allowed."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(url, f"the host {target.host!r} could not be resolved ({error})") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(url, f"the host {target.host!r} has no address")
    allowed = allowed_hosts()
    if target.host in allowed or f"{target.host}:{target.port}" in allowed:
        return addresses[0]
    for address in addresses:
        kind = not_public(address)
        if kind:
            where = address if address == target.host else f"{target.host} ({address})"
            raise FetchError(
                url,
                f"refused: {where} is a {kind} address, not fetched "
                "(NEWSROOM_FETCH_ALLOW_HOSTS can allow the host)",
            )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``address``, whatever the host name says."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to ``address``, with the certificate checked for the host name (SNI too)."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _check_peer(url: str, target: Target, sock: socket.socket) -> None:
    """The address actually connected to is the one that was checked (or the host is allowed)."""
    peer = str(sock.getpeername()[0])
    allowed = allowed_hosts()
    if target.host in allowed or f"{target.host}:{target.port}" in allowed:
        return
    kind = not_public(peer)
    if kind:
        raise FetchError(url, f"refused: connected to {peer}, a {kind} address")


def _parse_type(header: str | None) -> tuple[str, str | None]:
    message = Message()
    message["content-type"] = header or ""
    return message.get_content_type(), message.get_content_charset()


def _read(url: str, response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError(
            url, f"the page is {int(length):,} bytes; a web page may be at most {max_bytes:,}"
        )
    chunks, size = [], 0
    while size <= max_bytes:
        if time.monotonic() > deadline:
            raise FetchError(url, "timed out while reading the page")
        chunk = response.read1(min(CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > max_bytes:
        raise FetchError(url, f"the page is more than {max_bytes:,} bytes, the most allowed")
    return b"".join(chunks)


def _decoded(url: str, response: http.client.HTTPResponse, data: bytes, max_bytes: int) -> bytes:
    """The body without its Content-Encoding (asked for none, but servers send gzip anyway),
    never inflated past the limit: a small compressed bomb stays small."""
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(url, f"the answer is compressed as {encoding!r}, which is not read")
    wbits = 16 + zlib.MAX_WBITS if encoding != "deflate" else zlib.MAX_WBITS
    try:
        inflated = zlib.decompressobj(wbits).decompress(data, max_bytes + 1)
    except zlib.error as error:
        raise FetchError(url, f"the {encoding} answer is corrupt ({error})") from None
    if len(inflated) > max_bytes:
        raise FetchError(url, f"the page is more than {max_bytes:,} bytes, the most allowed")
    return inflated


def _one_hop(
    url: str, accept: frozenset[str], max_bytes: int, deadline: float
) -> tuple[str | None, Fetched | None]:
    """(the next URL, None) for a redirect, or (None, what was fetched)."""
    target = target_of(url)
    address = resolve(url, target)
    timeout = max(0.1, min(settings.NEWSROOM_FETCH_TIMEOUT, deadline - time.monotonic()))
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(address, target.host, target.port, timeout)
    try:
        connection.connect()
        assert connection.sock is not None
        _check_peer(url, target, connection.sock)  # before a byte of the request is sent
        connection.request(
            "GET",
            target.path,
            headers={
                "User-Agent": settings.NEWSROOM_FETCH_USER_AGENT,
                "Accept": ", ".join(sorted(accept)) + ", */*;q=0.1",
                "Accept-Encoding": "identity",
            },
        )
        response = connection.getresponse()
        if response.status in REDIRECTS:
            location = response.getheader("Location")
            if not location:
                raise FetchError(url, f"a redirect ({response.status}) with no Location")
            return urljoin(url, location.strip()), None
        if response.status >= 400:
            raise FetchError(url, f"the server answered {response.status} {response.reason}")
        if response.status != 200:
            raise FetchError(url, f"unexpected answer {response.status} {response.reason}")
        content_type, charset = _parse_type(response.getheader("Content-Type"))
        if content_type not in accept:
            wanted = "an HTML page" if accept == HTML_TYPES else "a feed"
            raise FetchError(url, f"the content type is {content_type}, not {wanted}")
        data = _decoded(url, response, _read(url, response, max_bytes, deadline), max_bytes)
        return None, Fetched(url, content_type, charset, data)
    except ssl.SSLError as error:
        raise FetchError(url, f"TLS error: {error.reason or error}") from None
    except TimeoutError:
        raise FetchError(url, "timed out") from None
    except (OSError, http.client.HTTPException) as error:
        raise FetchError(url, f"could not be fetched ({error or type(error).__name__})") from None
    finally:
        connection.close()


def fetch(
    url: str,
    accept: frozenset[str] = HTML_TYPES,
    max_bytes: int = PAGE_MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET ``url`` safely (see the module's docstring); FetchError names the URL on failure."""
    deadline = time.monotonic() + 3 * settings.NEWSROOM_FETCH_TIMEOUT
    current = url
    for _ in range(max_redirects + 1):
        try:
            following, fetched = _one_hop(current, accept, max_bytes, deadline)
        except FetchError as error:
            if current == url:
                raise
            raise FetchError(url, f"redirected to {current}: {error.reason}") from None
        if fetched is not None:
            return fetched
        assert following is not None
        current = following
    raise FetchError(url, f"more than {max_redirects} redirects")


def fetch_page(url: str) -> Fetched:
    return fetch(url, HTML_TYPES)


def fetch_feed(url: str) -> Fetched:
    return fetch(url, FEED_TYPES)
