"""The ``credverify`` command line: parses arguments, calls the library, renders the answer.

It holds no logic of its own. Results go to stdout (``--json`` for scripts), messages to stderr.
Exit codes (:data:`EXIT_CODES`, the same table as the README's): 0 no blocker; 1 finished with a
blocker; 2 usage or input error; 3 internal error. What counts as a blocker is
:mod:`credverify.levels`.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from credverify import __version__
from credverify.errors import AbortError, CredverifyError, InputError
from credverify.levels import FailOn

if TYPE_CHECKING:
    from credverify.knowledge import KnowledgeBase
    from credverify.records import Assessment, Check, Claim, Severity, Target
    from credverify.verifier import Verifier

EXIT_BLOCKED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "finished, no blocker (warnings such as unverifiable or unknown do not count, unless "
        "--fail-on warning)"),
    (1, "finished with a blocker: not-recognized, invalid, not-found, inactive, mismatch, an "
        "exclusion match (or a warning, with --fail-on warning)"),
    (EXIT_USAGE, "usage or input error (one line on stderr, before any work)"),
    (EXIT_INTERNAL, "internal error"),
)  # fmt: skip
"""The exit codes of ``lookup``, ``assess`` and ``batch``; the README's table says the same."""

_EXIT_CODES_HELP = "Exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES) + "."

_FAIL_ON_HELP = (
    "The lowest level that exits 1: blocker (default), warning (also unverifiable, partial, "
    "unknown, a potential match) or never."
)

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)

