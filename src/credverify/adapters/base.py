"""The adapter contract: one subclass of :class:`Adapter` per primary source.

An adapter declares who it is (id, official name, schemes, kind), how politely to call its source
(default base URL, rate limit, concurrency cap, batch size) and how long an answer stays fresh
(cache TTL), and implements ``lookup``: build the request, send it through the shared HTTP policy
(:mod:`credverify.adapters.http`), parse the source's real format into :class:`RegistryRecord`s.
Faults raise :class:`~credverify.errors.LookupFailed`; the verifier turns them into
``unverifiable``. Adapters never decide ``verified``: they report what the source said.

Built-in adapters register with :func:`register`; third-party ones are found through the
entry-point group ``credverify.adapters`` (a broken plugin warns, it never breaks the import).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tomllib
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from credverify.errors import (
    ConfigurationError,
    LayoutChanged,
    LookupFailed,
    Refused,
    UnknownWording,
)
from credverify.records import Attachment, Evidence, RegistryRecord

if TYPE_CHECKING:
    from credverify.adapters.http import Exchange, Http

_Meaning = TypeVar("_Meaning")

__all__ = [
    "ENTRY_POINT_GROUP",
    "Adapter",
    "AdapterKind",
    "Answer",
    "BatchAdapter",
    "BatchResults",
    "Query",
    "Request",
    "SplitBatch",
    "Vocabulary",
    "adapter_class",
    "available",
    "base_url_env",
    "missing_answer",
    "plugins",
    "register",
    "resolve_base_url",
]

ENTRY_POINT_GROUP = "credverify.adapters"
CONFIG_ENV = "CREDVERIFY_CONFIG"


class AdapterKind(StrEnum):
    API = "api"
    SOAP = "soap"
    HTML = "html"
    SNAPSHOT = "snapshot"
    ATTESTATION = "attestation"


@dataclass(frozen=True)
class Query:
    """What to look up: the claim's fields, the identifier already in its compact form, and any
    documents the holder supplied (read only by attestation adapters)."""

    scheme: str
    identifier: str | None = None
    holder: str | None = None
    tier: str | None = None
    jurisdiction: str | None = None
    attachments: tuple[Attachment, ...] = ()

    def key(self) -> str:
        """The cache key: the query's fields, canonical; never any secret."""
        holder = " ".join(self.holder.casefold().split()) if self.holder else None
        fields = {
            "scheme": self.scheme,
            "identifier": self.identifier,
            "holder": holder,
            "tier": self.tier,
            "jurisdiction": self.jurisdiction.upper() if self.jurisdiction else None,
            "attachments": sorted(a.sha256 for a in self.attachments) or None,
        }
        return json.dumps({k: v for k, v in fields.items() if v}, sort_keys=True)


@dataclass(frozen=True)
class Answer:
    """What a source said for one query: its records and the evidence of the exchanges.

    ``no_result`` is the source's own, recognised no-result signal, quoted ("No results returned
    for PYL123456", ``"valid": false``): the only ground on which a check may say ``not-found``.
    An answer with no records and no such signal is a changed layout, never "not found".
    ``unconfirmable`` names claim fields this source can never confirm (the EU AEO directory never
    shows an authorisation number); ``notes`` carry its caveats.
    """

    records: tuple[RegistryRecord, ...]
    evidence: tuple[Evidence, ...]
    unconfirmable: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    no_result: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "records": [r.model_dump(mode="json") for r in self.records],
                "evidence": [e.model_dump(mode="json") for e in self.evidence],
                "unconfirmable": list(self.unconfirmable),
                "notes": list(self.notes),
                "no_result": self.no_result,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Answer:
        data = json.loads(text)
        return cls(
            records=tuple(RegistryRecord.model_validate(r) for r in data["records"]),
            evidence=tuple(Evidence.model_validate(e) for e in data["evidence"]),
            unconfirmable=tuple(data.get("unconfirmable", ())),
            notes=tuple(data.get("notes", ())),
            no_result=data.get("no_result"),
        )


