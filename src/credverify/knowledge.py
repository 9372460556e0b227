"""The knowledge base: credential schemes, jurisdictions, recognition arrangements and target
activities, loaded from the TOML files under ``registries/`` into typed, validated objects.

The data is reviewed like code and ships inside the wheel (``credverify/registries``); a source
checkout loads the top-level ``registries/`` folder instead. A user overrides directory with the
same layout (``CREDVERIFY_REGISTRIES`` or ``--registries DIR``) adds entries or replaces them by id.

Dates are half-open periods: ``from`` is the first day a fact holds, ``until`` the first day it no
longer does. Every fact carries a citation and the date it was last checked (``checked``); a fact
the sources leave open is marked ``confidence = "uncertain"`` and the rule engine treats it so.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from credverify.errors import KnowledgeBaseError, UnknownName
from credverify.identifiers import KINDS as IDENTIFIER_KINDS
from credverify.records import GapCode

__all__ = [
    "Activity",
    "ActivityKind",
    "Arrangement",
    "ArrangementKind",
    "Condition",
    "ConditionCheck",
    "Confidence",
    "CredentialSpec",
    "Grant",
    "IdentifierMapping",
    "KnowledgeBase",
    "LegalBasis",
    "Period",
    "Place",
    "Predecessor",
    "Requirement",
    "Scheme",
    "SchemeKind",
    "Tier",
    "bundled_registries_dir",
    "fingerprint",
    "load",
    "spelling_key",
]

OVERRIDES_ENV = "CREDVERIFY_REGISTRIES"


class Confidence(StrEnum):
    CERTAIN = "certain"
    UNCERTAIN = "uncertain"


class SchemeKind(StrEnum):
    TRADE = "trade"
    PRACTITIONER = "practitioner"
    SCREENING = "screening"


class ArrangementKind(StrEnum):
    MUTUAL_RECOGNITION = "mutual-recognition"
    COMPACT = "compact"
    AGREEMENT = "agreement"
    ROUTE = "route"


class ActivityKind(StrEnum):
    TRADE = "trade"
    PRACTITIONER = "practitioner"


class ConditionCheck(StrEnum):
    """How the engine judges a grant's condition; each has one entry in the engine's table."""

    CONFIRM = "confirm"
    HOME_STATE_MEMBER = "home-state-member"
    ISSUED_IN_AREA = "issued-in-area"


class Place(StrEnum):
    """Words a rule may write in ``issued_in`` or ``recognized_in`` instead of a jurisdiction."""

    TARGET = "target"
    MEMBERS = "members"


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Period(_Entry):
    """A half-open period ``[from, until)``; either end may be open."""

    start: date | None = Field(default=None, alias="from")
    until: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start and self.until and self.until <= self.start:
            raise ValueError(f"'until' ({self.until}) must come after 'from' ({self.start})")
        return self

    def contains(self, day: date) -> bool:
        started = self.start is None or self.start <= day
        return started and (self.until is None or day < self.until)

    def describe(self) -> str:
        parts = []
        if self.start:
            parts.append(f"from {self.start.isoformat()}")
        if self.until:
            parts.append(f"until {self.until.isoformat()}")
        return " ".join(parts) or "start not given"


class Sourced(_Entry):
    """A fact with its source."""

    citation: str = Field(min_length=3)
    url: str | None = None
    checked: date = Field(description="When the fact was last checked against its source.")
    confidence: Confidence = Confidence.CERTAIN
    note: str = ""


class Tier(Period):
    id: str
    name: str
    aliases: tuple[str, ...] = Field(
        default=(), description="Other spellings people write: AEO-S, Tier II, 高级认证..."
    )
    note: str = ""
    confidence: Confidence = Confidence.CERTAIN

    def spellings(self) -> tuple[str, ...]:
        """Every spelling that names this tier: its id, its name and its aliases."""
        return (self.id, self.name, *self.aliases)


@lru_cache(maxsize=4096)
def spelling_key(text: str) -> str:
    """How tier spellings are compared: NFKC, case-folded, only letters and digits kept, so
    ``AEO-S``, ``AEO S`` and ``aeos`` are one spelling; ``+`` reads as "plus" (STP+).
    Cached: a batch spells the same few tiers on every row."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("+", "plus")
    return "".join(ch for ch in folded if ch.isalnum())


