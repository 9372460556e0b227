"""The equivalence-rule engine: does what a holder has count for an activity in a jurisdiction on a
given day, and if not, what exactly stands in the way?

The rules are data (``registries/activities.toml`` and ``registries/arrangements/``). An activity
names, per area, the credentials that count *natively* there (an EU AEOS in the Netherlands); an
arrangement grants recognition to another scheme's credentials (China's Advanced Certified
Enterprises in the EU from 1 Nov 2015). Every rule that fires adds a :class:`Gap` with its code,
severity, citation and remedy; nothing flips a bool silently, and an unknown or uncertain fact
gives ``unknown`` / ``rule-uncertain``, never ``recognized``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

from credverify.errors import InvalidIdentifier, KnowledgeBaseError
from credverify.identifiers import kind as identifier_kind
from credverify.knowledge import (
    Activity,
    Arrangement,
    Condition,
    ConditionCheck,
    Confidence,
    CredentialSpec,
    Grant,
    KnowledgeBase,
    Place,
    Requirement,
    Scheme,
)
from credverify.knowledge import load as load_knowledge
from credverify.records import (
    Assessment,
    Basis,
    Check,
    CheckStatus,
    Claim,
    Gap,
    GapCode,
    Outcome,
    RegistryRecord,
    Severity,
    Target,
    TraceStep,
    TraceVerdict,
)

__all__ = ["assess"]

_SEVERITY_ORDER = {Severity.BLOCKER: 0, Severity.WARNING: 1, Severity.INFO: 2}

_SOURCE_SHOWN = frozenset(
    {CheckStatus.VERIFIED, CheckStatus.PARTIAL, CheckStatus.MISMATCH, CheckStatus.INACTIVE}
)
"""Check statuses whose record is the primary source's own: its facts outrank the claim's. An
attested record is the holder's document, an unverifiable check has none to trust."""

AEO_NUMBER = "eu.aeo-number"


class TierSource(StrEnum):
    """Where the tier the engine judged came from (the ``tier_source`` fact of every gap)."""

    RECORD = "record"
    CLAIM = "claim"
    NUMBER = "number"


@dataclass
class _Held:
    """One credential the holder has, as the engine sees it: the claim, with what the primary
    source showed in place of what was claimed."""

    claim: Claim
    check: Check | None
    scheme: Scheme
    issuer: str
    gaps: list[Gap] = field(default_factory=list)
    undetermined: bool = False
    tier: str | None = None
    tier_source: TierSource = TierSource.CLAIM
    valid_from: date | None = None
    valid_until: date | None = None
    successor: Scheme | None = None
    """The scheme claimed, when the credential is judged as its predecessor (``scheme``)."""

    @property
    def label(self) -> str:
        tier = f" {self.tier}" if self.tier else ""
        if self.tier and self.tier_source is TierSource.NUMBER:
            tier += " (read from the number)"
        if self.successor is not None and self.successor.predecessor is not None:
            until = self.successor.predecessor.until.isoformat()
            return (
                f"{self.successor.id}{tier} issued in {self.issuer} (before {until}: "
                f"{self.scheme.id})"
            )
        return f"{self.scheme.id}{tier} issued in {self.issuer}"


@dataclass
class _Path:
    """One way the held credentials could satisfy the activity, with what it found."""

    rule: str
    basis: Basis | None = None
    gaps: list[Gap] = field(default_factory=list)
    undetermined: bool = False

    @property
    def blocked(self) -> bool:
        return any(g.severity is Severity.BLOCKER for g in self.gaps)


def assess(
    items: Iterable[Claim | Check],
    target: Target,
    as_of: date | None = None,
    *,
    facts: Mapping[str, bool] | None = None,
    knowledge: KnowledgeBase | None = None,
) -> Assessment:
    """Assess checks (verified or not) or bare claims (hypothetical) for ``target`` on ``as_of``.

    ``facts`` confirms or denies conditions the claims cannot show, by condition id, e.g.
    ``{"data-sharing-consent": True}``; an unconfirmed condition is reported, not assumed.
    """
    engine = _Engine(knowledge or load_knowledge(), target, as_of or date.today(), facts or {})
    return engine.run(list(items))


