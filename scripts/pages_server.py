"""A built site served on 127.0.0.1 as GitHub Pages serves it, for the browser tests and Lighthouse.

Like GitHub Pages: text types gzip-compressed when the browser accepts it (images and fonts, which
are compressed already, as they are), ``Cache-Control: max-age=600``, ``/page`` redirected to
``/page/``, the site's 404.html for a missing page, and kept-alive connections (HTTP/1.1; GitHub
Pages also speaks HTTP/2).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

LOCAL_HOST = "127.0.0.1"
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # http.server's default, HTTP/1.0, opens a connection per file
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "application/javascript",
        ".mjs": "application/javascript",
        ".json": "application/json",
        ".woff2": "font/woff2",
        ".ipynb": "application/x-ipynb+json",
    }

    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass

    def handle(self):
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            pass  # the browser dropped a kept-alive connection it no longer needed

    def send_head(self) -> bytes | None:
        """Send the status and headers; return the body to send (None: already answered)."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and not urlsplit(self.path).path.endswith("/"):
            super().send_head()  # the 301 to "/page/"
            return None
        if path.is_dir():
            path = path / "index.html"
        status = 200
        if not path.is_file():
            path, status = Path(self.directory) / "404.html", 404
            if not path.is_file():
                self.send_error(404)
                return None
        body = path.read_bytes()
        content_type = self.guess_type(str(path))
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        compress = content_type.startswith(COMPRESSED_TYPES) and accepts_gzip
        if compress:
            body = gzip.compress(body, compresslevel=6)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if compress:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return body

    def do_GET(self):
        body = self.send_head()
        if body is not None:
            self.wfile.write(body)

    def do_HEAD(self):
        self.send_head()


class PagesServer:
    """Serve ``root`` on 127.0.0.1 at a free port, in a background thread (a context manager)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        handler = functools.partial(PagesHandler, directory=str(self.root))
        self._httpd = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://{LOCAL_HOST}:{self.port}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> PagesServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True  # never leaves the browser
        return parts.scheme in ("http", "https") and parts.hostname == LOCAL_HOST
