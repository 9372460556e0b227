"""The one HTTP policy every adapter goes through.

One httpx ``AsyncClient`` per event loop; connect and read timeouts and a total deadline; retries
with exponential backoff and full jitter on timeouts, dropped connections, 429 and 5xx (tenacity),
honouring ``Retry-After`` in both its forms; a rate limit (aiolimiter) and a concurrency cap per
registry; TLS verified; a user agent that names the project. Every exchange that returns a body is
kept as evidence: the body as received in the store by sha256, and an :class:`Evidence` record with
the method, the URL with secrets removed, the status, the UTC time, the media type and the content
encoding.

Bodies are decoded here, chunk by chunk, from every content coding the client asks for (gzip,
deflate with or without its zlib wrapper, brotli), and the body limit applies to the decoded size:
a decompression bomb stops as soon as its output passes the limit, without ever holding more than
the limit in memory. Redirects are followed only on the same scheme, host and port (at most
:data:`MAX_REDIRECTS`), each hop kept as evidence; a redirect elsewhere is a fault naming the host.

:data:`STATUS_OUTCOMES` and :data:`TRANSPORT_OUTCOMES` are the single table from what went wrong to
what the caller sees. Every fault becomes a :class:`~credverify.errors.LookupFailed` whose message
names the fault; the verifier reports it as ``unverifiable``, never ``verified`` or ``not-found``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import brotli  # type: ignore[import-untyped]  # brotli-stubs lacks 1.2's bounded output
import httpx
from aiolimiter import AsyncLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from credverify import __version__
from credverify.errors import (
    LayoutChanged,
    LookupFailed,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)
from credverify.records import Evidence

if TYPE_CHECKING:
    from credverify.adapters.base import Adapter
    from credverify.store import Store

__all__ = [
    "ACCEPT_ENCODING",
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "SECRET_PARAMS",
    "STATUS_OUTCOMES",
    "TRANSPORT_OUTCOMES",
    "USER_AGENT",
    "ContentDecoder",
    "Exchange",
    "Http",
    "redact",
    "same_host_redirect",
]

USER_AGENT = f"credverify/{__version__} (credential verification; python-httpx)"

# Exactly the codings ContentDecoder undoes: httpx would also offer zstd whenever the zstandard
# package happens to be installed, and an answer in it would then be a fault.
ACCEPT_ENCODING = "gzip, deflate, br"

# Query parameters whose values are secrets wherever they appear (compared case-insensitively);
# redact() always removes them, in addition to the names a caller passes.
SECRET_PARAMS = frozenset(
    {
        "access_token",
        "api_key",
        "api-key",
        "apikey",
        "client_secret",
        "key",
        "password",
        "secret",
        "sig",
        "signature",
        "token",
        "x-amz-security-token",
        "x-amz-signature",
        "x-goog-signature",
    }
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
# Largest piece a decoder produces at a time, so memory stays flat whatever the ratio.
DECODE_STEP = 64 * 1024

# HTTP status -> (error raised, what to tell the user, retry?). Statuses not listed: other 4xx are
# not retried, other 5xx are.
STATUS_OUTCOMES: dict[int, tuple[type[LookupFailed], str, bool]] = {
    400: (RegistryUnavailable, "the registry rejected the request (HTTP 400)", False),
    401: (RegistryUnavailable, "the registry refused access (HTTP 401)", False),
    403: (RegistryUnavailable, "the registry refused access (HTTP 403)", False),
    404: (LayoutChanged, "the registry endpoint was not found (HTTP 404)", False),
    408: (RegistryTimeout, "the registry timed out the request (HTTP 408)", True),
    412: (
        RegistryUnavailable,
        "the registry's anti-bot protection refused the request (HTTP 412)",
        False,
    ),
    429: (RateLimited, "the registry is rate-limiting (HTTP 429)", True),
    500: (RegistryUnavailable, "the registry had a server error (HTTP 500)", True),
    502: (RegistryUnavailable, "bad gateway in front of the registry (HTTP 502)", True),
    503: (RegistryUnavailable, "the registry is unavailable (HTTP 503)", True),
    504: (RegistryTimeout, "gateway timeout in front of the registry (HTTP 504)", True),
}

# Transport failure -> (error raised, what to tell the user). All of them are retried.
TRANSPORT_OUTCOMES: tuple[tuple[type[httpx.TransportError], type[LookupFailed], str], ...] = (
    (httpx.ConnectTimeout, RegistryTimeout, "connect timeout"),
    (httpx.ReadTimeout, RegistryTimeout, "read timeout: the registry stopped answering"),
    (httpx.WriteTimeout, RegistryTimeout, "write timeout"),
    (httpx.PoolTimeout, RegistryTimeout, "no free connection in time"),
    (httpx.ConnectError, RegistryUnavailable, "connection failed"),
    (
        httpx.RemoteProtocolError,
        RegistryUnavailable,
        "connection closed mid-response (truncated or reset)",
    ),
    (httpx.ReadError, RegistryUnavailable, "connection reset while reading"),
    (httpx.TransportError, RegistryUnavailable, "network error"),
)

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
PACING = 0.95


class _RedactUrls(logging.Filter):
    """httpx logs every request's URL at INFO, user info and query included: keys would reach
    the logs. This filter strips them from httpx's own records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(str(arg), [k for k, _ in arg.params.multi_items()])
                if isinstance(arg, httpx.URL)
                else arg
                for arg in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_RedactUrls())