@dataclass(frozen=True)
class Request:
    """One request of a lookup, relative to the adapter's base URL; sent by the shared policy."""

    path: str
    method: str = "GET"
    params: Mapping[str, str] | None = None
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] | None = None
    accept: tuple[int, ...] = (200,)
    accept_if: Callable[[int, bytes], bool] | None = None
    """Lets the adapter take an answer the status table treats as a fault (a SOAP Fault with
    HTTP 500)."""


class Vocabulary(Generic[_Meaning]):
    """The exact wordings of one field that an adapter understands, and what each means.

    Wordings are compared case-insensitively with whitespace collapsed, never as substrings: a
    wording that is not in the table raises :class:`~credverify.errors.UnknownWording` quoting it,
    so the check is ``unverifiable`` rather than a guess.

    >>> status = Vocabulary("status", {"Registered": True, "Suspended": False})
    >>> status("  registered ")
    True
    >>> status("Erased")
    Traceback (most recent call last):
    ...
    credverify.errors.UnknownWording: unknown status wording 'Erased' (known: Registered, Suspended)
    """

    def __init__(self, what: str, meanings: Mapping[str, _Meaning]) -> None:
        self.what = what
        self.wordings = tuple(meanings)
        self._meanings = {_wording_key(k): v for k, v in meanings.items()}

    def __contains__(self, wording: object) -> bool:
        return isinstance(wording, str) and _wording_key(wording) in self._meanings

    def __call__(self, wording: str) -> _Meaning:
        try:
            return self._meanings[_wording_key(wording)]
        except KeyError:
            known = ", ".join(self.wordings)
            raise UnknownWording(
                f"unknown {self.what} wording {wording!r} (known: {known})"
            ) from None


def _wording_key(wording: str) -> str:
    return " ".join(wording.split()).casefold()


