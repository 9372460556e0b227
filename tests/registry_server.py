"""A stand-in registry on 127.0.0.1 for tests over real sockets.

Tests register routes that answer in a registry's real format (from ``tests/fixtures/``) and queue
faults for the next requests: a hang past the client's timeout, a connection reset, an HTTP
status with a body and headers (a 503 page, a 429 with ``Retry-After``), a truncated body. Every
request is logged with its arrival time, so tests can observe retries and their spacing.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    """What to do instead of answering normally.

    kind: ``hang`` (sleep ``seconds`` then answer normally), ``reset`` (close with a TCP RST),
    ``status`` (answer ``response``), ``truncate`` (announce a longer body than is sent, then
    close), ``drip`` (send the normal body a byte every ``seconds``).
    """

    kind: str
    response: Response | None = None
    seconds: float = 0.0


Responder = Callable[[Request], Response]


def compress(body: bytes, coding: str) -> bytes:
    """``body`` in a content coding: ``gzip``, ``deflate`` (zlib-wrapped, as RFC 9110 says),
    ``raw-deflate`` (no wrapper, as some servers send it under ``deflate``) or ``br``."""
    import gzip
    import zlib

    import brotli  # type: ignore[import-untyped]

    if coding == "gzip":
        return gzip.compress(body, mtime=0)  # the same bytes every time
    if coding == "deflate":
        return zlib.compress(body)
    if coding == "raw-deflate":
        squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return squeezer.compress(body) + squeezer.flush()
    if coding == "br":
        return bytes(brotli.compress(body, quality=5))  # the default 11 is slow for big bodies
    raise ValueError(f"unknown coding {coding!r}")


def encoded(responder: Responder, coding: str) -> Responder:
    """``responder`` with every answer's body compressed and labelled with ``Content-Encoding``
    (``raw-deflate`` goes out labelled ``deflate``)."""

    def answer(request: Request) -> Response:
        plain = responder(request)
        label = "deflate" if coding == "raw-deflate" else coding
        return Response(
            plain.status,
            compress(plain.body, coding),
            plain.content_type,
            {**plain.headers, "Content-Encoding": label},
        )

    return answer


class RegistryServer:
    """Start with ``with RegistryServer() as server:``; ``server.url`` is the base URL."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Responder] = {}
        self.log: list[Request] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, method: str, path: str, responder: Responder) -> None:
        self.routes[(method.upper(), path)] = responder

    def encode_routes(self, coding: str) -> None:
        """Compress every answer of the routes registered so far (see :func:`encoded`)."""
        for key, responder in list(self.routes.items()):
            self.routes[key] = encoded(responder, coding)

    def fault(self, fault: Fault, times: int = 1) -> None:
        """Apply ``fault`` to the next ``times`` requests, whatever their route."""
        with self._lock:
            self._faults.extend([fault] * times)

    def requests(self, path: str | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self.log if path is None or r.path == path]

    def __enter__(self) -> RegistryServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without this, Nagle's algorithm and
            # delayed ACKs add about 40 ms to every answer.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:  # quiet tests
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    at=time.monotonic(),
                )
                with server._lock:
                    server.log.append(request)
                fault = server._next_fault()
                responder = server.routes.get((self.command, parts.path))
                if fault is not None and fault.kind == "hang":
                    time.sleep(fault.seconds)
                    fault = None
                if fault is not None and fault.kind == "reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    self.close_connection = True
                    return
                if fault is not None and fault.kind == "status" and fault.response is not None:
                    self._write(fault.response)
                    return
                if responder is None:
                    self._write(Response(404, b"no such route", "text/plain"))
                    return
                response = responder(request)
                if fault is not None and fault.kind == "truncate":
                    self._write(response, truncate=True)
                elif fault is not None and fault.kind == "drip":
                    self._write(response, drip=fault.seconds)
                else:
                    self._write(response)

            def _write(self, response: Response, truncate: bool = False, drip: float = 0) -> None:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                announced = len(response.body) * 2 + 10 if truncate else len(response.body)
                self.send_header("Content-Length", str(announced))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    if truncate:
                        self.wfile.write(response.body[: len(response.body) // 2])
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    if drip:
                        for byte in response.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(drip)
                        return
                    self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = _serve
            do_POST = _serve

        return Handler
