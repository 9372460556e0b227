"""From what people write to a claim: one place that decides which scheme an identifier, a
country and a few hints name.

``lookup``, ``batch`` and the service all go through :func:`claim_from`. It reads the identifier
with :func:`credverify.identify` (value by value: one column may hold an EORI in one row and an
AEO number in the next), the country with :func:`credverify.places.parse_place`, the scheme hint
through the aliases of ``registries/inputs.toml`` (``LPC``, ``AEO``, ``CTPAT``...) and the tier
through each scheme file's tier aliases (``AEO-S``, ``Tier II``, ``高级认证``). When it cannot
decide, or a hint contradicts the identifier, it raises :class:`~credverify.errors.InputError`
naming the row, the column, the value and what was expected; it never guesses.

>>> claim_from("DEAEOF1234", country="Germany").scheme
'eu.aeo'
>>> claim_from("CHAEOF1234").scheme, claim_from(country="NO", tier=None, scheme="AEO").scheme
('ch.aeo', 'no.aeo')
>>> claim_from(scheme="LPC", country="Texas").jurisdiction
'US-TX'
>>> normalise_tier("us.ctpat", "Tier II"), normalise_tier("cn.aeo", "高级认证")
('tier-2', 'advanced')
"""

from __future__ import annotations

import difflib
import re
import tomllib
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from credverify.errors import InputError, KnowledgeBaseError, UnknownName
from credverify.records import Claim

if TYPE_CHECKING:
    from credverify.identifiers import Candidate
    from credverify.knowledge import KnowledgeBase, Scheme

__all__ = [
    "Decision",
    "Family",
    "InputRules",
    "Role",
    "claim_from",
    "decide",
    "default_activity",
    "input_rules",
    "is_assessed",
    "normalise_tier",
    "require_state",
    "schemes_named",
]

INPUTS_FILE = "inputs.toml"
TRUSTED_TRADER = "trusted-trader"
"""The family an identifier or a tier without a scheme is read in: the country's AEO programme."""
# Countries whose programmes copy the EU's number layout (CHAEOF..., NOAEOF...) but that
# identify() does not model: the issuing country's code, "AEO", then the national number.
_AEO_LAYOUT = re.compile(r"(?P<issuer>[A-Z]{2})AEO[A-Z0-9]+")


# -- the rules file ------------------------------------------------------------------------------


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _FamilyEntry(_Entry):
    id: str
    title: str
    schemes: tuple[str, ...] = ()
    kind: str | None = None
    assessed: bool = True
    default_activity: dict[str, str] = Field(default_factory=dict)


class Role(_Entry):
    """What a batch column of one role tells :func:`claim_from` (see ``[roles]``)."""

    place: str | None = Field(default=None, pattern="^(country|state)$")
    within: str | None = Field(default=None, alias="in")
    scheme: bool = False
    identifier: bool = False
    fallback: str | None = None
    tier: bool = False
    tier_of: str | None = None


class _InputsFile(_Entry):
    aliases: dict[str, str] = Field(default_factory=dict)
    families: tuple[_FamilyEntry, ...] = ()
    roles: dict[str, Role] = Field(default_factory=dict)


@dataclass(frozen=True)
class Family:
    """Schemes that answer to one word and share a default activity (``trusted-trader``)."""

    id: str
    title: str
    schemes: tuple[str, ...]
    assessed: bool
    default_activity: Mapping[str, str]


@dataclass(frozen=True)
class InputRules:
    """``registries/inputs.toml`` checked against the knowledge base it belongs to."""

    aliases: Mapping[str, str]  # spelling key -> scheme id or family id
    families: Mapping[str, Family]
    family_of: Mapping[str, str]  # scheme id -> family id
    roles: Mapping[str, Role]

    def named(self, word: str) -> tuple[str, ...]:
        """The schemes a scheme id, a family id or an alias names; empty when none."""
        from credverify.knowledge import spelling_key

        target = self.aliases.get(spelling_key(word), word.strip())
        if target in self.families:
            return self.families[target].schemes
        if target in self.family_of:
            return (target,)
        return ()