class Adapter(ABC):
    """One primary source. The base owns the lookup flow; a subclass declares who it is and
    implements :meth:`request` (what to ask) and :meth:`parse` (what the answer says).

    The flow, written once here and never in a subclass: refuse what the source cannot answer ->
    :meth:`fetch` (one request through the shared HTTP policy) -> :meth:`parse`, off the event
    loop and under the deadline for HTML -> :meth:`checked` (records, or the source's own
    no-result signal, or a changed layout). Any fault, and any error a parser raises on an answer
    it cannot read, ends as :class:`~credverify.errors.LookupFailed`: ``unverifiable``.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    schemes: ClassVar[tuple[str, ...]]
    kind: ClassVar[AdapterKind]
    default_base_url: ClassVar[str]
    rate_limit: ClassVar[float] = 5.0
    """Requests per second at most."""
    concurrency: ClassVar[int] = 4
    """Requests in flight at most."""
    cache_ttl: ClassVar[timedelta] = timedelta(days=1)
    batch_size: ClassVar[int] = 1
    """Queries one request can carry (HMRC and EOS take 10 EORIs)."""
    parser_version: ClassVar[int] = 1
    """Raised whenever ``parse`` reads the source differently: cached answers of an older
    parser are then never served."""
    short_name: ClassVar[str] = ""
    """How messages name the source ("NPPES", "HCPC"); the full name when empty."""
    never_confirms: ClassVar[tuple[str, ...]] = ()
    """Claim fields this source never shows (an NPI's end date, the EU AEO directory's
    authorisation number): every answer of the source says so."""
    parse_off_loop: ClassVar[bool] = False
    """Parse in a worker thread under the deadline (HTML pages can be slow to parse)."""

    def __init__(self, http: Http, base_url: str | None = None) -> None:
        self.http = http
        # A base URL may carry a key in its query (``...?api_key=K``): it is kept apart, sent
        # with every request, and redacted from evidence as a secret.
        parts = urlsplit(
            check_base_url(
                base_url or resolve_base_url(self.id, self.default_base_url),
                f"the base URL of adapter {self.id}",
            )
        )
        self.base_params = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.base_url = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))

    @property
    def source(self) -> str:
        """How messages name this source."""
        return self.short_name or self.name

    @property
    def endpoint_id(self) -> str:
        """The base URL as it may be shown and kept: user info and query secrets removed.
        Part of every cache key, so a sandbox's answer is never served for production."""
        from credverify.adapters.http import redact

        return redact(self.base_url, ())

    def endpoint(self, path: str) -> str:
        """The URL of ``path`` under the base URL, with the base URL's own query parameters."""
        url = self.base_url + path
        if self.base_params:
            url += ("&" if "?" in url else "?") + urlencode(self.base_params)
        return url

    # -- what a subclass provides ------------------------------------------------------------

    def refuses(self, query: Query) -> str | None:
        """Why this source cannot answer ``query`` (None when it can), e.g. GB EORIs in EOS."""
        return None

    def request_key(self, query: Query) -> str:
        """What makes two queries the same request (dedupe and cache key): by default the
        identifier when there is one, since the source's answer does not depend on the claimed
        name or tier; those are compared afterwards."""
        if query.identifier:
            return Query(scheme=query.scheme, identifier=query.identifier).key()
        return query.key()

    def request(self, query: Query) -> Request:
        """The request that asks the source about ``query`` (HTTP sources implement it)."""
        raise NotImplementedError(f"{self.id} sends no requests")

    @abstractmethod
    def parse(self, exchange: Exchange, query: Query) -> Answer:
        """Read the source's answer to ``query``: records, or the source's own no-result signal
        (``Answer.no_result``). Raise :meth:`layout_changed` (or let a :class:`Vocabulary` raise)
        for anything else; never infer "no record" from the absence of something."""

    # -- the one flow --------------------------------------------------------------------------

    async def lookup(self, query: Query) -> Answer:
        """Ask the source about one query; raise LookupFailed (or a subclass) on any fault."""
        self.admit(query)
        exchange = await self.fetch(query)
        return await self.read(exchange, query)

    async def lookup_many(self, queries: Sequence[Query]) -> list[Answer | LookupFailed]:
        """Answer many queries, one result per query in order."""

        async def one(query: Query) -> Answer | LookupFailed:
            try:
                return await self.lookup(query)
            except LookupFailed as failure:
                return failure

        return list(await asyncio.gather(*(one(q) for q in queries)))

    def admit(self, query: Query) -> None:
        """Raise Refused when the source cannot answer ``query``; no request is made."""
        if query.scheme not in self.schemes:
            raise Refused(f"{self.id} answers for {', '.join(self.schemes)}, not {query.scheme!r}")
        reason = self.refuses(query)
        if reason is not None:
            raise Refused(reason)

    async def fetch(self, query: Query) -> Exchange:
        """The source's answer to ``query``: by default, :meth:`request` sent through the policy."""
        return await self.send(self.request(query))

    async def send(self, request: Request) -> Exchange:
        return await self.http.request(
            self,
            request.method,
            self.endpoint(request.path),
            params=request.params,
            json=request.json,
            content=request.content,
            headers=request.headers,
            accept=request.accept,
            accept_if=request.accept_if,
        )

    async def read(self, exchange: Exchange, query: Query) -> Answer:
        """:meth:`parse`, fail-closed: whatever goes wrong while reading is a LookupFailed with
        the exchange as its evidence, and an answer must hold records or a no-result signal."""
        try:
            if self.parse_off_loop:
                answer = await asyncio.wait_for(
                    asyncio.to_thread(self.parse, exchange, query), timeout=self.http.deadline
                )
            else:
                answer = self.parse(exchange, query)
        except TimeoutError:
            raise self.layout_changed(
                exchange, f"could not be read within {self.http.deadline:g} s"
            ) from None
        except (LookupFailed, Exception) as error:
            raise self.failure(exchange, error) from None
        return self.checked(exchange, answer)

    def checked(self, exchange: Exchange, answer: Answer) -> Answer:
        """The answer, if it holds records or the source's own no-result signal."""
        if not answer.records and not answer.no_result:
            raise self.layout_changed(
                exchange, "answered with neither a record nor its recognised no-result signal"
            )
        if exchange.redirects:  # the same-host hops that led to the answer are evidence too
            answer = replace(answer, evidence=(*exchange.redirects, *answer.evidence))
        if not set(self.never_confirms) <= set(answer.unconfirmable):
            unconfirmable = tuple(dict.fromkeys((*answer.unconfirmable, *self.never_confirms)))
            answer = replace(answer, unconfirmable=unconfirmable)
        return answer

    def layout_changed(self, exchange: Exchange | None, why: str) -> LayoutChanged:
        """The one way to say the source answered in a form this adapter does not know."""
        evidence = exchange.trail if exchange is not None else ()
        return LayoutChanged(f"layout changed: {self.source} {why}", evidence=evidence)

    def failure(self, exchange: Exchange, error: BaseException) -> LookupFailed:
        """Any error raised while reading an answer, as a LookupFailed carrying the exchange."""
        if isinstance(error, LookupFailed):
            if error.evidence:
                return error
            if isinstance(error, UnknownWording):
                return UnknownWording(f"{self.source}: {error.message}", evidence=exchange.trail)
            return type(error)(error.message, evidence=exchange.trail)
        if isinstance(error, RecursionError):
            return self.layout_changed(exchange, "nests its answer deeper than can be read")
        return self.layout_changed(
            exchange, f"sent an answer its parser cannot read ({type(error).__name__}: {error})"
        )