class _Engine:
    def __init__(
        self, kb: KnowledgeBase, target: Target, as_of: date, facts: Mapping[str, bool]
    ) -> None:
        self.kb = kb
        self.target = Target(target.jurisdiction.upper(), target.activity)
        self.as_of = as_of
        self.facts = facts
        self.trace: list[TraceStep] = []

    def note(self, rule: str, verdict: TraceVerdict, message: str) -> None:
        self.trace.append(TraceStep(rule=rule, verdict=verdict, message=message))

    # -- the run ------------------------------------------------------------------------------

    def run(self, items: list[Claim | Check]) -> Assessment:
        activity = self.kb.activity(self.target.activity)
        held = [self.hold(item) for item in items]
        hypothetical = any(isinstance(item, Claim) for item in items)
        requirement = self.requirement(activity)
        if requirement is None:
            gap = Gap(
                code=GapCode.RULE_UNCERTAIN,
                severity=Severity.WARNING,
                message=f"The knowledge base has no rule for {activity.id} in "
                f"{self.target.jurisdiction}; it cannot say whether anything is recognised there.",
                rule=f"activity:{activity.id}",
                citation="credverify knowledge base (registries/activities.toml)",
                remedy="Ask the target's authority, or add the rule with --registries.",
            )
            return self.result(Outcome.UNKNOWN, hypothetical, [gap], [])
        paths: list[_Path] = []
        for each in held:
            paths.extend(self.native_paths(each, requirement, activity))
            paths.extend(self.grant_paths(each, held, activity, requirement))
        return self.decide(activity, requirement, held, paths, hypothetical)

    def result(
        self, outcome: Outcome, hypothetical: bool, gaps: list[Gap], bases: list[Basis]
    ) -> Assessment:
        unique = list({(g.code, g.rule, g.message): g for g in gaps}.values())
        unique.sort(key=lambda g: (_SEVERITY_ORDER[g.severity], g.code.value, g.rule))
        return Assessment(
            outcome=outcome,
            target=self.target,
            as_of=self.as_of,
            hypothetical=hypothetical,
            gaps=tuple(unique),
            bases=tuple(bases),
            trace=tuple(self.trace),
        )

    def decide(
        self,
        activity: Activity,
        requirement: Requirement,
        held: list[_Held],
        paths: list[_Path],
        hypothetical: bool,
    ) -> Assessment:
        open_paths = [p for p in paths if p.basis is not None and not p.blocked]
        decided = [p for p in open_paths if not p.undetermined]
        if decided:
            best = min(decided, key=lambda p: (_warnings(p), len(p.gaps)))
            assert best.basis is not None
            outcome = Outcome.PARTIAL if _warnings(best) else Outcome.RECOGNIZED
            return self.result(outcome, hypothetical, best.gaps, [best.basis])
        if open_paths:
            gaps = [g for p in open_paths for g in p.gaps]
            return self.result(Outcome.UNKNOWN, hypothetical, gaps, [])
        gaps = [g for p in paths for g in p.gaps]
        if not paths:
            # Nothing spoke to the activity: say why each credential could not, then what is needed.
            gaps.extend(g for each in held for g in each.gaps)
            gaps.extend(self.unrecognized(activity, requirement, held))
        outcome = Outcome.NOT_RECOGNIZED
        if not any(g.severity is Severity.BLOCKER for g in gaps) and any(
            p.undetermined for p in paths
        ):
            outcome = Outcome.UNKNOWN
        return self.result(outcome, hypothetical, gaps, [])

    # -- the credentials held -----------------------------------------------------------------

    def hold(self, item: Claim | Check) -> _Held:
        claim, check = (item.claim, item) if isinstance(item, Check) else (item, None)
        scheme = self.kb.scheme(claim.scheme)
        if claim.tier is not None:
            scheme.tier(claim.tier)  # an unknown tier is an input error, with a did-you-mean
        record = check.record if check is not None and check.status in _SOURCE_SHOWN else None
        # What the primary source shows outranks what was claimed; a claimed fact it contradicts
        # is already a mismatch of the check.
        issuer = (
            (record.jurisdiction if record else None) or claim.jurisdiction or scheme.jurisdiction
        ).upper()
        each = _Held(claim, check, scheme, issuer)
        each.valid_from = (record.valid_from if record else None) or claim.valid_from
        each.valid_until = (record.valid_until if record else None) or claim.valid_until
        self.read_tier(each, record)
        self.use_predecessor(each)
        self.check_status(each)
        self.check_validity(each)
        self.check_scheme_in_force(each)
        return each

    def credential_gap(
        self, each: _Held, code: GapCode, severity: Severity, message: str, **extra: str | None
    ) -> None:
        each.gaps.append(
            Gap(
                code=code,
                severity=severity,
                message=message,
                rule=extra.pop("rule", None) or f"scheme:{each.scheme.id}",
                citation=extra.pop("citation", None) or each.scheme.citation,
                url=extra.pop("url", None) or each.scheme.url,
                remedy=extra.pop("remedy", None),
                facts=_facts(each, self.as_of),
            )
        )

    def check_status(self, each: _Held) -> None:
        if each.check is None:
            return
        status = each.check.status
        reason = each.check.reason
        source = each.check.adapter or "no adapter"
        if status is CheckStatus.INACTIVE:
            self.credential_gap(
                each,
                GapCode.CREDENTIAL_INACTIVE,
                Severity.BLOCKER,
                f"The primary source shows {each.label} as inactive: {reason}",
                rule=f"check:{source}",
                remedy="Renew or reinstate the credential, then check it again.",
            )
        elif status in (CheckStatus.NOT_FOUND, CheckStatus.MISMATCH, CheckStatus.INVALID):
            self.credential_gap(
                each,
                GapCode.CREDENTIAL_NOT_VERIFIED,
                Severity.BLOCKER,
                f"The claim to {each.label} was not confirmed ({status.value}): {reason}",
                rule=f"check:{source}",
                remedy="Correct the claim (identifier, name, tier) or obtain the credential.",
            )
        elif status in (CheckStatus.UNVERIFIABLE, CheckStatus.PARTIAL, CheckStatus.ATTESTED):
            # Not disproved, not proved: the engine may still show what the rules say, but it
            # cannot call the credential recognised on that footing.
            each.undetermined = status is CheckStatus.UNVERIFIABLE
            self.credential_gap(
                each,
                GapCode.CREDENTIAL_NOT_VERIFIED,
                Severity.WARNING,
                f"{each.label} is {status.value}, not confirmed in full by the primary source: "
                f"{reason}",
                rule=f"check:{source}",
                remedy="Check it again against the primary source, or keep the evidence on file.",
            )

    def read_tier(self, each: _Held, record: RegistryRecord | None) -> None:
        """The tier judged: the record's, else the claim's, else an EU-form AEO number's type
        letters, each marked with where it came from."""
        claimed, scheme = each.claim.tier, each.scheme
        known = {t.id for t in scheme.tiers}
        number_tier = _tier_in_number(scheme, each.claim.identifier)
        if record is not None and record.tier is not None:
            if record.tier in known:
                each.tier, each.tier_source = record.tier, TierSource.RECORD
                return
            each.undetermined = True
            self.credential_gap(
                each,
                GapCode.RULE_UNCERTAIN,
                Severity.WARNING,
                f"The primary source shows the tier {record.tier!r}, which the knowledge base "
                f"does not know for {scheme.id}: the tier cannot be judged.",
                remedy="Check the holder's level by hand, or add the tier to the scheme file.",
            )
            return
        if claimed is not None:
            each.tier, each.tier_source = claimed, TierSource.CLAIM
            if number_tier is not None and not _tier_within(claimed, number_tier):
                each.undetermined = True
                self.credential_gap(
                    each,
                    GapCode.CREDENTIAL_NOT_VERIFIED,
                    Severity.WARNING,
                    f"The claimed tier {claimed} differs from the type letters {number_tier} of "
                    f"the authorisation number {each.claim.identifier}.",
                    remedy="Confirm which authorisation the holder has (its certificate).",
                )
            return
        if number_tier is not None and number_tier in known:
            each.tier, each.tier_source = number_tier, TierSource.NUMBER
            self.credential_gap(
                each,
                GapCode.CREDENTIAL_NOT_VERIFIED,
                Severity.INFO,
                f"The tier {number_tier} was read from the type letters of the authorisation "
                f"number {each.claim.identifier}, not from the registry.",
                remedy="Keep the holder's certificate on file as evidence of the tier.",
            )

    def use_predecessor(self, each: _Held) -> None:
        """Before the day a scheme began, its holders held its predecessor (issued by the same
        authority): the credential is judged as that one, and the trace says so."""
        successor = each.scheme
        predecessor = successor.predecessor
        if predecessor is None:
            return
        rule = f"scheme:{successor.id}#predecessor"
        if self.as_of >= predecessor.until:
            started = each.claim.valid_from
            if started is not None and started < predecessor.until:
                self.note(
                    rule,
                    TraceVerdict.SKIPPED,
                    f"issued on {started.isoformat()} as {predecessor.scheme}, held as "
                    f"{successor.id} from {predecessor.until.isoformat()} "
                    f"({predecessor.citation})",
                )
            return
        earlier = self.kb.scheme(predecessor.scheme)
        each.scheme, each.successor = earlier, successor
        self.note(
            rule,
            TraceVerdict.APPLIED,
            f"on {self.as_of.isoformat()}, before {predecessor.until.isoformat()}, {successor.id} "
            f"holders held {earlier.id} issued in {each.issuer}: judged as {earlier.id} "
            f"({predecessor.citation})",
        )
        if each.tier is not None and each.tier not in {t.id for t in earlier.tiers}:
            each.undetermined = True
            self.credential_gap(
                each,
                GapCode.RULE_UNCERTAIN,
                Severity.WARNING,
                f"{successor.id} tier '{each.tier}' has no tier of the same id in {earlier.id}, "
                f"the scheme its holders held before {predecessor.until.isoformat()}.",
                rule=rule,
                citation=predecessor.citation,
                url=predecessor.url,
            )

    def check_validity(self, each: _Held) -> None:
        if each.valid_until is not None and self.as_of > each.valid_until:
            self.credential_gap(
                each,
                GapCode.CREDENTIAL_INACTIVE,
                Severity.BLOCKER,
                f"{each.label} expired on {each.valid_until.isoformat()}.",
                remedy="Renew the credential.",
            )
        if each.valid_from is not None and self.as_of < each.valid_from:
            self.credential_gap(
                each,
                GapCode.CREDENTIAL_INACTIVE,
                Severity.BLOCKER,
                f"{each.label} is only valid from {each.valid_from.isoformat()}.",
            )

    def check_scheme_in_force(self, each: _Held) -> None:
        """The tier must exist on the day, under the legal basis then in force, and the issuer
        must still lie in the scheme's area (a UK-issued EU AEO stopped counting in 2021)."""
        scheme, tier_id, day = each.scheme, each.tier, self.as_of
        basis = scheme.basis_on(day)
        if tier_id is not None:
            tier = scheme.tier(tier_id)
            if tier.until is not None and day >= tier.until:
                successor = basis.title if basis else "a later rule"
                self.credential_gap(
                    each,
                    GapCode.SCHEME_SUPERSEDED,
                    Severity.BLOCKER,
                    f"The {scheme.id} tier '{tier_id}' ({tier.name}) ended on "
                    f"{tier.until.isoformat()}: it does not exist under {successor}.",
                    rule=f"scheme:{scheme.id}#{basis.id if basis else tier_id}",
                    citation=basis.citation if basis else None,
                    url=basis.url if basis else None,
                    remedy="Check which level the holder has under the rules now in force.",
                )
            elif tier.start is not None and day < tier.start:
                self.credential_gap(
                    each,
                    GapCode.NOT_IN_FORCE,
                    Severity.BLOCKER,
                    f"The {scheme.id} tier '{tier_id}' only exists from {tier.start.isoformat()}.",
                )
            elif basis is not None and basis.tiers and tier_id not in basis.tiers:
                self.credential_gap(
                    each,
                    GapCode.SCHEME_SUPERSEDED,
                    Severity.BLOCKER,
                    f"{basis.title} (in force on {day.isoformat()}) has no tier '{tier_id}'.",
                    rule=f"scheme:{scheme.id}#{basis.id}",
                    citation=basis.citation,
                    url=basis.url,
                )
            if tier.confidence is Confidence.UNCERTAIN:
                each.undetermined = True
                self.credential_gap(
                    each,
                    GapCode.RULE_UNCERTAIN,
                    Severity.WARNING,
                    f"The knowledge base marks the {scheme.id} tier '{tier_id}' as uncertain: "
                    f"{tier.note}",
                )
        if basis is not None and basis.confidence is Confidence.UNCERTAIN:
            each.undetermined = True
            self.credential_gap(
                each,
                GapCode.RULE_UNCERTAIN,
                Severity.WARNING,
                f"The legal basis of {scheme.id} on {day.isoformat()} is uncertain: {basis.note}",
                rule=f"scheme:{scheme.id}#{basis.id}",
                citation=basis.citation,
                url=basis.url,
            )
        home_area = scheme.jurisdiction
        if each.issuer != home_area and not self.kb.within(each.issuer, home_area, day):
            union = self.kb.unions.get(home_area)
            self.credential_gap(
                each,
                GapCode.SCHEME_SUPERSEDED,
                Severity.BLOCKER,
                f"{each.issuer} is not part of {home_area} on {day.isoformat()}, so a {scheme.id} "
                f"credential issued there no longer counts as one.",
                rule=f"jurisdictions:{home_area}",
                citation=union.citation if union else None,
                url=union.url if union else None,
                remedy="Use the credential the issuing country grants now (for the UK: gb.aeo).",
            )

    # -- rules --------------------------------------------------------------------------------

    def requirement(self, activity: Activity) -> Requirement | None:
        """The requirement of the most specific area that contains the target."""
        areas = self.kb.areas_of(self.target.jurisdiction, self.as_of)
        for area in areas:
            for requirement in activity.requirements:
                if requirement.area.upper() == area:
                    return requirement
        return None

    def issued_where(
        self, each: _Held, spec: CredentialSpec, arrangement: Arrangement | None
    ) -> bool | None:
        where = spec.issued_in or each.scheme.jurisdiction
        if where == Place.TARGET:
            return each.issuer == self.target.jurisdiction
        if where == Place.MEMBERS:
            return arrangement.membership(each.issuer, self.as_of) if arrangement else False
        return each.issuer == where or self.kb.within(each.issuer, where, self.as_of)

    def native_paths(
        self, each: _Held, requirement: Requirement, activity: Activity
    ) -> list[_Path]:
        rule = f"activity:{activity.id}@{requirement.area}"
        paths = []
        for spec in requirement.native:
            if spec.scheme != each.scheme.id:
                continue
            if not self.issued_where(each, spec, None):
                self.note(
                    rule,
                    TraceVerdict.SKIPPED,
                    f"{each.label} counts only where issued, not in {self.target.jurisdiction}",
                )
                continue
            path = _Path(rule=rule, gaps=list(each.gaps), undetermined=each.undetermined)
            if not spec.covers_tier(each.tier):
                self.tier_gap(
                    path,
                    each,
                    spec.tiers,
                    rule,
                    requirement.citation,
                    requirement.url,
                    requirement.remedy,
                    f"{activity.id} in {requirement.area}",
                )
            else:
                path.basis = Basis(
                    rule=rule,
                    message=f"{each.label} is the credential {activity.id} needs in "
                    f"{requirement.area}.",
                    citation=requirement.citation,
                    url=requirement.url,
                    scheme=each.scheme.id,
                )
                self.note(rule, TraceVerdict.APPLIED, f"native: {each.label}")
            paths.append(path)
        return paths

    def tier_gap(
        self,
        path: _Path,
        each: _Held,
        tiers: Iterable[str],
        rule: str,
        citation: str,
        url: str | None,
        remedy: str | None,
        scope: str,
    ) -> None:
        covered = ", ".join(sorted(set(tiers))) or "none"
        if each.tier is None:
            path.undetermined = True
            message = f"No tier was given for {each.scheme.id}; only {covered} count for {scope}."
            severity = Severity.WARNING
        else:
            message = (
                f"{each.scheme.id} tier '{each.tier}' is not covered: only {covered} "
                f"count for {scope}."
            )
            severity = Severity.BLOCKER
        path.gaps.append(
            Gap(
                code=GapCode.TIER_NOT_COVERED,
                severity=severity,
                message=message,
                rule=rule,
                citation=citation,
                url=url,
                remedy=remedy,
                facts={**_facts(each, self.as_of), "covered_tiers": covered},
            )
        )
        self.note(rule, TraceVerdict.GAP, message)

    def grant_paths(
        self, each: _Held, held: list[_Held], activity: Activity, requirement: Requirement
    ) -> list[_Path]:
        paths = []
        for arrangement in self.kb.arrangements.values():
            here = [g for g in arrangement.grants if self.grant_reaches(arrangement, g, each)]
            if not here:
                continue
            rule = arrangement.id
            for_activity = [g for g in here if activity.id in g.benefits]
            if not for_activity:
                path = _Path(rule=rule, gaps=list(each.gaps))
                covered = sorted({b for g in here for b in g.benefits})
                message = (
                    f"{arrangement.title} recognises {each.scheme.id} in "
                    f"{self.target.jurisdiction} for {', '.join(covered)}, not for {activity.id}."
                )
                path.gaps.append(
                    self.arrangement_gap(
                        GapCode.BENEFIT_NOT_COVERED,
                        Severity.BLOCKER,
                        message,
                        arrangement,
                        here[0],
                        each,
                        remedy=requirement.remedy,
                    )
                )
                self.note(rule, TraceVerdict.GAP, message)
                paths.append(path)
                continue
            for_tier = [g for g in for_activity if g.holder.covers_tier(each.tier)]
            if not for_tier:
                path = _Path(rule=rule, gaps=list(each.gaps))
                certain = [g for g in for_activity if g.confidence is Confidence.CERTAIN]
                tiers = [t for g in certain or for_activity for t in g.holder.tiers]
                self.tier_gap(
                    path,
                    each,
                    tiers,
                    f"{rule}#{for_activity[0].id}",
                    for_activity[0].citation or arrangement.citation,
                    for_activity[0].url or arrangement.url,
                    requirement.remedy,
                    f"{activity.id} in {self.target.jurisdiction} under {arrangement.title}",
                )
                paths.append(path)
                continue
            paths.extend(self.grant_path(arrangement, g, each, held, activity) for g in for_tier)
        return paths

    def grant_reaches(self, arrangement: Arrangement, grant: Grant, each: _Held) -> bool:
        """The grant speaks of this credential, issued where it was, and points at the target."""
        if grant.holder.scheme != each.scheme.id:
            return False
        if grant.recognized_in == Place.MEMBERS:
            # Membership on the day is judged in grant_path, where "unknown" can be said.
            reaches = any(m.code == self.target.jurisdiction for m in arrangement.members)
        else:
            reaches = self.kb.within(self.target.jurisdiction, grant.recognized_in, self.as_of)
        if not reaches:
            return False
        if grant.holder.issued_in == Place.MEMBERS:
            return True
        return bool(self.issued_where(each, grant.holder, arrangement))

    def grant_path(
        self,
        arrangement: Arrangement,
        grant: Grant,
        each: _Held,
        held: list[_Held],
        activity: Activity,
    ) -> _Path:
        rule = f"{arrangement.id}#{grant.id}"
        path = _Path(rule=rule, gaps=list(each.gaps), undetermined=each.undetermined)

        def gap(code: GapCode, severity: Severity, message: str, remedy: str | None = None) -> None:
            path.gaps.append(
                self.arrangement_gap(code, severity, message, arrangement, grant, each, remedy)
            )
            self.note(rule, TraceVerdict.GAP, message)

        in_force = grant.in_force(self.as_of)
        if in_force is False:
            start = grant.start.isoformat() if grant.start else "?"
            end = f" until {grant.until.isoformat()}" if grant.until else ""
            gap(
                GapCode.NOT_IN_FORCE,
                Severity.BLOCKER,
                f"{arrangement.title} applies to {each.scheme.id} in {grant.recognized_in} "
                f"from {start}{end}, not on {self.as_of.isoformat()}.",
            )
        elif in_force is None:
            path.undetermined = True
            gap(
                GapCode.RULE_UNCERTAIN,
                Severity.WARNING,
                f"The sources do not say whether {arrangement.title} applied on "
                f"{self.as_of.isoformat()}: {grant.note or arrangement.note}",
            )
        if Confidence.UNCERTAIN in (grant.confidence, arrangement.confidence):
            path.undetermined = True
            gap(
                GapCode.RULE_UNCERTAIN,
                Severity.WARNING,
                f"The knowledge base marks this grant as uncertain: "
                f"{grant.note or arrangement.note}",
            )
        if grant.recognized_in == Place.MEMBERS:
            self.membership_gap(arrangement, self.target.jurisdiction, "target", path, gap)
        companions: list[tuple[CredentialSpec, _Held]] = []
        for spec in grant.requires:
            companion = self.companion(arrangement, spec, held, path, gap)
            if companion is not None:
                companions.append((spec, companion))
        scene = _GrantScene(arrangement, grant, each, companions, path, gap)
        for condition in grant.conditions:
            condition_judge(condition.check)(self, scene, condition)
        for mapping in grant.mappings:
            gap(
                GapCode.IDENTIFIER_MAPPING_REQUIRED,
                Severity.INFO,
                f"The benefit reaches the border only with a {mapping.kind} identifier.",
                mapping.remedy,
            )
        if grant.limits:
            gap(
                GapCode.BENEFIT_NOT_COVERED,
                Severity.WARNING,
                f"Recognised only within a limit: {grant.limits}.",
            )
        if not path.blocked:
            path.basis = Basis(
                rule=rule,
                message=f"{arrangement.title} recognises {each.label} in "
                f"{self.target.jurisdiction} for {activity.id}.",
                citation=grant.citation or arrangement.citation,
                url=grant.url or arrangement.url,
                scheme=each.scheme.id,
            )
            self.note(rule, TraceVerdict.APPLIED, path.basis.message)
        return path

    def membership_gap(
        self,
        arrangement: Arrangement,
        code: str,
        role: str,
        path: _Path,
        gap: _GapAdder,
        remedy: str | None = None,
    ) -> None:
        member = arrangement.membership(code, self.as_of)
        if member is False:
            gap(
                GapCode.CONDITION_UNMET,
                Severity.BLOCKER,
                f"The {role} state {code} is not a member of {arrangement.title} on "
                f"{self.as_of.isoformat()}.",
                remedy,
            )
        elif member is None:
            path.undetermined = True
            gap(
                GapCode.RULE_UNCERTAIN,
                Severity.WARNING,
                f"The sources cannot say whether {code} was a member of {arrangement.title} on "
                f"{self.as_of.isoformat()}.",
            )

    def companion(
        self,
        arrangement: Arrangement,
        spec: CredentialSpec,
        held: list[_Held],
        path: _Path,
        gap: _GapAdder,
    ) -> _Held | None:
        """A credential the grant needs alongside (a home-state licence for PSYPACT): the one
        that fills it best, or None after adding the blocker that none was given. Where it was
        issued is judged by the grant's conditions (``home-state-member``)."""
        companions = [h for h in held if h.scheme.id == spec.scheme and spec.covers_tier(h.tier)]
        if not companions:
            gap(
                GapCode.CONDITION_UNMET,
                Severity.BLOCKER,
                f"{arrangement.title} also needs a {spec.scheme} credential, and none was given.",
                f"Add the {spec.scheme} claim (for a compact: the home-state licence).",
            )
            return None
        best = companions[0]
        for candidate in companions:
            if arrangement.membership(candidate.issuer, self.as_of):
                best = candidate
                break
        path.gaps.extend(best.gaps)
        path.undetermined = path.undetermined or best.undetermined
        return best

    def arrangement_gap(
        self,
        code: GapCode,
        severity: Severity,
        message: str,
        arrangement: Arrangement,
        grant: Grant,
        each: _Held,
        remedy: str | None = None,
    ) -> Gap:
        return Gap(
            code=code,
            severity=severity,
            message=message,
            rule=f"{arrangement.id}#{grant.id}",
            citation=grant.citation or arrangement.citation,
            url=grant.url or arrangement.url,
            remedy=remedy,
            facts={**_facts(each, self.as_of), "arrangement": arrangement.id},
        )

    def unrecognized(
        self, activity: Activity, requirement: Requirement, held: list[_Held]
    ) -> list[Gap]:
        """Nothing held speaks to the activity there: no arrangement, or registration needed."""
        code = activity.unrecognized_gap
        severity = Severity.BLOCKER if requirement.binding else Severity.WARNING
        labels = "; ".join(h.label for h in held) or "no credential"
        needed = " or ".join(
            s.scheme + (f" ({'/'.join(s.tiers)})" if s.tiers else "") for s in requirement.native
        )
        place = self.target.jurisdiction
        if code is GapCode.NO_ARRANGEMENT:
            message = (
                f"No recognition arrangement makes {labels} count for {activity.id} in "
                f"{place}; it needs {needed}."
            )
        else:
            message = (
                f"{needed} is needed to {activity.title[:1].lower()}{activity.title[1:]}"
                f"{'' if requirement.binding else ' (expected, not required by law)'}; "
                f"{labels} is not recognised for it."
            )
        remedy = requirement.remedy
        if requirement.route:
            route = self.kb.arrangement(requirement.route)
            remedy = f"{remedy} Route: {route.title}. {route.remedy}".strip()
        facts = {"held": labels, "needs": needed, "target": place}
        gaps = [
            Gap(
                code=code,
                severity=severity,
                message=message,
                rule=f"activity:{activity.id}@{requirement.area}",
                citation=requirement.citation,
                url=requirement.url,
                remedy=remedy,
                facts=facts,
            )
        ]
        if activity.protected_title and requirement.binding:
            gaps.append(
                Gap(
                    code=GapCode.PROTECTED_TITLE,
                    severity=Severity.BLOCKER,
                    message=f"'{activity.protected_title}' is a protected title in "
                    f"{requirement.area}: using it without {needed} is an offence.",
                    rule=f"activity:{activity.id}@{requirement.area}",
                    citation=requirement.citation,
                    url=requirement.url,
                    remedy=f"Do not use the title until registered. {requirement.remedy}",
                    facts=facts,
                )
            )
        self.note(f"activity:{activity.id}", TraceVerdict.GAP, message)
        return gaps


