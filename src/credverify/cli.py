"""The ``credverify`` command line: parses arguments, calls the library, renders the answer.

It holds no logic of its own. Results go to stdout (``--json`` for scripts), messages to stderr.
Exit codes: 0 done; 1 done with blockers; 2 usage or input error; 3 internal error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from credverify import __version__
from credverify.errors import AbortError, CredverifyError, InputError

EXIT_USAGE = 2
EXIT_INTERNAL = 3

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)

app = typer.Typer(
    name="credverify",
    help=(
        "Verify credentials against their primary sources and explain whether they count "
        "elsewhere.\n\n"
        "Examples:\n\n"
        "  credverify identify 91110000600037341L\n\n"
        "  credverify schemes list\n\n"
        "  credverify schemes show cn.aeo --json"
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
            help="A directory of knowledge-base files that add or replace bundled entries by id "
            "(default: $CREDVERIFY_REGISTRIES).",
        ),
    ] = None,
) -> None:
    _state["registries"] = registries


def _knowledge() -> Any:
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


def main(argv: list[str] | None = None) -> None:
    """Entry point: turns credverify's errors into one clear line and an exit code."""
    try:
        app(args=argv, prog_name="credverify")
    except (InputError, AbortError) as exc:
        stderr.print(f"error: {exc}", markup=False)
        sys.exit(EXIT_USAGE)
    except CredverifyError as exc:
        stderr.print(f"error: {exc}", markup=False)
        sys.exit(EXIT_INTERNAL)
    except Exception as exc:
        if os.environ.get("CREDVERIFY_DEBUG"):
            raise
        stderr.print(
            f"internal error: {type(exc).__name__}: {exc} (set CREDVERIFY_DEBUG=1 for details)",
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)