BatchResults = dict[str, Answer | LookupFailed]


class SplitBatch(Exception):
    """Raised by :meth:`BatchAdapter.parse_batch` when the source rejected a whole batch for one
    bad member (HMRC's 400): each identifier is then asked alone, so it sinks only itself."""


class BatchAdapter(Adapter):
    """A source that checks several identifiers in one request (HMRC, EOS: up to 10).

    Subclasses implement :meth:`batch_request` and :meth:`parse_batch`; the base refuses what the
    source cannot answer, asks identical identifiers once, sends requests of at most
    ``batch_size`` and holds every per-identifier answer to the same checks as a single lookup.
    """

    @abstractmethod
    def batch_request(self, identifiers: list[str]) -> Request:
        """The request that asks about every one of ``identifiers``."""

    @abstractmethod
    def parse_batch(self, exchange: Exchange, identifiers: list[str]) -> BatchResults:
        """One result per identifier asked; an identifier the answer does not mention is a
        :func:`missing_answer` fault, never "not found"."""

    def request(self, query: Query) -> Request:
        return self.batch_request([query.identifier or ""])

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        identifier = query.identifier or ""
        result = self.parse_batch(exchange, [identifier]).get(identifier)
        if result is None:
            raise missing_answer(identifier, [identifier], (), (exchange.evidence,))
        if isinstance(result, LookupFailed):
            raise result
        return result

    async def lookup(self, query: Query) -> Answer:
        (result,) = await self.lookup_many([query])
        if isinstance(result, LookupFailed):
            raise result
        return result

    async def lookup_many(self, queries: Sequence[Query]) -> list[Answer | LookupFailed]:
        results: list[Answer | LookupFailed | None] = [None] * len(queries)
        wanted: dict[str, list[int]] = {}
        for index, query in enumerate(queries):
            try:
                self.admit(query)
                if query.identifier is None:
                    raise Refused(f"{self.id}: no identifier to check")
            except LookupFailed as refused:
                results[index] = refused
                continue
            wanted.setdefault(query.identifier, []).append(index)
        distinct = list(wanted)
        batches = [
            distinct[i : i + self.batch_size] for i in range(0, len(distinct), self.batch_size)
        ]
        for answers in await asyncio.gather(*(self.settle(batch) for batch in batches)):
            for identifier, result in answers.items():
                for index in wanted.get(identifier, ()):
                    results[index] = result
        missing = LookupFailed(f"{self.id}: the source gave no result for this query")
        return [missing if r is None else r for r in results]

    async def settle(self, identifiers: list[str]) -> BatchResults:
        """One batch through the flow; a fault of the whole request is every identifier's."""
        try:
            exchange = await self.send(self.batch_request(identifiers))
            try:
                parsed = self.parse_batch(exchange, identifiers)
            except SplitBatch:
                if len(identifiers) == 1:
                    raise
                singles = await asyncio.gather(*(self.settle([i]) for i in identifiers))
                return {
                    identifier: _with_prior(result, exchange.evidence)
                    for single in singles
                    for identifier, result in single.items()
                }
            except (LookupFailed, Exception) as error:
                raise self.failure(exchange, error) from None
        except SplitBatch as split:
            return dict.fromkeys(identifiers, LookupFailed(str(split)))
        except LookupFailed as failure:
            return dict.fromkeys(identifiers, failure)
        results: BatchResults = {}
        for identifier in identifiers:
            result = parsed.get(identifier)
            if result is None:
                result = missing_answer(identifier, identifiers, parsed, (exchange.evidence,))
            elif isinstance(result, Answer):
                try:
                    result = self.checked(exchange, result)
                except LookupFailed as failure:
                    result = failure
            results[identifier] = result
        return results


