"""A real HTTP server on 127.0.0.1 for the tests that fetch pages and feeds: it serves the
pages in ``tests/pages/`` and a few misbehaving answers (redirects, errors, slow, too big)."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from articles.importer import PAGE_MAX_BYTES

PAGES = Path(__file__).resolve().parent / "pages"
TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
}


def padded_page(size: int, page: str = "meridian-kharkiv-shelling.html") -> bytes:
    """A saved page of ``size`` bytes whose article is small: the rest is what real pages carry
    beside it (a framework's JSON state in a script, as news sites ship)."""
    html = (PAGES / page).read_bytes()
    opening, rest = html.split(b"</head>", 1)
    script = b'<script id="__STATE__" type="application/json">{"items": ['
    end = b"]}</script>\n</head>"
    item = b'{"id": 12345, "teaser": "Related story teaser text for the carousel"},'
    filler = size - len(opening) - len(rest) - len(script) - len(end)
    padding = (item * (filler // len(item) + 1))[:filler]
    return opening + script + padding + end + rest


@dataclass
class PageServer:
    base: str
    requests: list[dict] = field(default_factory=list)  # path and headers of each request

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"


def _handler(server: PageServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def send(self, status: int, body: bytes = b"", content_type="text/html", **headers):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            # The client may stop reading (a body over its limit): what it should do.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def do_GET(self):  # noqa: N802 (http.server's name)
            server.requests.append({"path": self.path, "headers": dict(self.headers)})
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            path = parts.path
            if path == "/to":  # /to?url=...: one redirect to anywhere
                return self.send(302, Location=query["url"][0])
            if path.startswith("/hops/"):  # /hops/<n>/<page>: n redirects, then the page
                _, _, n, page = path.split("/", 3)
                target = f"/hops/{int(n) - 1}/{page}" if int(n) > 1 else f"/{page}"
                return self.send(301, Location=target)
            if path.startswith("/status/"):
                return self.send(int(path.rsplit("/", 1)[1]), b"<p>No.</p>")
            if path == "/json":
                return self.send(200, b'{"a": 1}', "application/json")
            if path == "/big":  # no Content-Length: the reader must stop by itself
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<p>" + b"x" * 65_000 + b"</p>\n"
                for _ in range(PAGE_MAX_BYTES // len(chunk) + 2):
                    self.wfile.write(chunk)
                return None
            if path == "/big-declared":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(PAGE_MAX_BYTES * 3))
                self.end_headers()
                return None
            if path.startswith("/padded/"):  # /padded/<bytes>: a big page, a small article
                return self.send(200, padded_page(int(path.rsplit("/", 1)[1])))
            if path == "/gzip":  # compressed although the client asked for identity
                import gzip

                page = (PAGES / "ledger-grain-talks.html").read_bytes()
                return self.send(200, gzip.compress(page), Content_Encoding="gzip")
            if path == "/gzip-bomb":
                import gzip

                bomb = gzip.compress(b"<p>" + b"a" * (PAGE_MAX_BYTES * 4))
                return self.send(200, bomb, Content_Encoding="gzip")
            if path == "/slow":
                time.sleep(float(query.get("s", ["2"])[0]))
                return self.send(200, b"<p>late</p>")
            file = PAGES / path.lstrip("/")
            if file.parent != PAGES or not file.is_file():
                return self.send(404, b"<p>Not here.</p>")
            body = file.read_bytes()
            content_type = TYPES.get(file.suffix, "application/octet-stream")
            if file.suffix in (".rss", ".atom"):
                body = body.replace(b"{base}", server.base.encode())
            return self.send(200, body, content_type)

    return Handler


def start() -> tuple[ThreadingHTTPServer, PageServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(PageServer("")))
    state = PageServer(f"http://127.0.0.1:{httpd.server_address[1]}")
    httpd.RequestHandlerClass = _handler(state)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, state
