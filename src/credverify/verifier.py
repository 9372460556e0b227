"""The verifier: from a claim to a :class:`Check` against the primary source, with evidence.

For each claim: validate the identifier first (``invalid`` without any request), pick the adapter
that can answer, answer from the cache when it is fresh (offline: from the cache only), otherwise
ask the source, then compare the claim with what the source holds, field by field. Faults end as
``unverifiable`` with the reason; ``not-found`` only when the source answered that it has no such
record; a record for a different identifier than asked is a fault, not a match.

``averify_many`` dedupes identical queries, batches them per source and runs the sources
concurrently, each within its own rate limit and concurrency cap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path

from credverify.adapters.base import Adapter, AdapterKind, Answer, Query, adapter_class, plugins
from credverify.adapters.http import Http
from credverify.adapters.text import today
from credverify.errors import InputError, InvalidIdentifier, LookupFailed, OfflineMiss
from credverify.identifiers import kind as identifier_kind
from credverify.knowledge import KnowledgeBase, Scheme
from credverify.knowledge import load as load_knowledge
from credverify.matching import (
    Band,
    NameScore,
    Thresholds,
    compare_across_scripts,
    compare_names,
    in_other_scripts,
)
from credverify.records import (
    Assessment,
    Check,
    CheckStatus,
    Claim,
    Finding,
    FindingOutcome,
    RegistryRecord,
    Screening,
    ScreeningHit,
    ScreeningResult,
    Target,
)
from credverify.store import CacheKey, Store

__all__ = ["DEMO_ADAPTER", "Verifier"]

DEMO_ADAPTER = "demo.snapshot"
SCREENING_LIST = "us.oig.leie"


@dataclass
class _Plan:
    """What one claim needs: a verdict already (invalid, no adapter) or a query to an adapter."""

    claim: Claim
    check: Check | None = None
    adapter: Adapter | None = None
    query: Query | None = None

    @cached_property
    def key(self) -> tuple[str, str]:
        """The request this plan makes (asked once per run); computed once per plan."""
        assert self.adapter is not None
        assert self.query is not None
        return (self.adapter.id, self.adapter.request_key(self.query))


@dataclass(frozen=True)
class _Result:
    answer: Answer | None
    failure: LookupFailed | None
    from_cache: bool = False
    retrieved_at: datetime | None = None


class Verifier:
    """Verify claims against their primary sources and assess them for a target.

    >>> from credverify import Verifier, Claim
    >>> check = Verifier(offline=True).verify(Claim(scheme="us.npi", identifier="1234567890"))
    >>> check.status.value, "check digit" in check.reason
    ('invalid', True)
    """

    def __init__(
        self,
        *,
        offline: bool = False,
        demo: bool = False,
        store: Store | Path | str | None = None,
        knowledge: KnowledgeBase | None = None,
        registries: Path | str | None = None,
        base_urls: Mapping[str, str] | None = None,
        thresholds: Thresholds | None = None,
        http: Http | None = None,
        as_of: date | None = None,
        max_age: timedelta | None = None,
        refresh: bool = False,
    ) -> None:
        """``max_age``: a cached answer retrieved longer ago than this is not used (offline, the
        lookup is then ``unverifiable``); ``refresh``: never answer from the cache, ask the
        source and cache the new answer (impossible offline)."""
        # The demo registry stands in for every live source, offline, and never mixes with them.
        self.demo = demo
        offline = offline or demo
        self.offline = offline
        if refresh and offline:
            raise InputError(
                "--refresh asks the sources again, which --offline and --demo forbid: drop one"
            )
        if max_age is not None and max_age <= timedelta(0):
            raise InputError(f"--max-age must be a positive duration, got {max_age}")
        self.max_age = max_age
        self.refresh = refresh
        self.knowledge = knowledge or load_knowledge(registries)
        self.store = store if isinstance(store, Store) else Store(store)
        self.http = http or Http(self.store, offline=offline)
        self.thresholds = thresholds or Thresholds()
        self._base_urls = dict(base_urls or {})
        self._adapters: dict[str, Adapter] = {}
        # The day a record's validity period is judged on; None: the day of each check.
        self.as_of = as_of

    # -- the public face ------------------------------------------------------------------------

    def verify(self, claim: Claim) -> Check:
        """Verify one claim (blocking). Inside an event loop, use :meth:`averify`."""
        return self.verify_many([claim])[0]

    def verify_many(self, claims: Iterable[Claim]) -> list[Check]:
        """Verify many claims (blocking), one Check per claim, in order."""

        async def run() -> list[Check]:
            try:
                return await self.averify_many(claims)
            finally:
                await self.http.aclose()

        return asyncio.run(run())

    async def averify(self, claim: Claim) -> Check:
        return (await self.averify_many([claim]))[0]

    async def averify_many(self, claims: Iterable[Claim]) -> list[Check]:
        """One Check per claim, in order; identical queries are asked once."""
        plans = [self._plan(claim) for claim in claims]
        pending = {p.key: p for p in plans if p.check is None}
        results = await self._answer(list(pending.values()))
        checks = []
        for plan in plans:
            if plan.check is not None:
                checks.append(plan.check)
                continue
            checks.append(self._judge(plan, results[plan.key]))
        return checks

    def assess(
        self,
        items: Iterable[Claim | Check],
        target: Target,
        as_of: date | None = None,
        *,
        facts: Mapping[str, bool] | None = None,
    ) -> Assessment:
        """Assess checks (or bare claims, hypothetically) for ``target`` on ``as_of``."""
        from credverify.recognition import assess

        return assess(items, target, as_of, facts=facts, knowledge=self.knowledge)

    def screen(
        self, subject: str | None = None, *, npi: str | None = None, state: str | None = None
    ) -> Screening:
        """Screen a person or business, by name, by NPI or both, against the OIG exclusion list
        (blocking)."""

        async def run() -> Screening:
            try:
                return await self.ascreen(subject, npi=npi, state=state)
            finally:
                await self.http.aclose()

        return asyncio.run(run())

    async def ascreen(
        self, subject: str | None = None, *, npi: str | None = None, state: str | None = None
    ) -> Screening:
        """``match`` when a non-zero NPI agrees, or the name matches in the same state;
        ``potential-match`` when a name scores in the match or review band; else ``clear``.

        The NPI is looked up by number and the name searched, each on its own, so an NPI alone
        can match. An exclusion reinstated by the screening day (the as-of date) is no hit: a
        note says when it was reinstated. Never ``clear`` on less than it was asked: a fault,
        no snapshot, an NPI it cannot use with no name to fall back on, or an NPI alone that is
        not on the list (most LEIE entries carry none) raise LookupFailed; an NPI it could not
        use beside a name is said in a note."""
        subject = (subject or "").strip() or None
        npi = (npi or "").strip() or None
        if subject is None and npi is None:
            raise LookupFailed("give a name or an NPI to screen")
        by_npi = self._plan(Claim(scheme=SCREENING_LIST, identifier=npi)) if npi else None
        by_name = (
            self._plan(Claim(scheme=SCREENING_LIST, holder=subject, jurisdiction=state))
            if subject
            else None
        )
        notes = []
        if by_npi is not None and by_npi.check is not None:
            if subject is None:
                raise LookupFailed(f"NPI {npi} cannot be screened: {by_npi.check.reason}")
            notes.append(f"NPI {npi} was not used ({by_npi.check.reason}): screened by name only")
            by_npi = None
        plans = [p for p in (by_npi, by_name) if p is not None]
        if any(p.check is not None for p in plans):
            raise LookupFailed(next(p.check.reason for p in plans if p.check is not None))
        results = await self._answer(plans)
        answers: list[Answer] = []
        for plan in plans:
            result = results[plan.key]
            if result.failure is not None or result.answer is None:
                raise result.failure or LookupFailed()
            answers.append(result.answer)
        if by_npi is not None and subject is None and not answers[0].records:
            raise LookupFailed(
                f"{answers[0].no_result or f'NPI {npi} is not on the list'}; most LEIE entries "
                "carry no NPI (0000000000), so an NPI alone clears no one: screen the name too"
            )
        as_of = self.as_of or today()
        hits, seen = [], set()
        for record in (r for answer in answers for r in answer.records):
            if record.model_dump_json() in seen:
                continue  # found by NPI and by name
            seen.add(record.model_dump_json())
            score = self._name_score(subject, record) if subject else None
            same_npi = bool(npi) and _same_identifier(record.identifier, npi or "")
            same_state = (
                bool(state) and (record.jurisdiction or "").upper() == (state or "").upper()
            )
            explained = score.explain() if score else "screened by NPI only"
            if same_npi:
                level, why = ScreeningResult.MATCH, f"NPI {npi} is on the list; {explained}"
            elif score is not None and score.band is Band.MATCH and same_state:
                level, why = ScreeningResult.MATCH, f"same name and state; {explained}"
            elif score is not None and score.band is not Band.NO_MATCH:
                level, why = ScreeningResult.POTENTIAL_MATCH, explained
            else:
                continue
            if record.valid_until is not None and record.valid_until <= as_of:
                notes.append(
                    f"{record.holder or record.identifier} ({record.status or 'excluded'}) was "
                    f"reinstated on {record.valid_until.isoformat()}, on or before "
                    f"{as_of.isoformat()}: not a match ({why})"
                )
                continue
            hits.append(
                (
                    level,
                    ScreeningHit(
                        record=record, score=score.score if score else 1.0, explanation=why
                    ),
                )
            )
        levels = {level for level, _ in hits}
        overall = (
            ScreeningResult.MATCH
            if ScreeningResult.MATCH in levels
            else ScreeningResult.POTENTIAL_MATCH
            if levels
            else ScreeningResult.CLEAR
        )
        evidence = tuple(dict.fromkeys(e for answer in answers for e in answer.evidence))
        adapter = plans[0].adapter
        return Screening(
            subject=subject or f"NPI {npi}",
            adapter=adapter.id if adapter else SCREENING_LIST,
            result=overall,
            hits=tuple(hit for _, hit in sorted(hits, key=lambda h: -h[1].score)),
            evidence=evidence,
            checked_at=datetime.now(UTC),
            synthetic=self.demo or any(e.synthetic for e in evidence),
            notes=tuple(notes),
        )

    def adapter(self, adapter_id: str) -> Adapter:
        """The adapter instance with this id (built once, with any configured base URL)."""
        if adapter_id not in self._adapters:
            cls = adapter_class(adapter_id)
            if cls is None:
                raise LookupFailed(f"the {adapter_id} adapter is not available")
            self._adapters[adapter_id] = cls(self.http, self._base_urls.get(adapter_id))
        return self._adapters[adapter_id]

    # -- planning -------------------------------------------------------------------------------

    def _plan(self, claim: Claim) -> _Plan:
        scheme = self.knowledge.scheme(claim.scheme)
        identifier = claim.identifier.strip() if claim.identifier else None
        if identifier and scheme.identifier_kinds:
            compact, problem = _validate(scheme, identifier)
            if problem is not None:
                return _Plan(claim, check=_verdict(claim, CheckStatus.INVALID, problem))
            identifier = compact
        query = Query(
            scheme=scheme.id,
            identifier=identifier or None,
            holder=claim.holder,
            tier=claim.tier,
            jurisdiction=claim.jurisdiction,
            attachments=claim.evidence,
        )
        adapter, refusals = self._choose_adapter(scheme, query)
        if adapter is None:
            reason = "; ".join(refusals) or (
                f"no adapter can check {scheme.id}: it has no public primary source that "
                "credverify can query"
            )
            if self.demo:
                reason = f"the synthetic demo registry holds no {scheme.id} data"
            return _Plan(claim, check=_verdict(claim, CheckStatus.UNVERIFIABLE, reason))
        return _Plan(claim, adapter=adapter, query=query)

    def _choose_adapter(self, scheme: Scheme, query: Query) -> tuple[Adapter | None, list[str]]:
        if self.demo:
            demo = adapter_class(DEMO_ADAPTER)
            candidates = [DEMO_ADAPTER] if demo and scheme.id in demo.schemes else []
        else:
            candidates = [a for a in scheme.adapters if a != DEMO_ADAPTER] + [
                adapter_id
                for adapter_id, cls in plugins().items()
                if scheme.id in cls.schemes and adapter_id not in scheme.adapters
            ]
        refusals = []
        for adapter_id in candidates:
            if adapter_class(adapter_id) is None:
                refusals.append(f"the {adapter_id} adapter is not available")
                continue
            adapter = self.adapter(adapter_id)
            refusal = adapter.refuses(query)
            if refusal is None:
                return adapter, []
            refusals.append(f"{adapter_id}: {refusal}")
        return None, refusals

    # -- asking ---------------------------------------------------------------------------------

    async def _answer(self, plans: Sequence[_Plan]) -> dict[tuple[str, str], _Result]:
        results: dict[tuple[str, str], _Result] = {}
        to_ask: dict[str, list[_Plan]] = {}
        for plan in plans:
            assert plan.adapter is not None
            # A file in the store, or the holder's own documents: asked every time, never cached.
            local = plan.adapter.kind in (AdapterKind.SNAPSHOT, AdapterKind.ATTESTATION)
            cached = (
                None
                if local or self.refresh
                else self.store.cache_get(
                    _cache_key(plan.adapter, plan.key[1]),
                    allow_stale=self.offline,
                    max_age=self.max_age,
                )
            )
            if local:
                to_ask.setdefault(plan.adapter.id, []).append(plan)
            elif cached is not None:
                results[plan.key] = _Result(
                    Answer.from_json(cached.payload), None, True, cached.retrieved_at
                )
            elif self.offline:
                younger = f" younger than {self.max_age}" if self.max_age is not None else ""
                miss = OfflineMiss(f"offline, and no cached evidence{younger} for this lookup")
                results[plan.key] = _Result(None, miss)
            else:
                to_ask.setdefault(plan.adapter.id, []).append(plan)

        async def ask(adapter_id: str, group: list[_Plan]) -> None:
            adapter = self.adapter(adapter_id)
            queries = [p.query for p in group if p.query is not None]
            answers = await adapter.lookup_many(queries)
            now = datetime.now(UTC)
            for plan, answer in zip(group, answers, strict=True):
                if isinstance(answer, LookupFailed):
                    results[plan.key] = _Result(None, answer)
                    continue
                if adapter.kind in (AdapterKind.SNAPSHOT, AdapterKind.ATTESTATION):
                    results[plan.key] = _Result(answer, None, False, now)
                    continue
                self.store.cache_put(
                    _cache_key(adapter, plan.key[1]), answer.to_json(), ttl=adapter.cache_ttl,
                    retrieved_at=now,
                )  # fmt: skip
                results[plan.key] = _Result(answer, None, False, now)

        await asyncio.gather(*(ask(a, g) for a, g in to_ask.items()))
        return results

    # -- judging --------------------------------------------------------------------------------

    def _judge(self, plan: _Plan, result: _Result) -> Check:
        claim, adapter, query = plan.claim, plan.adapter, plan.query
        assert adapter is not None
        assert query is not None
        if result.failure is not None or result.answer is None:
            failure = result.failure or LookupFailed()
            evidence = tuple(e for e in failure.evidence if e is not None)
            return _verdict(
                claim, CheckStatus.UNVERIFIABLE, failure.message, adapter.id, evidence=evidence
            )
        answer = result.answer
        cached = ""
        if result.from_cache and result.retrieved_at is not None:
            cached = f" (from cache, retrieved {result.retrieved_at.isoformat(timespec='seconds')})"
        notes = "; ".join(n.rstrip(".") for n in answer.notes)

        demo_data = self.demo or any(e.synthetic for e in answer.evidence)

        def verdict(status: CheckStatus, reason: str, **extra: object) -> Check:
            full = f"{reason}{cached}" + (f" Note: {notes}" if notes else "")
            extra.setdefault("synthetic", demo_data)
            return _verdict(
                claim, status, full, adapter.id, evidence=answer.evidence,
                from_cache=result.from_cache, checked_at=result.retrieved_at, **extra,
            )  # fmt: skip

        if not answer.records and not answer.no_result:
            return verdict(
                CheckStatus.UNVERIFIABLE,
                f"{adapter.id} answered with neither a record nor its own no-result signal: "
                "treated as a fault, never as not found.",
            )
        if adapter.kind is AdapterKind.ATTESTATION:
            reason = " ".join(answer.notes) or "evidence supplied by the holder, not the source"
            record = answer.records[0] if answer.records else None
            return _verdict(
                claim, CheckStatus.ATTESTED, reason, adapter.id, record=record,
                evidence=answer.evidence,
            )  # fmt: skip
        said = f" (the source said: {answer.no_result})" if answer.no_result else ""
        by_identifier = bool(query.identifier) and "identifier" not in answer.unconfirmable
        if by_identifier:
            asked = query.identifier or ""
            same = [r for r in answer.records if _same_identifier(r.identifier, asked)]
            if answer.records and not same:
                got = ", ".join(sorted({r.identifier or "?" for r in answer.records}))
                return verdict(
                    CheckStatus.UNVERIFIABLE,
                    f"{adapter.id} answered for a different identifier than asked "
                    f"({asked} asked, {got} returned): treated as a fault, not a match.",
                )
            if not same:
                return verdict(
                    CheckStatus.NOT_FOUND, f"{adapter.id} has no record of {asked}{said}."
                )
            # One identifier can hold several entries (a Japanese AEO per category): prefer the
            # one of the claimed tier.
            record = next((r for r in same if claim.tier and r.tier == claim.tier), same[0])
        else:
            named, score_note = self._best_by_name(claim, answer.records)
            if named is None:
                why = f"{score_note.rstrip('.')}{said}."
                return verdict(CheckStatus.NOT_FOUND, f"{adapter.id}: {why}")
            record = named
        findings = self._findings(claim, query, record, answer, by_identifier)
        synthetic = record.synthetic or demo_data
        if record.active is False:
            return verdict(
                CheckStatus.INACTIVE,
                f"{adapter.id} shows the record as inactive ({record.status or 'inactive'}).",
                record=record, findings=findings, synthetic=synthetic,
            )  # fmt: skip
        lapsed = _outside_period(record, self.as_of or today())
        if lapsed:
            return verdict(
                CheckStatus.INACTIVE, f"{adapter.id}: {lapsed}.",
                record=record, findings=findings, synthetic=synthetic,
            )  # fmt: skip
        outcomes = {f.outcome for f in findings}
        if FindingOutcome.CONTRADICTED in outcomes:
            wrong = ", ".join(f.field for f in findings if f.outcome is FindingOutcome.CONTRADICTED)
            status, reason = CheckStatus.MISMATCH, f"The record contradicts the claim: {wrong}."
        elif FindingOutcome.UNCONFIRMABLE in outcomes:
            open_fields = ", ".join(
                f.field for f in findings if f.outcome is FindingOutcome.UNCONFIRMABLE
            )
            status = CheckStatus.PARTIAL
            reason = f"{adapter.id} confirms the record; not confirmed from it: {open_fields}."
        else:
            status, reason = CheckStatus.VERIFIED, f"{adapter.id} confirms every claimed field."
        return verdict(status, reason, record=record, findings=findings, synthetic=synthetic)

    def _best_by_name(
        self, claim: Claim, records: Sequence[RegistryRecord]
    ) -> tuple[RegistryRecord | None, str]:
        if not claim.holder:
            if len(records) == 1:
                return records[0], ""
            return None, "no holder name was given to choose among the records found."
        if not records:
            return None, f"no record matches the name {claim.holder!r}."
        scored = [(self._name_score(claim.holder, r), r) for r in records]
        best_score, best = max(scored, key=lambda pair: pair[0].score)
        if best_score.band is Band.NO_MATCH:
            return None, (
                f"no record matches the name {claim.holder!r}; the closest, "
                f"{best.holder!r}, scores {best_score.score:.2f}."
            )
        return best, ""

    def _findings(
        self,
        claim: Claim,
        query: Query,
        record: RegistryRecord,
        answer: Answer,
        by_identifier: bool,
    ) -> tuple[Finding, ...]:
        findings: list[Finding] = []
        if query.identifier:
            if by_identifier:
                findings.append(
                    Finding(field="identifier", outcome=FindingOutcome.CONFIRMED,
                            claimed=query.identifier, found=record.identifier)
                )  # fmt: skip
            else:
                findings.append(
                    Finding(field="identifier", outcome=FindingOutcome.UNCONFIRMABLE,
                            claimed=query.identifier,
                            note="this source does not show the identifier")
                )  # fmt: skip
        if claim.holder:
            findings.append(self._holder_finding(claim.holder, record, answer, by_identifier))
        for field, claimed, found in (
            ("tier", claim.tier, record.tier),
            ("jurisdiction", claim.jurisdiction, record.jurisdiction),
        ):
            if claimed is None:
                continue
            if found is None:
                outcome, note = FindingOutcome.UNCONFIRMABLE, "the source does not show it"
            elif _same_value(field, claimed, found):
                outcome, note = FindingOutcome.CONFIRMED, ""
            else:
                outcome, note = FindingOutcome.CONTRADICTED, ""
            findings.append(
                Finding(field=field, outcome=outcome, claimed=claimed, found=found, note=note)
            )
        if claim.valid_until is not None:
            found_until = record.valid_until
            if found_until is None:
                outcome = FindingOutcome.UNCONFIRMABLE
            elif found_until == claim.valid_until:
                outcome = FindingOutcome.CONFIRMED
            else:
                outcome = FindingOutcome.CONTRADICTED
            findings.append(
                Finding(field="valid_until", outcome=outcome,
                        claimed=claim.valid_until.isoformat(),
                        found=found_until.isoformat() if found_until else None)
            )  # fmt: skip
        return tuple(findings)

    def _name_score(self, claimed: str, record: RegistryRecord) -> NameScore:
        """The claimed name against the record's name and its aliases (an English name)."""
        names = [n for n in (record.holder, *record.aliases) if n] or [""]
        return _best_of([compare_names(claimed, n, thresholds=self.thresholds) for n in names])

    def _holder_finding(
        self, holder: str, record: RegistryRecord, answer: Answer, by_identifier: bool = False
    ) -> Finding:
        if not record.holder:
            why = " ".join(answer.notes) or "the source does not show the holder's name"
            return Finding(
                field="holder", outcome=FindingOutcome.UNCONFIRMABLE, claimed=holder, note=why
            )
        score = self._name_score(holder, record)
        if score.band is Band.NO_MATCH and by_identifier:
            across = self._holder_across_scripts(holder, record, score)
            if across is not None:
                return across
        outcome = {
            Band.MATCH: FindingOutcome.CONFIRMED,
            Band.REVIEW: FindingOutcome.UNCONFIRMABLE,
            Band.NO_MATCH: FindingOutcome.CONTRADICTED,
        }[score.band]
        note = score.explain()
        if score.band is Band.REVIEW:
            note = f"name in the review band: {note}"
        return Finding(
            field="holder", outcome=outcome, claimed=holder, found=record.holder, note=note
        )

    def _holder_across_scripts(
        self, holder: str, record: RegistryRecord, score: NameScore
    ) -> Finding | None:
        """The identifier matched exactly and the names are in different scripts (the English
        name of a Chinese or Japanese company): not a contradiction, a name for a person to
        confirm, unless the record's own name in the claimed script differs too."""
        found = record.holder or ""
        if not in_other_scripts(holder, found):
            return None
        compared = compare_across_scripts(
            holder, found, record.jurisdiction, thresholds=self.thresholds
        )
        same_script_aliases = [a for a in record.aliases if not in_other_scripts(holder, a)]
        if compared is None:
            read = f"{found!r} is in a script credverify cannot read in Latin letters"
        else:
            reading, across = compared
            read = (
                f"{found!r} reads {reading.text!r} in Latin letters ({reading.system}), "
                f"{across.score:.2f} against the claimed name"
            )
            if across.band is Band.NO_MATCH and same_script_aliases:
                # The source's own name in the claimed script differs as well: a contradiction.
                return Finding(
                    field="holder", outcome=FindingOutcome.CONTRADICTED, claimed=holder,
                    found=found, note=f"{score.explain()}; {read}",
                )  # fmt: skip
        return Finding(
            field="holder",
            outcome=FindingOutcome.UNCONFIRMABLE,
            claimed=holder,
            found=found,
            note=f"same identifier, name in another script: {read}; a translated name cannot "
            "be compared letter by letter, so a person should confirm it",
        )