def _with_prior(result: Answer | LookupFailed, prior: Evidence) -> Answer | LookupFailed:
    """The result with an earlier exchange (the batch that was split) added to its evidence."""
    if isinstance(result, Answer):
        return replace(result, evidence=(prior, *result.evidence))
    return type(result)(result.message, evidence=(prior, *result.evidence))


def missing_answer(
    identifier: str,
    asked: Sequence[str],
    answered: Iterable[str],
    evidence: tuple[Evidence, ...],
    *,
    what: str = "identifier",
) -> LayoutChanged:
    """A batch answer with nothing for an identifier asked: a fault, never "not found"."""
    others = sorted(set(answered) - set(asked))
    named = f"; it names {', '.join(others)}" if others else ""
    return LayoutChanged(
        f"layout changed: the registry answered for a different {what} "
        f"(asked {identifier}, no entry for it{named})",
        evidence=evidence,
    )


_AdapterT = TypeVar("_AdapterT", bound=type[Adapter])
_BUILTIN: dict[str, type[Adapter]] = {}
_ID_PATTERN = re.compile(r"^[a-z0-9]+(\.[a-z0-9-]+)+$")


def register(cls: _AdapterT) -> _AdapterT:
    """Class decorator for built-in adapters: checks the declaration and files it by id."""
    _check_declaration(cls)
    if cls.id in _BUILTIN and _BUILTIN[cls.id] is not cls:
        raise ConfigurationError(f"two adapters claim the id {cls.id!r}")
    _BUILTIN[cls.id] = cls
    return cls


def _check_declaration(cls: type[Adapter]) -> None:
    for attribute in ("id", "name", "schemes", "kind", "default_base_url"):
        if not hasattr(cls, attribute):
            raise ConfigurationError(f"adapter {cls.__qualname__} does not declare {attribute!r}")
    if not _ID_PATTERN.match(cls.id):
        raise ConfigurationError(f"adapter id {cls.id!r} is not a dotted lower-case id")
    if cls.rate_limit <= 0 or cls.concurrency < 1 or cls.batch_size < 1:
        raise ConfigurationError(f"adapter {cls.id}: limits must be positive")