class _GapAdder(Protocol):
    """The shape of ``grant_path``'s local ``gap`` helper."""

    def __call__(
        self, code: GapCode, severity: Severity, message: str, remedy: str | None = None
    ) -> None: ...


@dataclass(frozen=True)
class _GrantScene:
    """What a condition of a grant is judged on: the credential, its companions, the path."""

    arrangement: Arrangement
    grant: Grant
    holder: _Held
    companions: list[tuple[CredentialSpec, _Held]]
    path: _Path
    gap: _GapAdder


def _judge_confirmed(engine: _Engine, scene: _GrantScene, condition: Condition) -> None:
    """Only the caller can confirm it (``facts``): unconfirmed is "to check", denied a blocker."""
    confirmed = engine.facts.get(condition.id)
    if confirmed is False:
        scene.gap(
            GapCode.CONDITION_UNMET,
            Severity.BLOCKER,
            f"Condition not met: {condition.description}",
            condition.remedy,
        )
    elif confirmed is None:
        scene.gap(
            GapCode.CONDITION_UNMET,
            Severity.INFO,
            f"Not confirmed by the claims, to check: {condition.description}",
            condition.remedy,
        )


def _judge_issued_in_area(engine: _Engine, scene: _GrantScene, condition: Condition) -> None:
    """The holder's credential must be issued in ``condition.area``."""
    if condition.area is None:
        raise KnowledgeBaseError(f"condition {condition.id!r}: 'issued-in-area' needs an 'area'")
    if not engine.kb.within(scene.holder.issuer, condition.area, engine.as_of):
        scene.gap(
            GapCode.CONDITION_UNMET,
            Severity.BLOCKER,
            f"Condition not met: {condition.description}",
            condition.remedy,
        )