class LegalBasis(Period):
    id: str
    title: str
    tiers: tuple[str, ...] = ()
    citation: str = Field(min_length=3)
    url: str | None = None
    confidence: Confidence = Confidence.CERTAIN
    superseded_by: str | None = None
    note: str = ""


class Predecessor(_Entry):
    """The scheme a scheme's holders held before it existed, issued by the same authority (UK AEO
    authorisations before 2021-01-01 were EU AEO authorisations issued by the UK)."""

    scheme: str
    until: date = Field(description="The first day the holders hold the successor scheme instead.")
    citation: str = Field(min_length=3)
    url: str | None = None
    note: str = ""


class Scheme(Sourced):
    """A credential scheme: who issues it, under which law, with which tiers and identifiers."""

    id: str
    name: str
    authority: str
    kind: SchemeKind
    jurisdiction: str = Field(description="Issuing jurisdiction; US licences: 'US' (states issue).")
    summary: str = ""
    identifier_kinds: tuple[str, ...] = ()
    adapters: tuple[str, ...] = ()
    tiers: tuple[Tier, ...] = ()
    legal_basis: tuple[LegalBasis, ...] = ()
    predecessor: Predecessor | None = None

    @field_validator("identifier_kinds")
    @classmethod
    def _known_kinds(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        for kind in kinds:
            if kind not in IDENTIFIER_KINDS:
                raise ValueError(_unknown("identifier kind", kind, IDENTIFIER_KINDS))
        return kinds

    @model_validator(mode="after")
    def _tiers_consistent(self) -> Scheme:
        tier_ids = [t.id for t in self.tiers]
        if len(set(tier_ids)) != len(tier_ids):
            raise ValueError(f"duplicate tier ids in {tier_ids}")
        # A spelling that names two tiers would make the tier a user wrote depend on file order.
        named: dict[str, str] = {}
        for each in self.tiers:
            for spelling in each.spellings():
                key = spelling_key(spelling)
                if not key:
                    raise ValueError(f"tier {each.id!r}: the alias {spelling!r} has no letters")
                other = named.setdefault(key, each.id)
                if other != each.id:
                    raise ValueError(
                        f"tier {each.id!r}: the spelling {spelling!r} also names tier {other!r}"
                    )
        for basis in self.legal_basis:
            for tier in basis.tiers:
                if tier not in tier_ids:
                    raise ValueError(
                        f"legal_basis {basis.id!r}: " + _unknown("tier", tier, tier_ids)
                    )
        basis_ids = [b.id for b in self.legal_basis]
        for basis in self.legal_basis:
            if basis.superseded_by is not None and basis.superseded_by not in basis_ids:
                raise ValueError(
                    f"legal_basis {basis.id!r}: "
                    + _unknown("superseded_by legal basis", basis.superseded_by, basis_ids)
                )
        return self

    def tier(self, tier_id: str) -> Tier:
        for tier in self.tiers:
            if tier.id == tier_id:
                return tier
        raise UnknownName(
            f"tier of {self.id}", tier_id, _suggest(tier_id, [t.id for t in self.tiers])
        )

    def tier_named(self, text: str) -> Tier | None:
        """The tier ``text`` spells (its id, name or an alias, compared by :func:`spelling_key`)."""
        key = spelling_key(text)
        for tier in self.tiers:
            if any(spelling_key(spelling) == key for spelling in tier.spellings()):
                return tier
        return None

    def basis_on(self, day: date) -> LegalBasis | None:
        """The legal basis in force on ``day``, if the knowledge base knows one."""
        for basis in self.legal_basis:
            if basis.contains(day):
                return basis
        return None


class Member(Period):
    code: str
    confirmed_from: date | None = Field(
        default=None,
        description="When the real start is not known: the earliest day the sources confirm it.",
    )
    withdrew: date | None = Field(
        default=None, description="Date of leaving, where EU law kept applying after it."
    )
    note: str = ""


class Union(Sourced):
    """Jurisdictions treated as one for recognition (the EU customs territory, the EEA)."""

    id: str
    name: str
    members: tuple[Member, ...]


class Territory(Sourced):
    """A special territory with its own code, part of a country (XI: Northern Ireland)."""

    code: str
    name: str
    part_of: str
    also_in: tuple[Member, ...] = Field(
        default=(), description="Unions whose rules apply to the territory, as periods by union id."
    )


class JurisdictionsFile(_Entry):
    unions: tuple[Union, ...] = ()
    territories: tuple[Territory, ...] = ()


class CredentialSpec(_Entry):
    """Which credentials a rule speaks of: a scheme, optionally some tiers and where issued.

    ``issued_in`` is an area (``CN``, ``EU``), ``"target"`` (issued by the target jurisdiction
    itself, as a US state licence must be), ``"members"`` (by a member of the arrangement), or
    empty for "where the scheme itself says".
    """

    scheme: str
    tiers: tuple[str, ...] = Field(default=(), description="Empty: any tier.")
    issued_in: str | None = None

    def covers_tier(self, tier: str | None) -> bool:
        return not self.tiers or (tier is not None and tier in self.tiers)


class IdentifierMapping(_Entry):
    """An identifier the holder or their partner must supply for the benefit to reach the border."""

    kind: str
    remedy: str

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in IDENTIFIER_KINDS:
            raise ValueError(_unknown("identifier kind", kind, IDENTIFIER_KINDS))
        return kind


class Condition(_Entry):
    """A condition of a grant. ``fact`` names what a caller may confirm (``facts={fact: True}``)."""

    id: str
    description: str
    remedy: str = ""
    check: ConditionCheck = Field(
        default=ConditionCheck.CONFIRM,
        description="'confirm': only the caller can confirm it; 'home-state-member': the "
        "companion credential's issuing state must be a member of the arrangement; "
        "'issued-in-area': the holder's credential must be issued in `area`.",
    )
    area: str | None = None

    @model_validator(mode="after")
    def _area_only_where_checked(self) -> Condition:
        # Without an area the check could not be judged and would be skipped: refuse it here.
        if self.check is ConditionCheck.ISSUED_IN_AREA and not self.area:
            raise ValueError("a condition with check = 'issued-in-area' needs an 'area'")
        if self.check is not ConditionCheck.ISSUED_IN_AREA and self.area is not None:
            raise ValueError(f"'area' only applies to check = 'issued-in-area', not {self.check!r}")
        return self


class Grant(Period):
    """One direction of recognition: these credentials count there, for these activities."""

    id: str
    holder: CredentialSpec
    recognized_in: str = Field(description="An area, or 'members' for the arrangement's members.")
    benefits: tuple[str, ...] = Field(min_length=1, description="Activity ids the grant covers.")
    excluded_benefits: tuple[str, ...] = ()
    requires: tuple[CredentialSpec, ...] = Field(
        default=(), description="Companion credentials the holder must also have."
    )
    conditions: tuple[Condition, ...] = ()
    mappings: tuple[IdentifierMapping, ...] = ()
    limits: str = Field(default="", description="A limit that makes recognition partial.")
    confirmed_from: date | None = Field(
        default=None,
        description="When the real start is not known: the earliest day the sources confirm it.",
    )
    confidence: Confidence = Confidence.CERTAIN
    citation: str | None = None
    url: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _conditions_judgeable(self) -> Grant:
        ids = [c.id for c in self.conditions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate condition ids in {ids}")
        home_checked = any(c.check is ConditionCheck.HOME_STATE_MEMBER for c in self.conditions)
        home_issued = any(spec.issued_in == Place.MEMBERS for spec in self.requires)
        # The membership of the home state is judged by the condition, on the companion credential
        # issued "in members": one without the other would leave the membership unjudged.
        if home_checked and not home_issued:
            raise ValueError(
                "a 'home-state-member' condition needs a companion in 'requires' with "
                "issued_in = 'members'"
            )
        if home_issued and not home_checked:
            raise ValueError(
                "a companion with issued_in = 'members' needs a condition with "
                "check = 'home-state-member'"
            )
        return self

    def in_force(self, day: date) -> bool | None:
        """Whether the grant applies on ``day``; None when the sources cannot say."""
        return _in_force(self, self.confirmed_from, day)


class Arrangement(Sourced):
    """A recognition arrangement: an MRA, a compact, a trade agreement chapter, a route."""

    id: str
    kind: ArrangementKind
    title: str
    parties: tuple[str, ...] = ()
    signed: date | None = None
    members: tuple[Member, ...] = ()
    grants: tuple[Grant, ...] = ()
    remedy: str = Field(default="", description="For routes: how to get recognised.")

    @model_validator(mode="after")
    def _unique_grants(self) -> Arrangement:
        ids = [g.id for g in self.grants]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate grant ids in {ids}")
        return self

    def membership(self, jurisdiction: str, day: date) -> bool | None:
        """Whether ``jurisdiction`` is a member on ``day``; None when the sources cannot say."""
        answers = [
            _in_force(m, m.confirmed_from, day) for m in self.members if m.code == jurisdiction
        ]
        if True in answers:
            return True
        return None if None in answers else False


class Requirement(Sourced):
    """What an activity needs in one area: one of the native credentials."""

    area: str = Field(alias="in")
    native: tuple[CredentialSpec, ...]
    binding: bool = Field(
        default=True, description="False when it is an expectation (employers, insurers), not law."
    )
    remedy: str
    route: str | None = Field(default=None, description="An arrangement id of kind 'route'.")


class Activity(_Entry):
    """A target activity (``aeo-security-benefits``, ``title:clinical-psychologist``)."""

    id: str
    kind: ActivityKind
    title: str
    description: str = ""
    unrecognized_gap: Literal[GapCode.NO_ARRANGEMENT, GapCode.REGISTRATION_REQUIRED] = (
        GapCode.NO_ARRANGEMENT
    )
    protected_title: str = Field(
        default="", description="The title the law protects, e.g. 'clinical psychologist'."
    )
    requirements: tuple[Requirement, ...] = Field(min_length=1)


class ActivitiesFile(_Entry):
    activities: tuple[Activity, ...]


_ModelT = TypeVar("_ModelT", bound=BaseModel)


def _in_force(period: Period, confirmed_from: date | None, day: date) -> bool | None:
    """Three-valued: a known start decides; an unknown start is only known after confirmed_from."""
    if period.until is not None and day >= period.until:
        return False
    if period.start is not None:
        return day >= period.start
    if confirmed_from is not None and day >= confirmed_from:
        return True
    return None


class KnowledgeBase:
    """The loaded, validated knowledge base. Build it with :func:`load`."""

    def __init__(
        self,
        schemes: Mapping[str, Scheme],
        unions: Mapping[str, Union],
        territories: Mapping[str, Territory],
        sources: Iterable[Path],
        arrangements: Mapping[str, Arrangement] | None = None,
        activities: Mapping[str, Activity] | None = None,
    ) -> None:
        self.schemes = dict(sorted(schemes.items()))
        self.unions = dict(unions)
        self.territories = dict(territories)
        self.sources = tuple(sources)
        self.arrangements = dict(sorted((arrangements or {}).items()))
        self.activities = dict(sorted((activities or {}).items()))
        # The rule engine asks where a place lies many times per batch row: asked once per day.
        self._areas: dict[tuple[str, date], tuple[str, ...]] = {}

    def scheme(self, scheme_id: str) -> Scheme:
        try:
            return self.schemes[scheme_id]
        except KeyError:
            raise UnknownName("scheme", scheme_id, _suggest(scheme_id, self.schemes)) from None

    def arrangement(self, arrangement_id: str) -> Arrangement:
        try:
            return self.arrangements[arrangement_id]
        except KeyError:
            suggestions = _suggest(arrangement_id, self.arrangements)
            raise UnknownName("rule", arrangement_id, suggestions) from None

    def activity(self, activity_id: str) -> Activity:
        try:
            return self.activities[activity_id]
        except KeyError:
            suggestions = _suggest(activity_id, self.activities)
            raise UnknownName("activity", activity_id, suggestions) from None

    def schemes_for_kind(self, kind_id: str) -> list[str]:
        """Schemes an identifier kind names, those whose main identifier it is first."""
        main = [s.id for s in self.schemes.values() if s.identifier_kinds[:1] == (kind_id,)]
        other = [
            s.id
            for s in self.schemes.values()
            if kind_id in s.identifier_kinds[1:] and s.id not in main
        ]
        return main + other

    def country_of(self, jurisdiction: str) -> str:
        """The country a jurisdiction belongs to: 'US-CA' -> 'US', 'XI' -> 'GB', 'NL' -> 'NL'."""
        code = jurisdiction.upper()
        if code in self.territories:
            return self.territories[code].part_of
        return code.split("-", 1)[0]

    def areas_of(self, jurisdiction: str, day: date) -> list[str]:
        """Every area a jurisdiction lies in on ``day``, most specific first.

        ``areas_of("US-CA", d)`` is ``["US-CA", "US"]``; ``areas_of("NL", d)`` is
        ``["NL", "EEA", "EU"]``; Northern Ireland (``XI``) is in GB and, for goods, under EU rules.
        """
        return list(self._areas_cached(jurisdiction, day))

    def _areas_cached(self, jurisdiction: str, day: date) -> tuple[str, ...]:
        key = (jurisdiction.upper(), day)
        if key not in self._areas:
            self._areas[key] = self._areas_on(*key)
        return self._areas[key]

    def _areas_on(self, code: str, day: date) -> tuple[str, ...]:
        areas = [code]
        country = self.country_of(code)
        if country != code:
            areas.append(country)
        territory = self.territories.get(code)
        if territory:
            areas.extend(m.code for m in territory.also_in if m.contains(day))
        for union in sorted(self.unions.values(), key=lambda u: u.id, reverse=True):
            if any(m.code == country and m.contains(day) for m in union.members):
                areas.append(union.id)
        return tuple(dict.fromkeys(areas))

    def within(self, jurisdiction: str, area: str, day: date) -> bool:
        """True when ``jurisdiction`` lies in ``area`` on ``day`` (NL in the EU; GB not in 2021)."""
        return area.upper() in self._areas_cached(jurisdiction, day)


def bundled_registries_dir() -> Path:
    """The knowledge base shipped with the package, or the checkout's ``registries/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "registries", here.parent.parent / "registries"):
        if (candidate / "jurisdictions.toml").is_file():
            return candidate
    raise KnowledgeBaseError(f"no knowledge base found next to {here}")


def load(overrides: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the bundled knowledge base, then the user's overrides directory.

    ``overrides`` defaults to ``$CREDVERIFY_REGISTRIES``; entries there add to or replace the
    bundled ones by id. The result is cached per overrides directory.
    """
    chosen = overrides if overrides is not None else os.environ.get(OVERRIDES_ENV) or None
    return _load_cached(Path(chosen).resolve() if chosen else None)


@cache
def _load_cached(overrides: Path | None) -> KnowledgeBase:
    roots = [bundled_registries_dir()]
    if overrides is not None:
        if not overrides.is_dir():
            raise KnowledgeBaseError(
                f"{overrides}: the registries overrides directory does not exist",
                path=str(overrides),
            )
        roots.append(overrides)
    schemes: dict[str, Scheme] = {}
    unions: dict[str, Union] = {}
    territories: dict[str, Territory] = {}
    arrangements: dict[str, Arrangement] = {}
    activities: dict[str, Activity] = {}
    sources: list[Path] = []
    origins: _Origins = {}
    for root in roots:
        schemes.update(_load_folder(root / "schemes", Scheme, sources, origins))
        arrangements.update(_load_folder(root / "arrangements", Arrangement, sources, origins))
        activities_file = root / "activities.toml"
        if activities_file.is_file():
            for index, activity in enumerate(_parse(activities_file, ActivitiesFile).activities):
                activities[activity.id] = activity
                origins[f"activity:{activity.id}"] = (activities_file, f"activities[{index}].")
            sources.append(activities_file)
        jurisdictions = root / "jurisdictions.toml"
        if jurisdictions.is_file():
            parsed = _parse(jurisdictions, JurisdictionsFile)
            for index, union in enumerate(parsed.unions):
                unions[union.id] = union
                origins[f"union:{union.id}"] = (jurisdictions, f"unions[{index}].")
            for index, territory in enumerate(parsed.territories):
                territories[territory.code] = territory
                origins[f"territory:{territory.code}"] = (jurisdictions, f"territories[{index}].")
            sources.append(jurisdictions)
    kb = KnowledgeBase(schemes, unions, territories, sources, arrangements, activities)
    _cross_check(kb, origins)
    return kb


_IdT = TypeVar("_IdT", Scheme, Arrangement)
_Origins = dict[str, tuple[Path, str]]
"""Where each entry was read: ``"arrangement:<id>"`` -> (file, key prefix inside it)."""


def _load_folder(
    folder: Path, model: type[_IdT], sources: list[Path], origins: _Origins
) -> dict[str, _IdT]:
    """One entry per file; the file name must be the entry's id."""
    entries: dict[str, _IdT] = {}
    for path in sorted(folder.glob("*.toml")):
        entry = _parse(path, model)
        if path.stem != entry.id:
            raise KnowledgeBaseError(
                f"{path}: id {entry.id!r} does not match the file name {path.stem!r}",
                path=str(path),
                key="id",
            )
        entries[entry.id] = entry
        origins[f"{folder.name.removesuffix('s')}:{entry.id}"] = (path, "")
        sources.append(path)
    return entries


def _cross_check(kb: KnowledgeBase, origins: _Origins) -> None:
    """References between files must resolve: schemes, tiers, benefits, routes, jurisdictions.

    Every refusal names the file and the key path inside it, as a parse error does.
    """

    def refuse(origin: str, key: str, message: str) -> None:
        path, prefix = origins[origin]
        raise KnowledgeBaseError(f"{path}: {prefix}{key}: {message}", path=str(path), key=key)

    own_codes = {*kb.unions, *kb.territories}

    def area_ok(origin: str, key: str, code: str | None, *places: Place) -> None:
        if code is None or code in places:
            return
        if code in own_codes or _is_iso_code(code):
            return
        choices = [*(place.value for place in places), *own_codes, *_iso_codes_like(code)]
        refuse(origin, key, _unknown("jurisdiction", code, choices))

    def spec_ok(origin: str, key: str, spec: CredentialSpec, *places: Place) -> None:
        scheme = kb.schemes.get(spec.scheme)
        if scheme is None:
            refuse(origin, f"{key}.scheme", _unknown("scheme", spec.scheme, kb.schemes))
            return
        known_tiers = [t.id for t in scheme.tiers]
        for index, tier in enumerate(spec.tiers):
            if tier not in known_tiers:
                message = _unknown(f"tier of {scheme.id}", tier, known_tiers)
                refuse(origin, f"{key}.tiers[{index}]", message)
        area_ok(origin, f"{key}.issued_in", spec.issued_in, *places)

    for scheme in kb.schemes.values():
        area_ok(f"scheme:{scheme.id}", "jurisdiction", scheme.jurisdiction)
        predecessor = scheme.predecessor
        if predecessor is not None and predecessor.scheme not in kb.schemes:
            message = _unknown("scheme", predecessor.scheme, kb.schemes)
            refuse(f"scheme:{scheme.id}", "predecessor.scheme", message)
        elif predecessor is not None and predecessor.scheme == scheme.id:
            refuse(f"scheme:{scheme.id}", "predecessor.scheme", "a scheme cannot precede itself")
    for union in kb.unions.values():
        for index, member in enumerate(union.members):
            area_ok(f"union:{union.id}", f"members[{index}].code", member.code)
    for territory in kb.territories.values():
        origin = f"territory:{territory.code}"
        area_ok(origin, "part_of", territory.part_of)
        for index, member in enumerate(territory.also_in):
            if member.code not in kb.unions:
                message = _unknown("union", member.code, kb.unions)
                refuse(origin, f"also_in[{index}].code", message)
    for arrangement in kb.arrangements.values():
        _check_arrangement(kb, arrangement, refuse, area_ok, spec_ok)
    for activity in kb.activities.values():
        origin = f"activity:{activity.id}"
        for index, requirement in enumerate(activity.requirements):
            key = f"requirements[{index}]"
            area_ok(origin, f"{key}.in", requirement.area)
            for spec_index, spec in enumerate(requirement.native):
                spec_ok(origin, f"{key}.native[{spec_index}]", spec, Place.TARGET)
            if requirement.route is None:
                continue
            route = kb.arrangements.get(requirement.route)
            if route is None:
                message = _unknown("route", requirement.route, kb.arrangements)
                refuse(origin, f"{key}.route", message)
            elif route.kind is not ArrangementKind.ROUTE:
                message = f"{route.id!r} is of kind {route.kind.value!r}, not a route"
                refuse(origin, f"{key}.route", message)


class _Refuse(Protocol):
    def __call__(self, origin: str, key: str, message: str) -> None: ...


class _AreaCheck(Protocol):
    def __call__(self, origin: str, key: str, code: str | None, *places: Place) -> None: ...


class _SpecCheck(Protocol):
    def __call__(self, origin: str, key: str, spec: CredentialSpec, *places: Place) -> None: ...


def _check_arrangement(
    kb: KnowledgeBase,
    arrangement: Arrangement,
    refuse: _Refuse,
    area_ok: _AreaCheck,
    spec_ok: _SpecCheck,
) -> None:
    origin = f"arrangement:{arrangement.id}"
    for index, party in enumerate(arrangement.parties):
        area_ok(origin, f"parties[{index}]", party)
    for index, member in enumerate(arrangement.members):
        area_ok(origin, f"members[{index}].code", member.code)
    for index, grant in enumerate(arrangement.grants):
        key = f"grants[{index}]"
        spec_ok(origin, f"{key}.holder", grant.holder, Place.TARGET, Place.MEMBERS)
        for spec_index, companion in enumerate(grant.requires):
            spec_ok(origin, f"{key}.requires[{spec_index}]", companion, Place.TARGET, Place.MEMBERS)
        area_ok(origin, f"{key}.recognized_in", grant.recognized_in, Place.MEMBERS)
        speaks_of_members = grant.recognized_in == Place.MEMBERS or any(
            spec.issued_in == Place.MEMBERS for spec in (grant.holder, *grant.requires)
        )
        if speaks_of_members and not arrangement.members:
            refuse(origin, key, "the grant speaks of 'members' but the arrangement lists none")
        for name in ("benefits", "excluded_benefits"):
            for benefit_index, benefit in enumerate(getattr(grant, name)):
                if benefit not in kb.activities:
                    message = _unknown("activity", benefit, kb.activities)
                    refuse(origin, f"{key}.{name}[{benefit_index}]", message)
        for condition_index, condition in enumerate(grant.conditions):
            area_ok(origin, f"{key}.conditions[{condition_index}].area", condition.area)


def _is_iso_code(code: str) -> bool:
    """An ISO 3166-1 alpha-2 country (``NL``) or an ISO 3166-2 subdivision (``US-CA``)."""
    return code in (
        _iso_codes("3166-2", "code") if "-" in code else _iso_codes("3166-1", "alpha_2")
    )


def _iso_codes_like(code: str) -> list[str]:
    """Candidates for a did-you-mean: the subdivisions of the code's country, or all countries."""
    if "-" in code:
        country = code.split("-", 1)[0] + "-"
        return [c for c in _iso_codes("3166-2", "code") if c.startswith(country)]
    return sorted(_iso_codes("3166-1", "alpha_2"))


@cache
def _iso_codes(standard: str, field: str) -> frozenset[str]:
    """The codes of an ISO standard, from pycountry's data files (https://pypi.org/p/pycountry).

    The JSON is read directly: building pycountry's objects costs tens of milliseconds, and the
    knowledge base is loaded on the CLI's cold start.
    """
    spec = importlib.util.find_spec("pycountry")
    if spec is None or spec.origin is None:
        raise KnowledgeBaseError("pycountry is not installed: cannot check jurisdiction codes")
    database = Path(spec.origin).parent / "databases" / f"iso{standard}.json"
    # Only one field's values are needed: scanned out of the text, several times faster than
    # parsing the whole file (ISO 3166-2 is a megabyte), and on the CLI's cold-start path.
    pattern = re.compile(rf'"{re.escape(field)}":\s*"([^"]+)"'.encode())
    found = pattern.findall(database.read_bytes())
    if not found:
        entries = json.loads(database.read_bytes())[standard]
        return frozenset(entry[field] for entry in entries)
    return frozenset(code.decode() for code in found)


def _parse(path: Path, model: type[_ModelT]) -> _ModelT:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"{path}: cannot read: {exc}", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeBaseError(f"{path}: not valid TOML: {exc}", path=str(path)) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = _key_path(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            leaf = str(first["loc"][-1])
            hint = _suggest(leaf, _field_names())
            message = "unknown key" + (f"; did you mean {hint[0]!r}?" if hint else "")
        elif first["type"] in ("enum", "literal_error"):
            # A closed vocabulary: name the value, the closest valid one and all of them.
            valid = re.findall(r"'([^']*)'", str(first.get("ctx", {}).get("expected", "")))
            leaf = str(first["loc"][-1])
            message = _unknown(leaf, str(first["input"]), valid) + f" (valid: {', '.join(valid)})"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise KnowledgeBaseError(
            f"{path}: {key}: {message}{more}", path=str(path), key=key
        ) from None


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


@cache
def _field_names() -> tuple[str, ...]:
    names: set[str] = set()
    models: tuple[type[BaseModel], ...] = (
        Scheme, Tier, LegalBasis, Predecessor, Union, Member, Territory, JurisdictionsFile,
        Arrangement, Grant, CredentialSpec, IdentifierMapping, Condition, Requirement, Activity,
    )  # fmt: skip
    for model in models:
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
    return tuple(sorted(names))


def _suggest(name: str, choices: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(name, list(choices), n=2, cutoff=0.6)


def _unknown(kind: str, name: str, choices: Iterable[str]) -> str:
    hint = _suggest(name, choices)
    return f"unknown {kind} {name!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")


def fingerprint(kb: KnowledgeBase) -> str:
    """A sha256 (hex) of the knowledge base a verdict was reached with: every bundled
    ``registries/`` file, then every file of the overrides directory, each by its path inside
    its folder and its content, in path order. Two knowledge bases with the same files have the
    same fingerprint wherever they are installed; any change to a rule, a scheme or the demo
    registry changes it."""
    import hashlib

    bundled = bundled_registries_dir().resolve()
    roots = [("bundled", bundled)]
    for source in kb.sources:
        path = source.resolve()
        if path.is_relative_to(bundled):
            continue
        # An override file sits at the root of its folder or one level down (schemes/...).
        root = (
            path.parent.parent if path.parent.name in ("schemes", "arrangements") else path.parent
        )
        if ("overrides", root) not in roots:
            roots.append(("overrides", root))
    digest = hashlib.sha256()
    for label, root in roots:
        files = sorted(
            p
            for p in root.rglob("*")
            if p.is_file()
            and not any(part.startswith((".", "__")) for part in p.relative_to(root).parts)
        )
        for path in files:
            name = f"{label}/{path.relative_to(root).as_posix()}"
            digest.update(f"{name}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()