# Built-in adapters by id, and the module that defines each: imported only when needed, so a
# lookup pays for the adapters it uses, not for all of them.
BUILTIN_MODULES: dict[str, str] = {
    "cn.gacc.credit": "cn_gacc_credit",
    "demo.snapshot": "demo",
    "eu.eos.aeo": "eu_eos_aeo",
    "eu.eos.eori": "eu_eos_eori",
    "gb.bacp.register": "gb_bacp",
    "gb.hcpc.register": "gb_hcpc",
    "gb.hmrc.eori": "gb_hmrc",
    "jp.customs.aeo": "jp_customs_aeo",
    "us.cbp.ctpat": "us_cbp_ctpat",
    "us.nppes.npi": "us_nppes",
    "us.oig.leie": "us_oig_leie",
    "us.psypact.register": "us_psypact",
}


def adapter_class(adapter_id: str) -> type[Adapter] | None:
    """The adapter with this id, built-in (its module imported on first use) or a plugin."""
    module = BUILTIN_MODULES.get(adapter_id)
    if module is not None:
        import_module(f"credverify.adapters.{module}")
        return _BUILTIN.get(adapter_id)
    return plugins().get(adapter_id)


@cache
def plugins() -> dict[str, type[Adapter]]:
    """Adapters from the ``credverify.adapters`` entry-point group; a broken one only warns."""
    found: dict[str, type[Adapter]] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = entry.load()
            if not (isinstance(cls, type) and issubclass(cls, Adapter)):
                raise TypeError(f"{entry.value} is not an Adapter subclass")
            _check_declaration(cls)
        except Exception as exc:  # a broken plugin must never break credverify
            warnings.warn(
                f"credverify: skipping adapter plugin {entry.name!r}: {exc}",
                RuntimeWarning,
                stacklevel=2,
            )
            continue
        if cls.id not in BUILTIN_MODULES:
            found[cls.id] = cls
    return found


def available() -> dict[str, type[Adapter]]:
    """Every adapter: the built-in ones, then the plugins."""
    adapters = {adapter_id: adapter_class(adapter_id) for adapter_id in BUILTIN_MODULES}
    builtin = {k: v for k, v in adapters.items() if v is not None}
    return dict(sorted({**plugins(), **builtin}.items()))


def base_url_env(adapter_id: str) -> str:
    """``gb.hmrc.eori`` -> ``CREDVERIFY_GB_HMRC_EORI_URL``."""
    return "CREDVERIFY_" + re.sub(r"[.\-]", "_", adapter_id).upper() + "_URL"


def resolve_base_url(adapter_id: str, default: str) -> str:
    """The environment variable wins, then the config file, then the adapter's default."""
    from_env = os.environ.get(base_url_env(adapter_id))
    if from_env:
        return check_base_url(from_env, base_url_env(adapter_id))
    configured = _config().get("adapters", {}).get(adapter_id, {}).get("url")
    if configured:
        return check_base_url(str(configured), f"adapters.{adapter_id}.url in the configuration")
    return default


def _config() -> dict[str, Any]:
    """``$CREDVERIFY_CONFIG``, else ``$CREDVERIFY_HOME/config.toml``, if it exists."""
    from credverify.store import HOME_ENV

    explicit = os.environ.get(CONFIG_ENV)
    home = os.environ.get(HOME_ENV)
    path = Path(explicit) if explicit else (Path(home) / "config.toml" if home else None)
    if path is None or not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"{path}: cannot read the configuration: {exc}") from None


def check_base_url(url: str, setting: str) -> str:
    """``url`` when it can be an adapter's base URL: http or https, a host, a port in 1-65535.

    Anything else raises :class:`ConfigurationError` naming ``setting`` (an environment variable,
    a configuration key) and what was expected; the URL itself is never echoed, since it may
    carry a key.
    """
    expected = "expected http(s)://host[:port][/path]"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a port out of range or not a number, a broken IPv6 host
        raise ConfigurationError(f"{setting}: not a usable base URL ({exc}); {expected}") from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"the scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise ConfigurationError(f"{setting}: not a usable base URL ({shown}); {expected}")
    if not parts.hostname:
        raise ConfigurationError(f"{setting}: not a usable base URL (no host); {expected}")
    if port == 0:
        raise ConfigurationError(f"{setting}: not a usable base URL (port 0); {expected}")
    return url