_RULES: weakref.WeakKeyDictionary[KnowledgeBase, InputRules] = weakref.WeakKeyDictionary()


def input_rules(knowledge: KnowledgeBase | None = None) -> InputRules:
    """The input rules of ``knowledge`` (default: the bundled knowledge base), read from the
    bundled ``inputs.toml`` and any overrides folder's, and checked against its schemes and
    activities. A rule naming something the knowledge base lacks is a KnowledgeBaseError."""
    from credverify.knowledge import load

    kb = knowledge or load()
    rules = _RULES.get(kb)
    if rules is None:
        rules = _RULES[kb] = _read_rules(kb)
    return rules


def _roots(kb: KnowledgeBase) -> list[Path]:
    from credverify.knowledge import bundled_registries_dir

    roots = [bundled_registries_dir().resolve()]
    for source in kb.sources:  # an overrides folder shows in its top-level files
        if source.name in ("jurisdictions.toml", "activities.toml", INPUTS_FILE):
            root = source.resolve().parent
            if root not in roots:
                roots.append(root)
    return roots


def _read_rules(kb: KnowledgeBase) -> InputRules:
    from credverify.knowledge import SchemeKind, spelling_key

    aliases: dict[str, str] = {}
    families: dict[str, _FamilyEntry] = {}
    roles: dict[str, Role] = {}
    roots = _roots(kb)
    refuse = _refuser(roots[0] / INPUTS_FILE)
    for root in roots:
        path = root / INPUTS_FILE
        if not path.is_file():
            continue
        try:
            parsed = _InputsFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise KnowledgeBaseError(f"{path}: cannot read: {exc}", path=str(path)) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(part) for part in first["loc"])
            raise KnowledgeBaseError(f"{path}: {key}: {first['msg']}", path=str(path)) from None
        for word, target in parsed.aliases.items():
            aliases[spelling_key(word)] = target
        families.update((entry.id, entry) for entry in parsed.families)
        roles.update(parsed.roles)
        refuse = _refuser(path)  # a cross-reference error names the last file read
    members: dict[str, tuple[str, ...]] = {}
    family_of: dict[str, str] = {}
    for entry in families.values():
        listed = list(entry.schemes)
        if entry.kind is not None:
            kind = SchemeKind(entry.kind)
            listed += [
                s.id for s in kb.schemes.values() if s.kind is kind and s.id not in family_of
            ]
        for scheme_id in listed:
            if scheme_id not in kb.schemes:
                refuse(f"families.{entry.id}", _unknown("scheme", scheme_id, kb.schemes))
            family_of.setdefault(scheme_id, entry.id)
        members[entry.id] = tuple(s for s in listed if family_of[s] == entry.id)
        for area, activity in entry.default_activity.items():
            if activity not in kb.activities:
                refuse(f"families.{entry.id}.default_activity.{area}",
                       _unknown("activity", activity, kb.activities))  # fmt: skip
    for scheme_id in kb.schemes:
        if scheme_id not in family_of:
            refuse("families", f"scheme {scheme_id!r} belongs to no family")
    for word, target in aliases.items():
        if target not in families and target not in kb.schemes:
            choices = [*families, *kb.schemes]
            refuse(f"aliases.{word}", _unknown("scheme or family", target, choices))
    for name, role in roles.items():
        for target in filter(None, (role.fallback, role.tier_of)):
            if target not in families and target not in kb.schemes:
                refuse(f"roles.{name}", _unknown("scheme or family", target, kb.schemes))
    return InputRules(
        aliases=aliases,
        families={
            f.id: Family(f.id, f.title, members[f.id], f.assessed, dict(f.default_activity))
            for f in families.values()
        },
        family_of=family_of,
        roles=roles,
    )


def _refuser(path: Path) -> Callable[[str, str], None]:
    def refuse(key: str, message: str) -> None:
        raise KnowledgeBaseError(f"{path}: {key}: {message}", path=str(path), key=key)

    return refuse