def _judge_home_state_member(engine: _Engine, scene: _GrantScene, condition: Condition) -> None:
    """The companion issued "in members" (the home-state licence) must come from a member on the
    day; a missing companion already is a blocker of its own."""
    home_specs = [s for s in scene.grant.requires if s.issued_in == Place.MEMBERS]
    if not home_specs:
        raise KnowledgeBaseError(
            f"grant {scene.grant.id!r}: 'home-state-member' needs a companion issued in 'members'"
        )
    for spec, companion in scene.companions:
        if spec in home_specs:
            engine.membership_gap(
                scene.arrangement,
                companion.issuer,
                "home",
                scene.path,
                scene.gap,
                condition.remedy or None,
            )


_ConditionJudge = Callable[[_Engine, _GrantScene, Condition], None]

CONDITION_JUDGES: Mapping[ConditionCheck, _ConditionJudge] = MappingProxyType(
    {
        ConditionCheck.CONFIRM: _judge_confirmed,
        ConditionCheck.HOME_STATE_MEMBER: _judge_home_state_member,
        ConditionCheck.ISSUED_IN_AREA: _judge_issued_in_area,
    }
)
"""The one table from a condition's ``check`` to the function that judges it."""


def condition_judge(check: str) -> _ConditionJudge:
    """The judge of a condition check; an unknown check is refused, never skipped."""
    try:
        return CONDITION_JUDGES[ConditionCheck(check)]
    except (KeyError, ValueError):
        valid = [c.value for c in CONDITION_JUDGES]
        hint = difflib.get_close_matches(check, valid, n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        raise KnowledgeBaseError(
            f"unknown condition check {check!r}{suggestion} (valid: {', '.join(valid)})",
            key="check",
        ) from None


def _warnings(path: _Path) -> int:
    return sum(g.severity is Severity.WARNING for g in path.gaps)


def _tier_in_number(scheme: Scheme, identifier: str | None) -> str | None:
    """The type letters (AEOC, AEOS, AEOF) of an EU-form AEO authorisation number, for a scheme
    whose numbers have that form; None for anything else."""
    if not identifier or AEO_NUMBER not in scheme.identifier_kinds:
        return None
    number = identifier_kind(AEO_NUMBER)
    try:
        return number.details(number.validate(identifier)).get("type")
    except InvalidIdentifier:
        return None


def _tier_within(claimed: str, held: str) -> bool:
    """A claimed tier the held one includes: AEOF is AEOC and AEOS held together."""
    return claimed == held or (held == "AEOF" and claimed in ("AEOC", "AEOS"))


def _facts(each: _Held, as_of: date) -> dict[str, str]:
    facts = {"scheme": each.scheme.id, "issued_in": each.issuer, "as_of": as_of.isoformat()}
    if each.successor is not None:
        facts["claimed_scheme"] = each.successor.id
    if each.tier:
        facts["tier"] = each.tier
        facts["tier_source"] = each.tier_source.value
    if each.check is not None:
        facts["check_status"] = each.check.status.value
    return facts
