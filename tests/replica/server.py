"""A tiny threaded HTTP server in front of a :class:`Site` (one per replicated source)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    raw_path: str

    def form(self) -> dict[str, str]:
        return {
            k: v[0] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()
        }


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json; charset=utf-8"

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class Fault:
    match: Callable[[Req], bool]
    reply: Callable[[Req], Reply]
    times: int | None = 1  # None: forever

    def take(self) -> bool:
        if self.times is None:
            return True
        if self.times <= 0:
            return False
        self.times -= 1
        return True


class Site:
    """Base replica: logs every request, applies injected faults first, then routes."""

    def __init__(self) -> None:
        self.requests: list[Req] = []
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        self.delay = 0.0  # added to every answer (slow site)
        self.base_url = ""

    # faults ---------------------------------------------------------------------------

    def inject(
        self,
        match: str | Callable[[Req], bool],
        reply: Reply | Callable[[Req], Reply],
        times: int | None = 1,
    ) -> Fault:
        pred = match if callable(match) else (lambda r, s=match: s in r.raw_path)
        rep = reply if callable(reply) else (lambda r, rep=reply: rep)
        fault = Fault(pred, rep, times)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def hits(self, fragment: str = "", method: str | None = None) -> list[Req]:
        with self.lock:
            return [
                r
                for r in self.requests
                if fragment in r.raw_path and (method is None or r.method == method)
            ]

    # dispatch -------------------------------------------------------------------------

    def handle(self, req: Req) -> Reply:
        with self.lock:
            self.requests.append(req)
            fault = next((f for f in self.faults if f.match(req) and f.take()), None)
        if fault is not None:
            return fault.reply(req)
        return self.route(req)

    def route(self, req: Req) -> Reply:  # pragma: no cover - abstract
        return Reply(404, "not found", content_type="text/plain")


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "nginx"
        sys_version = ""
        protocol_version = "HTTP/1.1"  # keep-alive, like the real sites
        timeout = 30

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            req = Req(
                self.command,
                parts.path,
                {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                {k.lower(): v for k, v in self.headers.items()},
                body,
                self.path,
            )
            try:
                rep = site.handle(req)
            except Exception as exc:  # a replica bug must show up, not hang the crawl
                rep = Reply(500, f"replica error: {exc!r}", content_type="text/plain")
            delay = rep.delay + site.delay
            if delay:
                time.sleep(delay)
            data = rep.payload()
            try:
                self.send_response(rep.status)
                if rep.content_type:
                    self.send_header("Content-Type", rep.content_type)
                for k, v in rep.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_HEAD = _serve

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # crawlers open several connections at once
    daemon_threads = True


class Replica:
    """Serve a site on 127.0.0.1:<random port> in a background thread."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.server = _Server(("127.0.0.1", 0), _handler(site))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        site.base_url = self.base_url
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Replica:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