@dataclass(frozen=True)
class Exchange:
    """A completed HTTP exchange with an accepted status, and its evidence.

    ``body`` is the decoded body; the store keeps the bytes as received (``evidence.sha256``).
    ``redirects`` holds the evidence of the same-host redirects that led here, in order.
    """

    status_code: int
    headers: httpx.Headers
    body: bytes
    evidence: Evidence
    redirects: tuple[Evidence, ...] = ()

    @property
    def media_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()

    @property
    def trail(self) -> tuple[Evidence, ...]:
        """The evidence of every hop, redirects first, this exchange last."""
        return (*self.redirects, self.evidence)

    def json(self) -> Any:
        import json

        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise LayoutChanged(
                f"layout changed: the answer is not JSON ({exc})", evidence=self.trail
            ) from None
        except RecursionError:
            raise LayoutChanged(
                "layout changed: the answer nests JSON deeper than the parser can follow",
                evidence=self.trail,
            ) from None


class _Stage(Protocol):
    """One content coding undone incrementally: pieces of at most DECODE_STEP bytes."""

    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> Iterator[bytes]: ...


class _ZlibStage:
    """gzip, or deflate with or without its zlib wrapper (servers send both; browsers take both,
    see https://www.rfc-editor.org/rfc/rfc9110#section-8.4.1.2)."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if coding == "gzip" else None
        self._head = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            # The zlib wrapper is told apart by its two-byte header (RFC 1950 section 2.2).
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            wrapped = data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        while True:
            try:
                piece = self._inflater.decompress(data, DECODE_STEP)
            except zlib.error as exc:
                raise _corrupt(self.coding, str(exc)) from None
            if piece:
                yield piece
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                rest = data or self._inflater.unused_data
                if not rest:
                    return
                if self.coding != "gzip":
                    raise _corrupt(self.coding, "data after the end of the stream")
                # A gzip body may hold several members, one after the other (RFC 1952).
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                data = rest
            elif not data and len(piece) < DECODE_STEP:
                return

    def finish(self) -> Iterator[bytes]:
        if self._inflater is None or not self._inflater.eof:
            raise _corrupt(self.coding, "the stream ends before its end marker")
        return iter(())


class _BrotliStage:
    """brotli (https://www.rfc-editor.org/rfc/rfc7932), bounded by ``output_buffer_limit``."""

    coding = "br"

    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            piece = self._decompressor.process(data, output_buffer_limit=DECODE_STEP)
            # Output may still be pending even when can_accept_more_data() says True: drain
            # until a call yields nothing.
            while piece:
                yield piece
                if self._decompressor.is_finished():
                    return
                piece = self._decompressor.process(b"", output_buffer_limit=DECODE_STEP)
        except brotli.error as exc:
            raise _corrupt(self.coding, str(exc) or "invalid data") from None

    def finish(self) -> Iterator[bytes]:
        if not self._decompressor.is_finished():
            raise _corrupt(self.coding, "the stream ends before its end marker")
        return iter(())


def _corrupt(coding: str, why: str) -> LayoutChanged:
    return LayoutChanged(f"layout changed: the answer's {coding} data is corrupt ({why})")


class ContentDecoder:
    """Undoes a ``Content-Encoding`` incrementally, never yielding more than DECODE_STEP bytes at
    a time, so a caller that counts the pieces can stop a decompression bomb early.

    Codings are undone in the reverse of the order they were applied (RFC 9110 section 8.4);
    ``identity`` is none at all. An unknown coding or corrupt data raises LayoutChanged.
    """

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        self.codings = tuple(c for c in codings if c != "identity")
        """The codings as the server applied them, e.g. ``("gzip",)``; empty for none."""
        self._received = 0
        self._stages: list[_Stage] = []
        for coding in reversed(self.codings):
            if coding in ("gzip", "x-gzip", "deflate"):
                self._stages.append(_ZlibStage("deflate" if coding == "deflate" else "gzip"))
            elif coding == "br":
                self._stages.append(_BrotliStage())
            else:
                raise LayoutChanged(
                    f"layout changed: the answer is encoded as {coding!r}, which credverify "
                    f"does not decode (it asks for {ACCEPT_ENCODING})"
                )

    @property
    def content_encoding(self) -> str | None:
        """The codings as one header value, or None for a body sent as is."""
        return ", ".join(self.codings) or None

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces that ``data``, the next received bytes, makes available."""
        self._received += len(data)
        return _through(self._stages, data)

    def finish(self) -> Iterator[bytes]:
        """The last pieces; raises LayoutChanged if a stream stopped before its end."""
        if not self._received:
            return  # an empty body (a redirect, a 204) is empty whatever its header says
        for position, stage in enumerate(self._stages):
            for piece in stage.finish():
                yield from _through(self._stages[position + 1 :], piece)


def _through(stages: list[_Stage], data: bytes) -> Iterator[bytes]:
    if not stages:
        if data:
            yield data
        return
    for piece in stages[0].feed(data):
        yield from _through(stages[1:], piece)


class _Retry(Exception):
    """A failed attempt worth another try; carries the error to raise if none is left."""

    def __init__(self, failure: LookupFailed, retry_after: float | None = None) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.retry_after = retry_after


@dataclass
class _LoopState:
    client: httpx.AsyncClient
    limiters: dict[str, tuple[AsyncLimiter, asyncio.Semaphore]]


class Http:
    """The shared HTTP policy. One per verifier; safe to use from several event loops in turn."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        attempts: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_retry_after: float = 30.0,
        deadline: float = 60.0,
        max_body: int = 5_000_000,
        offline: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.deadline = deadline
        self.max_body = max_body
        self.offline = offline
        self._transport = transport
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            client = httpx.AsyncClient(
                timeout=self.timeout,
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
                verify=True,
                follow_redirects=False,
                transport=self._transport,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
            state = _LoopState(client, {})
            self._loops[loop] = state
        return state

    async def aclose(self) -> None:
        """Close the client of the running loop."""
        state = self._loops.pop(asyncio.get_running_loop(), None)
        if state is not None:
            await state.client.aclose()

    def _limits(self, adapter: Adapter) -> tuple[AsyncLimiter, asyncio.Semaphore]:
        limiters = self._state().limiters
        if adapter.id not in limiters:
            # A bucket of one request keeps the pace even from the first second, and 5% under
            # the declared limit: at exactly the limit, timing jitter puts one request too many
            # into some 1 s window of the registry's counter (measured: one 429 in 2,000).
            limiters[adapter.id] = (
                AsyncLimiter(1, 1.0 / (adapter.rate_limit * PACING)),
                asyncio.Semaphore(adapter.concurrency),
            )
        return limiters[adapter.id]

    async def request(
        self,
        adapter: Adapter,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        secrets: Iterable[str] = (),
        accept: Iterable[int] = (200,),
        accept_if: Callable[[int, bytes], bool] | None = None,
    ) -> Exchange:
        """Send one request under the policy; return the exchange or raise LookupFailed.

        ``accept_if(status, body)`` lets an adapter take an answer the table would treat as a
        fault (a SOAP Fault travels with HTTP 500); anything else keeps the table's handling,
        retries included.
        """
        if self.offline:
            raise RegistryUnavailable("offline: no network requests are made")
        accepted = frozenset(accept)
        secret_names = frozenset(secrets) | frozenset(getattr(adapter, "base_params", {}))
        if params is not None and urlsplit(url).query:
            # httpx replaces a URL's query with ``params``: keep both (a key in the base URL).
            parts = urlsplit(url)
            params = {**dict(parse_qsl(parts.query, keep_blank_values=True)), **params}
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        evidence: list[Evidence] = []

        async def attempt() -> Exchange:
            limiter, slots = self._limits(adapter)
            async with slots, limiter:
                return await asyncio.wait_for(
                    self._send(
                        adapter, method, url, content, json, params, headers,
                        secret_names, accepted, accept_if, evidence,
                    ),
                    timeout=self.deadline,
                )  # fmt: skip

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retry),
            reraise=True,
        )
        try:
            async for attempt_state in retrying:
                with attempt_state:
                    return await attempt()
        except _Retry as last:
            tries = f"after {self.attempts} attempts" if self.attempts > 1 else "no retry left"
            raise type(last.failure)(
                f"{last.failure.message} ({tries})", evidence=tuple(evidence)
            ) from None
        except TimeoutError:
            raise RegistryTimeout(
                f"no complete answer within {self.deadline:g} s", evidence=tuple(evidence)
            ) from None
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _wait(self, state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        if isinstance(failure, _Retry) and failure.retry_after is not None:
            return failure.retry_after
        backoff = wait_random_exponential(multiplier=self.backoff, max=self.max_backoff)
        return float(backoff(state))

    async def _send(
        self,
        adapter: Adapter,
        method: str,
        url: str,
        content: bytes | None,
        json_body: Any,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        secret_names: frozenset[str],
        accepted: frozenset[int],
        accept_if: Callable[[int, bytes], bool] | None,
        evidence: list[Evidence],
    ) -> Exchange:
        client = self._state().client
        hops: list[Evidence] = []
        request = client.build_request(
            method, url, content=content, json=json_body, params=params, headers=headers
        )
        while True:
            try:
                response = await client.send(request, stream=True)
                try:
                    received, body, coding = await self._read_limited(response)
                finally:
                    await response.aclose()
            except httpx.TransportError as exc:
                for transport_error, failure_kind, why in TRANSPORT_OUTCOMES:
                    if isinstance(exc, transport_error):
                        raise _Retry(failure_kind(why)) from None
                raise  # pragma: no cover - TRANSPORT_OUTCOMES ends with the base class
            except LookupFailed as fault:
                raise type(fault)(fault.message, evidence=tuple(evidence)) from None
            record = self._evidence(
                adapter, request, response, received, body, coding, secret_names
            )
            evidence.append(record)
            if response.status_code in accepted or (
                accept_if is not None and accept_if(response.status_code, body)
            ):
                return Exchange(response.status_code, response.headers, body, record, tuple(hops))
            if response.status_code not in REDIRECT_STATUSES or "location" not in response.headers:
                break
            if len(hops) == MAX_REDIRECTS:
                raise RegistryUnavailable(
                    f"the registry redirected more than {MAX_REDIRECTS} times",
                    evidence=tuple(evidence),
                )
            hops.append(record)
            try:
                target = same_host_redirect(request.url, response, secret_names)
            except LookupFailed as fault:
                raise type(fault)(fault.message, evidence=tuple(evidence)) from None
            request = _redirect_request(client, request, response.status_code, target)
        failure_type, reason, retry = STATUS_OUTCOMES.get(
            response.status_code,
            (
                RegistryUnavailable,
                f"unexpected answer (HTTP {response.status_code})",
                response.status_code >= 500,
            ),
        )
        failure = failure_type(reason, evidence=(record,))
        if not retry:
            raise failure
        retry_after = _retry_after(response.headers.get("retry-after"))
        if retry_after is not None and retry_after > self.max_retry_after:
            raise type(failure)(
                f"{reason}; it asks to wait {retry_after:g} s, more than the "
                f"{self.max_retry_after:g} s allowed",
                evidence=(record,),
            )
        raise _Retry(failure, retry_after)

    async def _read_limited(self, response: httpx.Response) -> tuple[bytes, bytes, str | None]:
        """The body as received, decoded, and its content coding; the limit applies to both
        sizes, and stops a decompression bomb at the first piece past it."""
        decoder = ContentDecoder(response.headers.get("content-encoding"))
        coding = decoder.content_encoding
        received: list[bytes] = []
        decoded: list[bytes] = []
        received_size = decoded_size = 0

        def keep(pieces: Iterable[bytes]) -> None:
            nonlocal decoded_size
            for piece in pieces:
                decoded_size += len(piece)
                if decoded_size > self.max_body:
                    raise LookupFailed(
                        f"the answer decodes ({coding}) to more than the {self.max_body:,} "
                        "byte limit"
                    )
                decoded.append(piece)

        async for chunk in response.aiter_raw():
            received_size += len(chunk)
            if received_size > self.max_body:
                raise LookupFailed(f"the answer is larger than the {self.max_body:,} byte limit")
            received.append(chunk)
            if coding is not None:
                keep(decoder.feed(chunk))
        raw = b"".join(received)
        if coding is None:
            return raw, raw, None
        keep(decoder.finish())
        return raw, b"".join(decoded), coding

    def _evidence(
        self,
        adapter: Adapter,
        request: httpx.Request,
        response: httpx.Response,
        received: bytes,
        body: bytes,
        coding: str | None,
        secret_names: frozenset[str],
    ) -> Evidence:
        media_type = response.headers.get("content-type", "").split(";")[0].strip() or None
        sha256 = (
            self.store.put_blob(received, media_type)
            if self.store is not None
            else hashlib.sha256(received).hexdigest()
        )
        return Evidence(
            adapter=adapter.id,
            method=request.method,
            url=redact(str(request.url), secret_names),
            status_code=response.status_code,
            retrieved_at=datetime.now(UTC),
            sha256=sha256,
            media_type=media_type,
            size=len(received),
            content_encoding=coding,
            decoded_sha256=hashlib.sha256(body).hexdigest() if coding is not None else None,
        )


def same_host_redirect(
    url: httpx.URL, response: httpx.Response, secret_names: Iterable[str] = ()
) -> httpx.URL:
    """Where a redirect leads, if it stays on the scheme, host and port of ``url``; a redirect
    elsewhere raises RegistryUnavailable naming the other place, secrets removed."""
    location = response.headers.get("location", "")
    try:
        target = url.join(location)
    except httpx.InvalidURL:
        raise RegistryUnavailable(
            f"the registry redirected to an unusable location ({location[:80]!r})"
        ) from None
    if _origin(target) != _origin(url):
        raise RegistryUnavailable(
            f"the registry redirected (HTTP {response.status_code}) to another host "
            f"({redact(str(target), secret_names)}); "
            f"only redirects within {_origin_text(url)} are followed"
        )
    return target


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default_ports = {"http": 80, "https": 443}
    return url.scheme, url.host.lower(), url.port or default_ports.get(url.scheme)


def _origin_text(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii').rpartition('@')[2]}"


def _redirect_request(
    client: httpx.AsyncClient, request: httpx.Request, status: int, target: httpx.URL
) -> httpx.Request:
    """The next request of a redirect: 303 (and 301/302 after a POST, as browsers do) become a
    GET without a body; 307 and 308 repeat the method and the body
    (https://www.rfc-editor.org/rfc/rfc9110#section-15.4)."""
    headers = httpx.Headers(request.headers)
    del headers["host"]
    if status == 303 or (status in (301, 302) and request.method == "POST"):
        for name in ("content-length", "content-type", "transfer-encoding"):
            headers.pop(name, None)
        return client.build_request(
            "HEAD" if request.method == "HEAD" else "GET", target, headers=headers
        )
    return client.build_request(request.method, target, content=request.content, headers=headers)


def redact(url: str, secret_names: Iterable[str] = ()) -> str:
    """The URL without user info and with the values of secret query parameters removed: those
    named, and always every one in :data:`SECRET_PARAMS`."""
    names = SECRET_PARAMS | {n.lower() for n in secret_names}
    parts = urlsplit(url)
    query = urlencode(
        [
            (k, "REDACTED" if k.lower() in names else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
    )
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in either form: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