app = typer.Typer(
    name="credverify",
    help=(
        "Verify credentials against their primary sources and explain whether they count "
        "elsewhere.\n\n"
        "Examples:\n\n"
        "  credverify batch examples/suppliers.csv --to NL --demo --out report.html\n\n"
        "  credverify lookup GB123456789000 --json\n\n"
        "  credverify assess --scheme cn.aeo --tier general --to NL --as-of 2019-06-01\n\n"
        "  credverify identify 91110000600037341L\n\n"
        "  credverify registries sync us.oig.leie --file UPDATED.csv\n\n"
        "  credverify rules show eu-cn-mra"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
schemes_app = typer.Typer(
    help="The credential schemes the knowledge base knows.", no_args_is_help=True
)
app.add_typer(schemes_app, name="schemes")
rules_app = typer.Typer(
    help="The recognition rules: arrangements (MRAs, compacts, routes).", no_args_is_help=True
)
app.add_typer(rules_app, name="rules")
activities_app = typer.Typer(
    help="The target activities: what a credential may have to count for.", no_args_is_help=True
)
app.add_typer(activities_app, name="activities")
registries_app = typer.Typer(
    help="The registries credverify can ask, and the snapshot files it imports.",
    no_args_is_help=True,
)
app.add_typer(registries_app, name="registries")

_state: dict[str, Path | None] = {"registries": None}


def _version(value: bool) -> None:
    if value:
        stdout.print(f"credverify {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    registries: Annotated[
        Path | None,
        typer.Option(
            "--registries",
            metavar="DIR",
            help="A directory of knowledge-base files that add or replace bundled entries by id "
            "(default: $CREDVERIFY_REGISTRIES).",
        ),
    ] = None,
) -> None:
    _state["registries"] = registries


def _knowledge() -> KnowledgeBase:
    from credverify import knowledge

    return knowledge.load(_state["registries"])


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@app.command()
def identify(
    text: Annotated[str, typer.Argument(help="An identifier: EORI, AEO number, USCC, NPI...")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Say which kinds of identifier TEXT could be, and whether it is valid as each.

    Examples:

      credverify identify 1234567893

      credverify identify GB123456789000 --json
    """
    from credverify.identifiers import identify as identify_text

    if not text.strip():
        raise InputError("identify: the identifier is empty; give one, e.g. GB123456789000")
    candidates = identify_text(text)
    if as_json:
        _print_json({"input": text, "candidates": [c.to_dict() for c in candidates]})
        return
    if not candidates:
        stdout.print(f"{text!r} does not look like any identifier kind credverify knows.")
        return
    table = Table(title=f"What {text!r} could be")
    for column in ("kind", "valid", "why", "formatted", "details"):
        table.add_column(column)
    for c in candidates:
        details = ", ".join(f"{k}={v}" for k, v in c.details.items())
        table.add_row(c.kind, "yes" if c.valid else "no", c.reason, c.formatted or "", details)
    stdout.print(table)


@schemes_app.command("list")
def schemes_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every credential scheme.

    Example:

      credverify schemes list --json
    """
    kb = _knowledge()
    if as_json:
        _print_json(
            [
                {"id": s.id, "name": s.name, "kind": s.kind.value, "jurisdiction": s.jurisdiction}
                for s in kb.schemes.values()
            ]
        )
        return
    table = Table(title="Credential schemes")
    for column in ("id", "kind", "issued in", "name", "tiers"):
        table.add_column(column)
    for s in kb.schemes.values():
        tiers = ", ".join(t.id for t in s.tiers)
        table.add_row(s.id, s.kind.value, s.jurisdiction, s.name, tiers)
    stdout.print(table)


@schemes_app.command("show")
def schemes_show(
    scheme_id: Annotated[str, typer.Argument(metavar="ID", help="A scheme id, e.g. cn.aeo.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one scheme: authority, legal basis over time, tiers, identifiers and adapters.

    Example:

      credverify schemes show cn.aeo
    """
    scheme = _knowledge().scheme(scheme_id)
    if as_json:
        _print_json(scheme.model_dump(mode="json", by_alias=True))
        return
    stdout.print(f"[bold]{scheme.id}[/bold]: {scheme.name}")
    issued = f"{scheme.kind.value}, issued in {scheme.jurisdiction}"
    stdout.print(f"Authority: {scheme.authority} ({issued})")
    if scheme.summary:
        stdout.print(scheme.summary)
    stdout.print(f"Source: {scheme.citation}" + (f" <{scheme.url}>" if scheme.url else ""))
    stdout.print(f"Identifiers: {', '.join(scheme.identifier_kinds) or 'none'}")
    stdout.print(f"Adapters: {', '.join(scheme.adapters) or 'none (no public primary source)'}")
    if scheme.tiers:
        tiers = Table(title="Tiers")
        for column in ("tier", "name", "period", "note"):
            tiers.add_column(column)
        for tier in scheme.tiers:
            tiers.add_row(tier.id, tier.name, tier.describe(), tier.note)
        stdout.print(tiers)
    if scheme.legal_basis:
        basis = Table(title="Legal basis")
        for column in ("id", "in force", "tiers", "citation", "confidence"):
            basis.add_column(column)
        for b in scheme.legal_basis:
            basis.add_row(b.id, b.describe(), ", ".join(b.tiers), b.citation, b.confidence.value)
        stdout.print(basis)


def _parse_date(text: str | None, option: str) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: expected a date as YYYY-MM-DD, got {text!r}") from None


_DURATION = re.compile(r"\s*(\d+)\s*([smhdw])\s*", re.IGNORECASE)
_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _parse_duration(text: str | None, option: str) -> timedelta | None:
    """``30m``, ``12h``, ``7d``, ``2w``: a whole number and a unit."""
    if text is None:
        return None
    matched = _DURATION.fullmatch(text)
    if matched is None or int(matched[1]) == 0:
        raise InputError(
            f"{option}: expected a positive duration such as 30m, 12h, 7d or 2w, got {text!r}"
        )
    return timedelta(**{_DURATION_UNITS[matched[2].lower()]: int(matched[1])})


_MAX_AGE_HELP = (
    "Use a cached answer only if it was retrieved less than this long ago: 30m, 12h, 7d."
)
_REFRESH_HELP = "Ignore the cache: ask the sources again and cache the new answers."


def _parse_facts(pairs: list[str]) -> dict[str, bool]:
    answers = {"yes": True, "true": True, "no": False, "false": False}
    facts: dict[str, bool] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if not name or value.lower() not in answers:
            raise InputError(f"--fact: expected NAME=yes or NAME=no, got {pair!r}")
        facts[name] = answers[value.lower()]
    return facts


def _place(text: str | None, option: str, *, scheme: str | None = None) -> str | None:
    """A place as the user wrote it (``Netherlands``, ``UK``, ``Texas``) as its ISO code.

    Where a US scheme's credential was issued, a bare ``CA`` is California, not Canada."""
    from credverify.places import parse_place

    if text is None:
        return None
    country = "US" if scheme is not None and scheme.startswith("us.") else None
    return parse_place(text, what=option, country=country)


def _target(to: str, activity: str, kb: KnowledgeBase) -> Target:
    """The target of an assessment, checked before any lookup: a known place and activity."""
    from credverify.inputs import require_state
    from credverify.records import Target

    jurisdiction = _place(to, "--to")
    assert jurisdiction is not None
    kb.activity(activity)  # an unknown activity is exit 2 with suggestions
    require_state(jurisdiction, activity, kb)  # US-TX, not US, where the states regulate it
    return Target(jurisdiction, activity)


def _default_activity(activity: str | None, scheme: str, to: str, kb: KnowledgeBase) -> str:
    """The scheme family's default activity for the target (knowledge-base data: trade schemes
    default to AEO security benefits); a practitioner must name the activity."""
    from credverify.inputs import default_activity

    if activity is not None:
        return activity
    default = default_activity(kb.scheme(scheme).id, _place(to, "--to") or to, kb)
    if default is None:
        raise InputError(
            f"--activity is needed: {scheme} has no default activity in {to} (e.g. "
            "aeo-security-benefits, title:clinical-psychologist, telehealth:psychology; see "
            "`credverify activities list`)"
        )
    return default


def _finish(levels: list[Severity | None], fail_on: FailOn) -> None:
    """Exit 1 when the results reach the ``--fail-on`` level (see :data:`EXIT_CODES`)."""
    from credverify.levels import fails

    if fails(levels, fail_on):
        raise typer.Exit(EXIT_BLOCKED)


def _read_claims(path: Path) -> list[Claim]:
    from pydantic import ValidationError

    from credverify.records import Claim

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: expected a JSON list of claims: {exc}") from None
    if not isinstance(data, list) or not data:
        raise InputError(f"{path}: expected a non-empty JSON list of claims")
    claims = []
    for number, item in enumerate(data, start=1):
        try:
            claims.append(Claim.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "claim"
            raise InputError(f"{path}: claim {number}: {where}: {first['msg']}") from None
    return claims


def _print_assessment(assessment: Assessment) -> None:
    colour = {"recognized": "green", "partial": "yellow", "unknown": "yellow"}.get(
        assessment.outcome.value, "red"
    )
    stdout.print(
        f"[bold {colour}]{assessment.outcome.value.upper()}[/]: {assessment.target} "
        f"as of {assessment.as_of.isoformat()}"
        + (" (hypothetical: claims assessed as if verified)" if assessment.hypothetical else "")
    )
    for basis in assessment.bases:
        stdout.print(f"  because {basis.message}", markup=False)
        stdout.print(f"    source: {basis.citation}", markup=False)
    for gap in assessment.gaps:
        stdout.print(f"  {gap.severity.value}: {gap.code.value}: {gap.message}", markup=False)
        stdout.print(f"    rule: {gap.rule}; source: {gap.citation}", markup=False)
        if gap.remedy:
            stdout.print(f"    remedy: {gap.remedy}", markup=False)


@app.command(epilog=_EXIT_CODES_HELP)
def assess(
    to: Annotated[
        str,
        typer.Option(
            "--to", metavar="JURISDICTION", help="Target: NL, Netherlands, GB, US-TX, Texas..."
        ),
    ],
    scheme: Annotated[
        str | None,
        typer.Option("--scheme", metavar="SCHEME", help="The credential's scheme id, e.g. cn.aeo."),
    ] = None,
    tier: Annotated[
        str | None, typer.Option("--tier", metavar="TIER", help="Tier id, e.g. advanced.")
    ] = None,
    issued_in: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="JURISDICTION", help="Where it was issued: DE, CN, US-CA..."
        ),
    ] = None,
    activity: Annotated[
        str | None,
        typer.Option(
            "--activity",
            metavar="ACTIVITY",
            help="Target activity (default for trade: aeo-security-benefits; "
            "see `credverify activities list`).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", help="Assess on this date (default today)."),
    ] = None,
    claims_file: Annotated[
        Path | None,
        typer.Option(
            "--claims",
            metavar="FILE",
            help="A JSON list of claims, e.g. a licence plus PSYPACT APIT.",
        ),
    ] = None,
    facts: Annotated[
        list[str] | None,
        typer.Option("--fact", metavar="NAME=yes|no", help="Confirm a condition (repeatable)."),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", metavar="LEVEL", help=_FAIL_ON_HELP)
    ] = FailOn.BLOCKER,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Print the rule trace too.")] = False,
) -> None:
    """Say whether a credential counts for an activity in another jurisdiction, and what is missing.

    The credential is hypothetical (assessed as if verified). Examples:

      credverify assess --scheme cn.aeo --tier general --to NL --as-of 2019-06-01

      credverify assess --scheme eu.aeo --tier AEOS --from DE --to US --json

      credverify assess --scheme us.licence.psychologist --from US-CA --to GB
      --activity title:clinical-psychologist

      credverify assess --claims clinician.json --to US-TX --activity telehealth:psychology
    """
    from credverify.levels import assessment_level
    from credverify.recognition import assess as assess_claims
    from credverify.records import Claim

    kb = _knowledge()
    if claims_file is not None:
        claims = _read_claims(claims_file)
    elif scheme is not None:
        issued = _place(issued_in, "--from", scheme=kb.scheme(scheme).id)
        claims = [Claim(scheme=scheme, tier=_tier(scheme, tier, kb), jurisdiction=issued)]
    else:
        raise InputError("give --scheme (one credential) or --claims FILE (several)")
    target = _target(to, _default_activity(activity, claims[0].scheme, to, kb), kb)
    assessment = assess_claims(
        claims,
        target,
        _parse_date(as_of, "--as-of"),
        facts=_parse_facts(facts or []),
        knowledge=kb,
    )
    if as_json:
        _print_json(assessment.model_dump(mode="json"))
    else:
        _print_assessment(assessment)
        if explain and assessment.trace:
            stdout.print("  trace:")
            for step in assessment.trace:
                stdout.print(f"    {step.verdict.value} {step.rule}: {step.message}", markup=False)
    _finish([assessment_level(assessment)], fail_on)


@activities_app.command("list")
def activities_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every target activity, where it is regulated and what it needs there.

    Examples:

      credverify activities list

      credverify activities list --json
    """
    kb = _knowledge()
    rows = [
        {
            "id": a.id,
            "kind": a.kind.value,
            "title": a.title,
            "in": [r.area for r in a.requirements],
            "needs": sorted({spec.scheme for r in a.requirements for spec in r.native}),
        }
        for a in kb.activities.values()
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table(title="Target activities (use as --activity)")
    # The id is what people copy into --activity: never shortened.
    table.add_column("id", no_wrap=True, min_width=max(len(a.id) for a in kb.activities.values()))
    for column in ("kind", "in", "title"):
        table.add_column(column)
    for a in kb.activities.values():
        areas = ", ".join(r.area for r in a.requirements)
        table.add_row(a.id, a.kind.value, areas, a.title)
    stdout.print(table)


@rules_app.command("list")
def rules_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every recognition arrangement.

    Example:

      credverify rules list --json
    """
    kb = _knowledge()
    rows = [
        {
            "id": a.id,
            "kind": a.kind,
            "title": a.title,
            "parties": list(a.parties),
            "grants": len(a.grants),
            "confidence": a.confidence.value,
        }
        for a in kb.arrangements.values()
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table(title="Recognition arrangements")
    for column in ("id", "kind", "title", "grants", "confidence"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]), str(row["kind"]), str(row["title"]), str(row["grants"]),
            str(row["confidence"]),
        )  # fmt: skip
    stdout.print(table)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="An arrangement id: eu-cn-mra.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one arrangement: who is recognised where, for what, from when, on which conditions.

    Example:

      credverify rules show eu-cn-mra
    """
    arrangement = _knowledge().arrangement(rule_id)
    if as_json:
        _print_json(arrangement.model_dump(mode="json", by_alias=True))
        return
    stdout.print(f"[bold]{arrangement.id}[/bold]: {arrangement.title} ({arrangement.kind})")
    stdout.print(f"Source: {arrangement.citation}", markup=False)
    if arrangement.url:
        stdout.print(f"        {arrangement.url}", markup=False)
    if arrangement.note:
        stdout.print(arrangement.note, markup=False)
    if arrangement.remedy:
        stdout.print(f"How: {arrangement.remedy}", markup=False)
    for g in arrangement.grants:
        holder = g.holder.scheme + (f" ({', '.join(g.holder.tiers)})" if g.holder.tiers else "")
        uncertain = " [uncertain]" if g.confidence.value == "uncertain" else ""
        period = g.describe()
        if g.start is None and g.confirmed_from:
            period = f"in force by {g.confirmed_from.isoformat()} (start not given)"
        stdout.print(
            f"- {g.id}: {holder} recognised in {g.recognized_in}, {period}{uncertain}",
            markup=False,
        )
        stdout.print(f"    for: {', '.join(g.benefits)}", markup=False)
        if g.excluded_benefits:
            stdout.print(f"    not for: {', '.join(g.excluded_benefits)}", markup=False)
        for condition in g.conditions:
            stdout.print(f"    condition {condition.id}: {condition.description}", markup=False)
        for mapping in g.mappings:
            stdout.print(f"    identifier {mapping.kind}: {mapping.remedy}", markup=False)
        if g.limits:
            stdout.print(f"    limit: {g.limits}", markup=False)
    if arrangement.members:
        members = ", ".join(m.code for m in arrangement.members)
        stdout.print(f"Members: {members}", markup=False)


def _scheme_of(text: str, country: str | None, kb: KnowledgeBase) -> str:
    """The scheme an identifier belongs to. With ``--from``, the input layer decides (the
    batch's rules, the country's schemes); alone, the identifier's most likely reading as
    :func:`credverify.identify` ranks them (a mistyped NPI before a format-only customs code)."""
    if country is not None:
        from credverify.inputs import claim_from

        return claim_from(text, country=country, knowledge=kb).scheme
    from credverify.identifiers import identify as identify_text

    for candidate in identify_text(text):
        named = candidate.details.get("scheme")
        schemes = [named] if named else kb.schemes_for_kind(candidate.kind)
        if schemes:
            return schemes[0]
    raise InputError(
        f"cannot tell which scheme {text!r} belongs to: give --scheme or --from "
        "(see `credverify schemes list`)"
    )


def _tier(scheme: str, tier: str | None, kb: KnowledgeBase) -> str | None:
    """A tier as written (AEO-S, Tier II, 高级认证) as the scheme's tier id."""
    from credverify.inputs import normalise_tier

    return normalise_tier(kb.scheme(scheme).id, tier, kb) if tier else None


def _print_check(check: Check) -> None:
    colour = {"verified": "green", "partial": "yellow", "attested": "yellow"}.get(
        check.status.value, "red"
    )
    label = " [SYNTHETIC DEMO DATA]" if check.synthetic else ""
    stdout.print(f"[bold {colour}]{check.status.value.upper()}[/]{label}: {check.claim.scheme}")
    stdout.print(f"  {check.reason}", markup=False)
    if check.record is not None:
        record = check.record
        shown = {
            "identifier": record.identifier,
            "holder": record.holder,
            "tier": record.tier,
            "jurisdiction": record.jurisdiction,
            "status": record.status,
            **record.details,
        }
        table = Table(title=f"What {check.adapter} holds", show_header=False)
        table.add_column("field")
        table.add_column("value")
        for name, value in shown.items():
            if value:
                table.add_row(name, str(value))
        stdout.print(table)
    for finding in check.findings:
        note = f" ({finding.note})" if finding.note else ""
        stdout.print(f"  {finding.field}: {finding.outcome.value}{note}", markup=False)
    for evidence in check.evidence:
        stdout.print(
            f"  evidence: {evidence.method} {evidence.url} -> {evidence.status_code or 'n/a'}, "
            f"{evidence.retrieved_at.isoformat(timespec='seconds')}, sha256 {evidence.sha256}",
            markup=False,
        )


def _attachment(path: Path) -> Any:
    """A holder-supplied document, kept by its sha256 (the bytes go into the store)."""
    import mimetypes

    from credverify.records import Attachment
    from credverify.store import Store

    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"--evidence {path}: cannot read: {exc.strerror}") from None
    media_type = mimetypes.guess_type(path.name)[0]
    digest = Store().put_blob(body, media_type)
    return Attachment(name=path.name, sha256=digest, media_type=media_type)


def _screen(
    verifier: Any, subject: str | None, npi: str | None, state: str | None, as_json: bool
) -> Severity | None:
    """Screen by name, by NPI or both; what the screening could not use is printed with it.
    Returns the screening's level for the exit code."""
    from credverify.errors import LookupFailed
    from credverify.levels import screening_level
    from credverify.records import Severity

    named = subject or f"NPI {npi}"
    try:
        screening = verifier.screen(subject, npi=npi, state=state)
    except LookupFailed as failure:
        # A list that could not be read, or a screening that could not use what it was given,
        # never says "clear".
        if as_json:
            _print_json({"subject": named, "status": "unverifiable", "reason": failure.message})
        else:
            stdout.print(f"[bold red]UNVERIFIABLE[/]: {failure.message}")
        return Severity.WARNING
    if as_json:
        _print_json(screening.model_dump(mode="json"))
        return screening_level(screening)
    label = " [SYNTHETIC DEMO DATA]" if screening.synthetic else ""
    stdout.print(
        f"[bold]{screening.result.value.upper()}[/]{label}: {screening.subject} "
        f"against {screening.adapter}"
    )
    for hit in screening.hits:
        record = hit.record
        stdout.print(
            f"  {hit.score:.2f} {record.holder} ({record.jurisdiction or '?'}, "
            f"{record.status or ''}): {hit.explanation}",
            markup=False,
        )
    for note in screening.notes:
        stdout.print(f"  note: {note}", markup=False)
    return screening_level(screening)


def _unreachable_hint(check: Check, verifier: Verifier) -> str | None:
    """When a registry could not be reached at all, which host it was and what to try instead.

    The failure is recognised by the transport messages of the shared HTTP policy's table."""
    from urllib.parse import urlsplit

    from credverify.adapters.http import TRANSPORT_OUTCOMES
    from credverify.records import CheckStatus
    from credverify.reports import shown_url

    unreachable = tuple(message for _, _, message in TRANSPORT_OUTCOMES)
    if check.status is not CheckStatus.UNVERIFIABLE or check.adapter is None:
        return None
    if not check.reason.startswith(unreachable):
        return None
    host = urlsplit(shown_url(verifier.adapter(check.adapter).endpoint_id)).netloc
    return (
        f"{check.adapter} could not be reached at {host or 'its base URL'} ({check.reason}); "
        "check the network, or use --offline (cached answers only) or --demo (the synthetic "
        "demo registry)"
    )


@app.command(epilog=_EXIT_CODES_HELP)
def lookup(
    identifier: Annotated[
        str | None,
        typer.Argument(metavar="IDENTIFIER", help="The identifier: EORI, NPI, AEO number..."),
    ] = None,
    scheme: Annotated[
        str | None,
        typer.Option(
            "--scheme", metavar="SCHEME", help="Scheme id (default: from the identifier)."
        ),
    ] = None,
    holder: Annotated[
        str | None, typer.Option("--holder", metavar="NAME", help="The holder's name.")
    ] = None,
    tier: Annotated[
        str | None, typer.Option("--tier", metavar="TIER", help="The claimed tier.")
    ] = None,
    issued_in: Annotated[
        str | None,
        typer.Option("--from", metavar="JURISDICTION", help="Where it was issued: DE, US-CA..."),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="JURISDICTION", help="Also assess for this jurisdiction: NL, US-TX..."
        ),
    ] = None,
    activity: Annotated[
        str | None,
        typer.Option("--activity", metavar="ACTIVITY", help="Activity to assess (with --to)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Judge validity and assess on this date (default today).",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", metavar="LEVEL", help=_FAIL_ON_HELP)
    ] = FailOn.BLOCKER,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="No network: cached evidence and snapshots only.")
    ] = False,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Offline, with the SYNTHETIC demo registry in place of the live ones."
        ),
    ] = False,
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence",
            metavar="FILE",
            help="A document the holder supplied (e.g. a CTPAT certification email); repeatable.",
        ),
    ] = None,
    max_age: Annotated[
        str | None, typer.Option("--max-age", metavar="DURATION", help=_MAX_AGE_HELP)
    ] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help=_REFRESH_HELP)] = False,
) -> None:
    """Check one credential against its primary source, and with --to, assess it there.

    Examples:

      credverify lookup GB123456789000

      credverify lookup 1234567893 --holder "Jane Example" --json

      credverify lookup DEAEOF1234 --holder "Synthetic Trading GmbH" --to US --offline

      credverify lookup --scheme us.oig.leie --holder "Jane Example" --from US-CA

      credverify lookup --scheme us.oig.leie 1234567893

      credverify lookup --scheme us.ctpat --holder "Example Imports Inc" --tier tier-2
      --evidence certification-email.eml

      credverify lookup GB123456789000 --max-age 12h

      credverify lookup PYL057623 --demo --as-of 2027-06-30
    """
    from credverify.levels import assessment_level, check_level
    from credverify.records import Claim
    from credverify.verifier import Verifier

    if identifier is not None and not identifier.strip():
        raise InputError("lookup: the identifier is empty; give one, e.g. GB123456789000")
    if identifier is None and (scheme is None or holder is None):
        raise InputError("give an identifier, or --scheme and --holder for a name search")
    oldest = _parse_duration(max_age, "--max-age")
    day = _parse_date(as_of, "--as-of") if as_of else None
    kb = _knowledge()
    chosen = (
        kb.scheme(scheme).id
        if scheme
        else _scheme_of(identifier or "", _place(issued_in, "--from"), kb)
    )
    issued = _place(issued_in, "--from", scheme=chosen)
    target = _target(to, _default_activity(activity, chosen, to, kb), kb) if to else None
    claim = Claim(
        scheme=chosen,
        identifier=identifier,
        holder=holder,
        tier=_tier(chosen, tier, kb),
        jurisdiction=issued,
        evidence=tuple(_attachment(path) for path in evidence or ()),
    )
    verifier = Verifier(
        offline=offline, demo=demo, knowledge=kb, max_age=oldest, refresh=refresh, as_of=day
    )
    if kb.scheme(chosen).kind.value == "screening":
        # An identifier is screened as an NPI (by number), never searched as a name.
        _finish([_screen(verifier, holder, identifier, issued, as_json)], fail_on)
        return
    check = verifier.verify(claim)
    assessment = verifier.assess([check], target, as_of=day) if target else None
    hint = _unreachable_hint(check, verifier)
    if hint:
        stderr.print(f"hint: {hint}", markup=False, soft_wrap=True)
    if as_json:
        data = check.model_dump(mode="json")
        if assessment is not None:
            data["assessment"] = assessment.model_dump(mode="json")
        _print_json(data)
    else:
        _print_check(check)
        if assessment is not None:
            _print_assessment(assessment)
    levels = [check_level(check)]
    if assessment is not None:
        levels.append(assessment_level(assessment))
    _finish(levels, fail_on)


