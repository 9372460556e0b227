"""The one HTTP policy every adapter goes through.

One httpx ``AsyncClient`` per event loop; connect and read timeouts and a total deadline; retries
with exponential backoff and full jitter on timeouts, dropped connections, 429 and 5xx (tenacity),
honouring ``Retry-After`` in both its forms; a rate limit (aiolimiter) and a concurrency cap per
registry; TLS verified; a user agent that names the project. Every exchange that returns a body is
kept as evidence: the raw body in the store by sha256, and an :class:`Evidence` record with the
method, the URL with secrets removed, the status, the UTC time and the media type.

:data:`STATUS_OUTCOMES` and :data:`TRANSPORT_OUTCOMES` are the single table from what went wrong to
what the caller sees. Every fault becomes a :class:`~credverify.errors.LookupFailed` whose message
names the fault; the verifier reports it as ``unverifiable``, never ``verified`` or ``not-found``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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

__all__ = ["STATUS_OUTCOMES", "TRANSPORT_OUTCOMES", "USER_AGENT", "Exchange", "Http"]

USER_AGENT = f"credverify/{__version__} (credential verification; python-httpx)"

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
    """A completed HTTP exchange with an accepted status, and its evidence."""

    status_code: int
    headers: httpx.Headers
    body: bytes
    evidence: Evidence

    @property
    def media_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()

    def json(self) -> Any:
        import json

        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise LayoutChanged(
                f"layout changed: the answer is not JSON ({exc})", evidence=(self.evidence,)
            ) from None


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
                headers={"User-Agent": USER_AGENT},
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
        try:
            request = client.build_request(
                method, url, content=content, json=json_body, params=params, headers=headers
            )
            response = await client.send(request, stream=True)
            try:
                body = await self._read_limited(response)
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            for transport_error, failure_kind, why in TRANSPORT_OUTCOMES:
                if isinstance(exc, transport_error):
                    raise _Retry(failure_kind(why)) from None
            raise  # pragma: no cover - TRANSPORT_OUTCOMES ends with the base class
        record = self._evidence(adapter, method, str(request.url), response, body, secret_names)
        evidence.append(record)
        if response.status_code in accepted or (
            accept_if is not None and accept_if(response.status_code, body)
        ):
            return Exchange(response.status_code, response.headers, body, record)
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

    async def _read_limited(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > self.max_body:
                raise LookupFailed(f"the answer is larger than the {self.max_body:,} byte limit")
            chunks.append(chunk)
        return b"".join(chunks)

    def _evidence(
        self,
        adapter: Adapter,
        method: str,
        url: str,
        response: httpx.Response,
        body: bytes,
        secret_names: frozenset[str],
    ) -> Evidence:
        media_type = response.headers.get("content-type", "").split(";")[0].strip() or None
        sha256 = (
            self.store.put_blob(body, media_type)
            if self.store is not None
            else hashlib.sha256(body).hexdigest()
        )
        return Evidence(
            adapter=adapter.id,
            method=method,
            url=redact(url, secret_names),
            status_code=response.status_code,
            retrieved_at=datetime.now(UTC),
            sha256=sha256,
            media_type=media_type,
            size=len(body),
        )


def redact(url: str, secret_names: Iterable[str]) -> str:
    """The URL without user info and with the values of secret query parameters removed."""
    names = {n.lower() for n in secret_names}
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