def _outside_period(record: RegistryRecord, as_of: date) -> str:
    """Why ``record`` is not valid on ``as_of`` by its own period ("" when it is): a period that
    has ended, or one that has not begun, makes the record inactive whatever its status says."""
    status = f" (status {record.status!r})" if record.status else ""
    if record.valid_until is not None and record.valid_until < as_of:
        return (
            f"the record's validity ended on {record.valid_until.isoformat()}{status}, "
            f"before {as_of.isoformat()}"
        )
    if record.valid_from is not None and record.valid_from > as_of:
        return (
            f"the record is valid only from {record.valid_from.isoformat()}{status}, "
            f"after {as_of.isoformat()}"
        )
    return ""


def _cache_key(adapter: Adapter, request: str) -> CacheKey:
    """What decides a cached answer: the adapter, its parser, the endpoint asked, the request."""
    return CacheKey(adapter.id, adapter.parser_version, adapter.endpoint_id, request)


def _best_of(scores: list[NameScore]) -> NameScore:
    return max(scores, key=lambda s: s.score)


def _validate(scheme: Scheme, identifier: str) -> tuple[str, str | None]:
    """The compact identifier under the first of the scheme's kinds it satisfies, or why not."""
    problems = []
    for kind_id in scheme.identifier_kinds:
        try:
            return identifier_kind(kind_id).validate(identifier), None
        except InvalidIdentifier as exc:
            problems.append(exc.message)
    return identifier, problems[0] if len(problems) == 1 else "; ".join(problems)


def _same_identifier(found: str | None, asked: str) -> bool:
    if found is None:
        return False
    return found.replace(" ", "").upper() == asked.replace(" ", "").upper()


def _same_value(field: str, claimed: str, found: str) -> bool:
    claimed, found = claimed.upper(), found.upper()
    if field == "tier" and found == "AEOF" and claimed in ("AEOC", "AEOS"):
        return True  # AEOF is AEOC and AEOS held together
    if field == "jurisdiction":
        return found == claimed or found.split("-")[0] == claimed
    return claimed == found


def _verdict(
    claim: Claim,
    status: CheckStatus,
    reason: str,
    adapter: str | None = None,
    **extra: object,
) -> Check:
    fields: dict[str, object] = {"checked_at": datetime.now(UTC)}
    fields.update({k: v for k, v in extra.items() if v is not None})
    return Check.model_validate(
        {"claim": claim, "status": status, "reason": reason, "adapter": adapter, **fields}
    )