def _unknown(kind: str, name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"unknown {kind} {name!r}" + (f"; did you mean {close[0]!r}?" if close else "")


# -- small public answers ------------------------------------------------------------------------


def schemes_named(word: str, knowledge: KnowledgeBase | None = None) -> tuple[str, ...]:
    """The schemes a word names: a scheme id (``cn.aeo``), a family (``AEO``: every
    trusted-trader programme) or an alias (``LPC``, ``C-TPAT``). Raises InputError when none."""
    rules = input_rules(knowledge)
    named = rules.named(word)
    if not named:
        raise InputError(
            f"unknown scheme {word.strip()!r}; expected a scheme id such as eu.aeo or "
            "us.licence.psychologist, or a name such as AEO, EORI, CTPAT, LPC, LCSW, "
            "psychologist or HCPC"
        )
    return named


def is_assessed(scheme_id: str, knowledge: KnowledgeBase | None = None) -> bool:
    """False for identity and screening schemes (EORI, NPI, LEIE): verified, never assessed."""
    rules = input_rules(knowledge)
    family = rules.family_of.get(scheme_id)
    return family is None or rules.families[family].assessed


def default_activity(
    scheme_id: str, target: str, knowledge: KnowledgeBase | None = None
) -> str | None:
    """The activity to assess ``scheme_id`` for in ``target`` when none is given: the scheme
    family's default for the target's most specific listed area; None when it has none (the
    caller should then ask for an activity)."""
    from credverify.knowledge import load

    kb = knowledge or load()
    rules = input_rules(kb)
    family = rules.families.get(rules.family_of.get(scheme_id, ""))
    if family is None:
        return None
    for area in (*kb.areas_of(target, date.today()), "*"):
        if area in family.default_activity:
            return family.default_activity[area]
    return None


def require_state(target: str, activity: str, knowledge: KnowledgeBase | None = None) -> None:
    """Refuse a bare country as the target of an activity its states regulate.

    An activity is regulated per state where its requirement for that country asks for a
    credential issued by the target itself (``issued_in = "target"``: US licences). Raises
    InputError "give a state, e.g. US-TX".
    """
    from credverify.knowledge import Place, load

    kb = knowledge or load()
    place = target.upper()
    if "-" in place or place in kb.territories:
        return
    try:
        wanted = kb.activity(activity)
    except UnknownName:
        return  # the caller's own check names the unknown activity
    per_state = any(
        requirement.area == place
        and any(spec.issued_in == Place.TARGET for spec in requirement.native)
        for requirement in wanted.requirements
    )
    if per_state:
        example = "US-TX" if place == "US" else f"{place}-..."
        raise InputError(
            f"{activity} is regulated by each state of {place}: give a state, e.g. {example}"
        )


def normalise_tier(scheme_id: str, text: str, knowledge: KnowledgeBase | None = None) -> str:
    """The tier id ``text`` spells in ``scheme_id``: its id, its name, or an alias of its scheme
    file (``AEO-S`` -> ``AEOS``, ``Tier II`` -> ``tier-2``, ``認定製造者`` -> ``manufacturer``).
    Raises InputError listing the scheme's tiers when it names none."""
    from credverify.knowledge import load

    scheme = (knowledge or load()).scheme(scheme_id)
    shown = " ".join(str(text).split())
    if not scheme.tiers:
        raise InputError(f"{scheme_id} has no tiers in the knowledge base; got tier {shown!r}")
    tier = scheme.tier_named(shown) if shown else None
    if tier is not None:
        return tier.id
    spellings = [s for t in scheme.tiers for s in t.spellings()]
    close = difflib.get_close_matches(shown, spellings, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listed = ", ".join(f"{t.id} ({t.name})" for t in scheme.tiers)
    raise InputError(f"unknown tier {shown!r} of {scheme_id}{hint}; expected one of {listed}")


# -- deciding a claim ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What :func:`decide` read: the claim and the identifier kind it was read as (None when
    no kind of :func:`credverify.identify` fits, e.g. a Swiss AEO number)."""

    claim: Claim
    kind: str | None = None


@dataclass(frozen=True)
class _Where:
    """Where a value came from, for messages: ``row 3, column Country: ...``."""

    row: int | None = None
    columns: Mapping[str, str] = field(default_factory=dict)  # role -> column; "*" any

    def column(self, role: str) -> str | None:
        return self.columns.get(role) or self.columns.get("*")

    def error(self, role: str, message: str) -> InputError:
        parts = [f"row {self.row}"] if self.row is not None else []
        column = self.column(role)
        if column:
            parts.append(f"column {column}")
        return InputError(f"{', '.join(parts)}: {message}" if parts else message)


@dataclass(frozen=True)
class _Read:
    scheme: str
    kind: str | None = None
    issuer: str | None = None


def claim_from(
    identifier: str | None = None,
    *,
    country: str | None = None,
    scheme: str | None = None,
    tier: str | None = None,
    holder: str | None = None,
    knowledge: KnowledgeBase | None = None,
    row: int | None = None,
    column: str | None = None,
) -> Claim:
    """The claim an identifier and its hints make, for every scheme the knowledge base knows.

    ``identifier`` is read with :func:`credverify.identify`; ``country`` is where the credential
    was issued, as people write it (``Germany``, ``US-TX``, ``Texas``); ``scheme`` a scheme id
    or a word for one (``AEO``, ``LPC``, ``CTPAT``); ``tier`` any spelling of a tier of it.
    Without an identifier the country and the hints decide (``country="CN", tier="高级认证"``
    is China's AEO). An identifier that fails its format keeps the scheme it was meant for, so
    the verifier reports it ``invalid``. A scheme without modelled tiers ignores ``tier``.

    Raises InputError, naming ``row`` and ``column`` when given, the value and what was
    expected, when nothing decides the scheme or a hint contradicts the identifier.
    """
    return decide(
        identifier, country=country, scheme=scheme, tier=tier, holder=holder,
        knowledge=knowledge, row=row, column=column,
    ).claim  # fmt: skip


def decide(
    identifier: str | None = None,
    *,
    country: str | None = None,
    scheme: str | None = None,
    tier: str | None = None,
    holder: str | None = None,
    knowledge: KnowledgeBase | None = None,
    row: int | None = None,
    column: str | None = None,
) -> Decision:
    """:func:`claim_from`, with the identifier kind it read the identifier as."""
    from credverify.knowledge import load

    where = _Where(row, {"*": column} if column else {})
    place = _place(country, where, "country")
    return _decide(identifier, place, scheme, None, tier, holder, knowledge or load(), where)


def _place(text: str | None, where: _Where, role: str, within: str | None = None) -> str | None:
    from credverify.places import parse_place

    if text is None or not str(text).strip():
        return None
    try:
        return parse_place(text, what=role, country=within)
    except InputError as bad:
        message = bad.message
        if where.column(role):  # "column Country: unknown place", not "country: unknown place"
            message = message.removeprefix(f"{role}: ")
        raise where.error(role, message) from None


def _decide(
    identifier: str | None,
    place: str | None,
    scheme_hint: str | None,
    fallback: str | None,
    tier: str | None,
    holder: str | None,
    kb: KnowledgeBase,
    where: _Where,
) -> Decision:
    rules = input_rules(kb)
    hinted: tuple[str, ...] = ()
    if scheme_hint is not None and scheme_hint.strip():
        try:
            hinted = schemes_named(scheme_hint, kb)
        except InputError as bad:
            raise where.error("scheme", bad.message) from None
    text = " ".join(identifier.split()) if identifier else ""
    tier_text = " ".join(tier.split()) if tier else ""
    if text:
        read = _by_identifier(text, place, hinted, fallback, tier_text, kb, where)
    else:
        read = _by_place(place, hinted or _fallback(fallback, rules), tier_text, kb, where)
    chosen = kb.scheme(read.scheme)
    tier_id = None
    if tier_text and chosen.tiers:
        try:
            tier_id = normalise_tier(chosen.id, tier_text, kb)
        except InputError as bad:
            raise where.error("tier", bad.message) from None
    jurisdiction = None
    if is_assessed(chosen.id, kb):
        jurisdiction = read.issuer or place
    claim = Claim(
        scheme=chosen.id,
        tier=tier_id,
        identifier=text or None,
        holder=holder or None,
        jurisdiction=jurisdiction,
    )
    return Decision(claim, read.kind)


def _fallback(fallback: str | None, rules: InputRules) -> tuple[str, ...]:
    if fallback:
        return rules.named(fallback)
    default = rules.families.get(TRUSTED_TRADER)
    return default.schemes if default is not None else ()


def _fits(scheme: Scheme, place: str, kb: KnowledgeBase) -> bool:
    """True when a credential issued in ``place`` can be of ``scheme`` (DE: eu.aeo)."""
    return kb.within(place, scheme.jurisdiction, date.today())


def _by_place(
    place: str | None, candidates: tuple[str, ...], tier: str, kb: KnowledgeBase, where: _Where
) -> _Read:
    """The scheme of ``candidates`` that the place (its most specific area) and the tier leave."""
    from credverify.places import place_name

    if not candidates:
        raise where.error("scheme", "cannot tell which credential this is: give a scheme")
    left = list(candidates)
    if place is not None:
        areas = kb.areas_of(place, date.today())
        ranked = [s for area in areas for s in left if kb.scheme(s).jurisdiction == area]
        if not ranked:
            where_known = sorted({kb.scheme(s).jurisdiction for s in left})
            named = _label(candidates, kb)
            raise where.error(
                "country",
                f"the knowledge base has no {named} issued in {place_name(place)} ({place}); "
                f"expected one issued in {', '.join(where_known)}",
            )
        most_specific = kb.scheme(ranked[0]).jurisdiction
        left = [s for s in ranked if kb.scheme(s).jurisdiction == most_specific]
    if len(left) > 1 and tier:
        spelled = [s for s in left if kb.scheme(s).tier_named(tier) is not None]
        left = spelled or left
    if len(left) == 1:
        return _Read(left[0])
    shown = ", ".join(left[:8]) + (" ..." if len(left) > 8 else "")
    need = "a country or an identifier" if place is None else "a scheme"
    raise where.error(
        "country" if place is None else "scheme",
        f"cannot tell which {_label(candidates, kb)} this is ({shown}): give {need}",
    )


def _label(schemes: tuple[str, ...], kb: KnowledgeBase) -> str:
    rules = input_rules(kb)
    families = {rules.family_of.get(s) for s in schemes}
    if len(schemes) == 1:
        return schemes[0]
    if len(families) == 1 and None not in families:
        return rules.families[str(families.pop())].title
    return "credential scheme"


def _by_identifier(
    text: str,
    place: str | None,
    hinted: tuple[str, ...],
    fallback: str | None,
    tier: str,
    kb: KnowledgeBase,
    where: _Where,
) -> _Read:
    from credverify.identifiers import identify

    rules = input_rules(kb)
    compact = "".join(text.split()).upper()
    layout = _AEO_LAYOUT.fullmatch(compact.replace("-", ""))
    if layout is not None:
        own = _own_layout(layout["issuer"], hinted, kb)
        if own is not None:
            if place is not None and not _fits(kb.scheme(own.scheme), place, kb):
                raise _contradiction(where, text, f"an AEO number ({own.scheme})", place)
            return own
    candidates = identify(text)
    valid = [c for c in candidates if c.valid]
    # A column's scheme (an NPI column) keeps a value that identify() ranks as a typo of it
    # ahead of any valid reading: 1234567890 is a mistyped NPI before it is a customs code.
    weak = () if hinted else (rules.named(fallback) if fallback else ())
    for candidate in candidates:
        if candidate.valid:
            break
        typo = _options([candidate], weak, kb) if weak else []
        if typo:
            return typo[0]
    contradiction: InputError | None = None
    try:
        read = _pick(_options(valid, hinted, kb), place, kb, where, text)
    except InputError as bad:
        read, contradiction = None, bad
    if read is not None:
        return read
    if valid and hinted and all(kb.scheme(s).identifier_kinds for s in hinted):
        raise where.error(
            "identifier",
            f"{text!r} is a valid {valid[0].name}, not an identifier of "
            f"{_label(hinted, kb)}; expected {_expected(hinted, kb)}",
        )
    # Nothing valid fits: the scheme the hints and the place name, then the one the identifier
    # was most likely meant as (a typo keeps its scheme: the verifier says it is invalid).
    named = hinted or _fallback(fallback, rules)
    unplaced: InputError | None = None
    if named and (place is not None or len(named) == 1):
        try:
            placed = _by_place(place, named, tier, kb, where)
        except InputError as bad:
            if hinted:
                raise
            unplaced = bad
        else:
            # A scheme with no identifier kind takes any text, but not a valid identifier of
            # another country's scheme: that is a contradiction, not a free-text number.
            if kb.scheme(placed.scheme).identifier_kinds or contradiction is None:
                return placed
    if contradiction is not None:
        raise contradiction
    read = _pick(_options(candidates, hinted, kb), place, kb, where, text)
    if read is not None:
        return read
    raise unplaced or where.error(
        "identifier",
        f"cannot tell which scheme {text!r} belongs to: it matches no identifier credverify "
        "knows; give the country that issued it, or the scheme",
    )


def _own_layout(issuer: str, hinted: tuple[str, ...], kb: KnowledgeBase) -> _Read | None:
    """The programme of ``issuer`` when it numbers its AEOs in the EU layout without the EU
    identifier kind modelling it (Switzerland, Norway); None for the EU and the UK."""
    rules = input_rules(kb)
    if issuer not in _iso_countries():
        return None
    programmes = hinted or _fallback(None, rules)
    fitting = [s for s in programmes if kb.scheme(s).jurisdiction == issuer]
    if len(fitting) != 1 or "eu.aeo-number" in kb.scheme(fitting[0]).identifier_kinds:
        return None
    return _Read(fitting[0], None, issuer)


def _iso_countries() -> frozenset[str]:
    from credverify.knowledge import _iso_codes

    return _iso_codes("3166-1", "alpha_2")


def _options(
    candidates: list[Candidate], hinted: tuple[str, ...], kb: KnowledgeBase
) -> list[_Read]:
    """Every (scheme, kind) the candidates can be, hinted schemes only when hinted; screening
    lists only when asked for by name."""
    from credverify.knowledge import SchemeKind

    options = []
    for candidate in candidates:
        named = candidate.details.get("scheme")
        schemes = [named] if named else kb.schemes_for_kind(candidate.kind)
        if hinted and named and named not in hinted:
            # An EU AEO number names its scheme; under a hint it can still identify the holder.
            schemes = [s for s in kb.schemes_for_kind(candidate.kind) if s in hinted]
        issuer = candidate.details.get("issuer") or candidate.details.get("country")
        for scheme_id in schemes:
            if scheme_id not in kb.schemes:
                continue
            if hinted and scheme_id not in hinted:
                continue
            if not hinted and kb.scheme(scheme_id).kind is SchemeKind.SCREENING:
                continue
            options.append(_Read(scheme_id, candidate.kind, issuer))
    return options


def _pick(
    options: list[_Read], place: str | None, kb: KnowledgeBase, where: _Where, text: str
) -> _Read | None:
    """The first option issued where the place lies; an identity number of another country is
    fine (a Chinese supplier's German EORI), a credential of another country is not."""
    if not options:
        return None
    if place is None:
        return options[0]
    fitting = [o for o in options if _fits(kb.scheme(o.scheme), place, kb)]
    if fitting:
        return fitting[0]
    first = options[0]
    if not is_assessed(first.scheme, kb):
        return first
    from credverify.identifiers import kind

    name = kind(first.kind).name if first.kind else "an identifier"
    raise _contradiction(where, text, f"{name} ({first.scheme})", place)


def _contradiction(where: _Where, text: str, what: str, place: str) -> InputError:
    from credverify.places import place_name

    return where.error(
        "identifier",
        f"{text!r} reads as {what}, which is not issued in {place_name(place)} ({place}); "
        "expected an identifier issued there, or the country that issued it",
    )


def _expected(schemes: tuple[str, ...], kb: KnowledgeBase) -> str:
    from credverify.identifiers import kind

    kinds = dict.fromkeys(k for s in schemes for k in kb.scheme(s).identifier_kinds)
    return "; or ".join(kind(k).expected for k in kinds) or "no identifier"