@registries_app.command("list")
def registries_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every adapter: its kind, and its base URL (without user info or secret query
    values) or the age and size of its snapshot.

    Example:

      credverify registries list
    """
    from credverify.adapters.base import AdapterKind, available
    from credverify.adapters.http import Http
    from credverify.reports import shown_url
    from credverify.store import Store

    store = Store()
    http = Http(store)
    rows = []
    for adapter_id, cls in available().items():
        adapter = cls(http)
        row: dict[str, Any] = {
            "id": adapter_id,
            "kind": cls.kind.value,
            "schemes": list(cls.schemes),
            "source": shown_url(adapter.endpoint_id),
        }
        if cls.kind is AdapterKind.SNAPSHOT:
            info = store.snapshot_active(adapter_id)
            row["snapshot"] = (
                {
                    "source": shown_url(info.source),
                    "rows": info.rows,
                    "sha256": info.sha256,
                    "imported_at": info.imported_at.isoformat(timespec="seconds"),
                }
                if info
                else None
            )
        rows.append(row)
    if as_json:
        _print_json(rows)
        return
    table = Table(title="Registries")
    for column in ("adapter", "kind", "schemes", "source or snapshot"):
        table.add_column(column)
    for row in rows:
        source = row["source"]
        if row["kind"] == "snapshot":
            snap = row.get("snapshot")
            source = (
                f"{snap['rows']:,} rows, imported {snap['imported_at']}"
                if snap
                else "no snapshot: run `credverify registries sync`"
            )
        table.add_row(row["id"], row["kind"], ", ".join(row["schemes"]), str(source))
    stdout.print(table)


@registries_app.command("sync")
def registries_sync(
    adapter_id: Annotated[str, typer.Argument(metavar="ID", help="A snapshot adapter id.")],
    file: Annotated[
        Path | None, typer.Option("--file", metavar="FILE", help="The registry's file.")
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", metavar="URL", help="Download the file from here.")
    ] = None,
) -> None:
    """Import a registry's published file as its snapshot (replacing the previous one atomically).

    Examples:

      credverify registries sync us.oig.leie --file UPDATED.csv

      credverify registries sync jp.customs.aeo --file aeo-list.csv
    """
    from credverify.adapters.base import available
    from credverify.adapters.http import Http, redact
    from credverify.adapters.snapshot import SnapshotAdapter, sync
    from credverify.store import Store

    adapters = available()
    if adapter_id not in adapters:
        import difflib

        from credverify.errors import UnknownName

        raise UnknownName("adapter", adapter_id, difflib.get_close_matches(adapter_id, adapters))
    cls = adapters[adapter_id]
    if not issubclass(cls, SnapshotAdapter):
        raise InputError(f"{adapter_id} is a live {cls.kind.value} source, not a snapshot")
    stderr.print(f"importing {file or redact(url or '')} into {adapter_id}...", markup=False)
    info = sync(cls(Http(Store())), file=file, url=url)
    stdout.print(
        f"{adapter_id}: {info.rows:,} rows from {info.source} "
        f"(sha256 {info.sha256}, encoding {info.encoding or 'n/a'}), imported "
        f"{info.imported_at.isoformat(timespec='seconds')}",
        markup=False,
    )


@app.command(epilog=_EXIT_CODES_HELP)
def batch(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A supplier list or roster: CSV or XLSX.")
    ],
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="JURISDICTION",
            help="Target jurisdiction to assess every row for: NL, US-TX...",
        ),
    ] = None,
    activity: Annotated[
        str, typer.Option("--activity", metavar="ACTIVITY", help="Target activity.")
    ] = "aeo-security-benefits",
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Report file (default: report.<format>)."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="html, csv, jsonl, xlsx or fhir (default: from --out).",
        ),
    ] = "",
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue the unfinished run of this file with the same options "
            "(if they differ, stop and say how).",
        ),
    ] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", metavar="COL=FIELD", help="Map a column to a field (repeatable)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", help="Assess on this date (default today)."),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", metavar="LEVEL", help=_FAIL_ON_HELP)
    ] = FailOn.BLOCKER,
    offline: Annotated[
        bool, typer.Option("--offline", help="No network: cached evidence and snapshots only.")
    ] = False,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Offline, with the SYNTHETIC demo registry in place of the live ones."
        ),
    ] = False,
    max_age: Annotated[
        str | None, typer.Option("--max-age", metavar="DURATION", help=_MAX_AGE_HELP)
    ] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help=_REFRESH_HELP)] = False,
) -> None:
    """Verify, screen and assess every row of a supplier list or clinician roster, and report.

    Examples:

      credverify batch examples/suppliers.csv --to NL --demo --out report.html

      credverify batch suppliers.xlsx --to US --out checked.csv --map "Vendor=holder"

      credverify batch examples/clinicians.csv --to US-TX --activity telehealth:psychology
      --demo --out roster.html

      credverify batch roster.csv --to Texas --activity telehealth:psychology --resume

      credverify batch suppliers.csv --to NL --max-age 7d
    """
    from credverify.batch import BatchOptions
    from credverify.records import Severity
    from credverify.reports import FORMATS
    from credverify.verifier import Verifier

    chosen = fmt or (out.suffix.lstrip(".").lower() if out else "html")
    if chosen == "json":
        chosen = "fhir"
    if chosen not in FORMATS:
        raise InputError(f"--format: expected one of {', '.join(FORMATS)}, got {chosen!r}")
    if out is not None and not out.parent.is_dir():
        # Found out before any row is read or any registry asked, not after the run.
        raise InputError(f"--out {out}: the folder {str(out.parent)!r} does not exist")
    target_out = out or Path(f"report.{'json' if chosen == 'fhir' else chosen}")
    oldest = _parse_duration(max_age, "--max-age")
    overrides = {}
    for pair in mapping or []:
        column, _, field_name = pair.partition("=")
        if not column or not field_name:
            raise InputError(f"--map: expected COL=FIELD, got {pair!r}")
        overrides[column] = field_name
    kb = _knowledge()
    target = _target(to, activity, kb) if to else None  # before any row is read
    options = BatchOptions(
        target=target,
        as_of=_parse_date(as_of, "--as-of") if as_of else None,
        mapping=overrides,
        resume=resume,
    )
    verifier = Verifier(
        offline=offline, demo=demo, knowledge=kb, max_age=oldest, refresh=refresh,
        as_of=options.as_of,
    )  # fmt: skip
    if demo:
        stderr.print("[bold red]DEMO[/]: offline, against the SYNTHETIC demo registry")
    summary = _run_with_progress(file, verifier, options, target_out, chosen)
    _print_summary(summary, target_out, demo)
    from credverify.reports import COLUMNS_SIDECAR_FORMATS, columns_sidecar

    if chosen in COLUMNS_SIDECAR_FORMATS and columns_sidecar(target_out).is_file():
        columns = columns_sidecar(target_out).resolve()
        stdout.print(f"Columns read: {columns}", markup=False, soft_wrap=True)
    _finish([Severity(level) for level in summary.by_level if level != "none"], fail_on)


def _run_with_progress(file: Path, verifier: Any, options: Any, out: Path, fmt: str) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from credverify.batch import run_batch

    with Progress(
        TextColumn("[bold]checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeRemainingColumn(),
        TextColumn("registry errors: {task.fields[faults]}"),
        console=stderr,
        transient=True,
    ) as bar:
        total = _count_rows(file)
        task = bar.add_task("rows", total=total, rate="-", faults=0)

        def advance(done: int, faults: int) -> None:
            bar.update(task, advance=done, faults=faults)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:,.0f}" if speed else "-")

        def notice(message: str) -> None:
            stderr.print(message, markup=False, soft_wrap=True)

        return run_batch(file, verifier, options, out=out, fmt=fmt, progress=advance, notice=notice)


def _count_rows(file: Path) -> int | None:
    """A quick line count for the progress bar (None for a spreadsheet)."""
    if file.suffix.lower() in (".xlsx", ".xlsm") or not file.is_file():
        return None
    with file.open("rb") as raw:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b"")) - 1)


def _print_summary(summary: Any, out: Path, demo: bool) -> None:
    label = " [SYNTHETIC DEMO DATA]" if demo else ""
    stdout.print(
        f"[bold]{summary.rows:,} rows[/]{label}, {summary.errors:,} with an input error",
        soft_wrap=True,
    )
    for title, counts in (
        ("status", summary.by_status),
        ("outcome", summary.by_outcome),
        ("gap", summary.by_gap),
    ):
        if counts:
            shown = ", ".join(f"{k} {v:,}" for k, v in counts.most_common())
            stdout.print(f"  by {title}: {shown}", markup=False, soft_wrap=True)
    if summary.blocked_rows:
        stdout.print(f"  rows with a blocker ({summary.blocked:,}), first ones:")
        for line in summary.blocked_rows:
            stdout.print(f"    {line}", markup=False, soft_wrap=True)
    stdout.print(f"Report: {out.resolve()}", markup=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turns credverify's errors into one clear line and an exit code."""
    try:
        app(args=argv, prog_name="credverify")
    except (InputError, AbortError) as exc:
        # A bad setting (an unusable base URL, a broken config file) is the user's to fix: exit 2.
        stderr.print(f"error: {_one_line(exc)}", markup=False, soft_wrap=True)
        sys.exit(EXIT_USAGE)
    except CredverifyError as exc:
        stderr.print(f"error: {_one_line(exc)}", markup=False, soft_wrap=True)
        sys.exit(EXIT_INTERNAL)
    except Exception as exc:
        if os.environ.get("CREDVERIFY_DEBUG"):
            raise
        stderr.print(
            f"internal error: {type(exc).__name__}: {_one_line(exc)} "
            "(set CREDVERIFY_DEBUG=1 for details)",
            markup=False,
            soft_wrap=True,
        )
        sys.exit(EXIT_INTERNAL)


def _one_line(exc: BaseException) -> str:
    """The error's message on one line, every URL in it without user info or secret values."""
    from credverify.reports import redact_urls

    return redact_urls(" ".join(str(exc).split()))
