"""The fault matrix, once: every adapter against every fault kind, over real sockets for the
HTTP sources and through import then lookup for the snapshot ones. Each cell asserts what a user
sees: the check's status and, for ``unverifiable`` and ``inactive``, a reason that names the
fault (the quoted wording, the limit, the end date). docs/reliability.md holds the generated
table; a test keeps the two equal. The cells and hostile answers live in ``fault_matrix.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from credverify.adapters import snapshot
from credverify.adapters.base import available
from credverify.adapters.http import Http
from credverify.errors import InputError
from credverify.records import Check, CheckStatus, ScreeningResult
from credverify.store import Store
from credverify.verifier import Verifier
from tests.registry_server import RegistryServer, Request, Responder, Response
from tests.reliability import fault_matrix as matrix
from tests.reliability.fault_matrix import Cell
from tests.test_verifier import FAULTS, fast_verifier

CONFIRMED = (CheckStatus.VERIFIED, CheckStatus.PARTIAL)
SHORT_TIMEOUT = httpx.Timeout(0.2, connect=0.2)


@pytest.fixture(autouse=True)
def _unpaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registers' pacing (one page a second) has its own tests; here it would only make
    every retried fault slow."""
    for adapter_id in matrix.http_modules():
        monkeypatch.setattr(available()[adapter_id], "rate_limit", 1_000.0)
        monkeypatch.setattr(available()[adapter_id], "concurrency", 16)


def rewritten(server: RegistryServer, change: Callable[[Response], Response]) -> None:
    """Every answer of ``server`` passed through ``change``."""
    for key, responder in list(server.routes.items()):

        def changed(request: Request, responder: Responder = responder) -> Response:
            return change(responder(request))

        server.routes[key] = changed


def shown(check: Check, *more: str) -> str:
    """Everything the user reads about a check: its reason, its findings, any import error."""
    findings = [f"{f.field} {f.found or ''} {f.note}" for f in check.findings]
    return " ".join([check.reason, *findings, *more])


def assert_seen(check: Check, expected: str, names: tuple[str, ...], *more: str) -> None:
    assert check.status.value == expected, f"{check.status.value}: {check.reason} {' '.join(more)}"
    text = shown(check, *more).casefold()
    assert any(name.casefold() in text for name in names), (
        f"names none of {names}: {shown(check, *more)}"
    )


# -- the matrix is complete and documented -------------------------------------------------------


def test_every_adapter_meets_every_fault_kind_with_a_stated_verdict() -> None:
    ids = matrix.adapter_ids()
    assert "demo.snapshot" not in ids
    assert len(matrix.cells()) == len(ids) * len(matrix.KINDS)
    for entry in matrix.cells():
        assert entry.expected in ("unverifiable", "inactive", "as plain", "n/a")
        assert (entry.expected == "n/a") == bool(entry.why), entry
    # A hostile answer filed under a misspelt adapter or kind would be a silent gap.
    hostile = {**matrix.HTTP_HOSTILE, **{k: s.hostile for k, s in matrix.SNAPSHOTS.items()}}
    for adapter_id, answers in hostile.items():
        assert adapter_id in ids
        assert set(answers) <= set(matrix.KIND), set(answers) - set(matrix.KIND)
    assert set(matrix.http_modules()) | set(matrix.SNAPSHOTS) | {"us.cbp.ctpat"} == set(ids)


def test_the_documented_matrix_is_the_generated_one() -> None:
    assert matrix.documented() == matrix.table(), (
        "docs/reliability.md differs: run `python -m tests.reliability.fault_matrix`"
    )


@pytest.mark.parametrize("adapter_id", sorted(matrix.SNAPSHOTS))
def test_each_snapshot_confirms_its_happy_claim(adapter_id: str, tmp_path: Path) -> None:
    """The control of the snapshot cells: the file before it was made hostile."""
    check = import_then_verify(adapter_id, None, tmp_path)[0]
    assert check.status in CONFIRMED, check.reason


# -- one test per applicable cell ----------------------------------------------------------------


@pytest.mark.parametrize("entry", matrix.applicable(), ids=lambda c: c.test_id)
def test_fault_matrix_cell(entry: Cell, registry_server: RegistryServer, tmp_path: Path) -> None:
    if entry.adapter_id in matrix.SNAPSHOTS:
        snapshot_cell(entry, tmp_path)
    elif entry.kind.group == "transport":
        transport_cell(entry, registry_server)
    elif entry.kind.group == "answer":
        answer_cell(entry, registry_server)
    elif entry.kind.name in ("gzip", "deflate"):
        encoding_cell(entry, registry_server, tmp_path)
    elif entry.kind.name == "decompression bomb":
        bomb_cell(entry, registry_server)
    else:
        endpoint_cell(entry, registry_server, tmp_path)


def transport_cell(entry: Cell, server: RegistryServer) -> None:
    claim = matrix.http_modules()[entry.adapter_id].serve_happy(server)
    settings = dict(entry.kind.http)
    if entry.kind.name == "hang past the timeout":
        settings["timeout"] = SHORT_TIMEOUT
    if entry.kind.fault is not None:
        server.fault(entry.kind.fault, times=10)
    check = fast_verifier(server, **settings).verify(claim)
    assert_seen(check, entry.expected, entry.kind.names)
    assert check.adapter == entry.adapter_id


def answer_cell(entry: Cell, server: RegistryServer) -> None:
    assert entry.hostile is not None
    assert entry.hostile.rewrite is not None
    rewrite = entry.hostile.rewrite
    claim = matrix.http_modules()[entry.adapter_id].serve_happy(server)
    rewritten(
        server,
        lambda answer: Response(
            answer.status, rewrite(answer.body), answer.content_type, answer.headers
        ),
    )
    verifier = fast_verifier(server)
    verifier.as_of = entry.hostile.as_of
    check = verifier.verify(claim)
    assert_seen(check, entry.expected, entry.hostile.names)


def encoding_cell(entry: Cell, server: RegistryServer, tmp_path: Path) -> None:
    claim = matrix.http_modules()[entry.adapter_id].serve_happy(server)
    plain = fast_verifier(server, Store(tmp_path / "plain.sqlite3")).verify(claim)
    assert plain.status in CONFIRMED, plain.reason
    encoding = entry.kind.name
    rewritten(server, lambda answer: matrix.with_encoding(answer, encoding))
    packed = fast_verifier(server, Store(tmp_path / "packed.sqlite3")).verify(claim)
    assert packed.status is plain.status, packed.reason
    assert packed.record == plain.record
    assert server.requests()[-1].headers.get("accept-encoding"), "the client asks for encodings"


def bomb_cell(entry: Cell, server: RegistryServer) -> None:
    claim = matrix.http_modules()[entry.adapter_id].serve_happy(server)
    rewritten(server, lambda answer: matrix.with_encoding(answer, "deflate", matrix.deflate_bomb()))
    check = fast_verifier(server, **dict(entry.kind.http)).verify(claim)
    assert_seen(check, entry.expected, entry.kind.names)


def endpoint_cell(entry: Cell, first: RegistryServer, tmp_path: Path) -> None:
    """The same query against a second base URL: asked there, never answered from the cache
    the first endpoint filled (the second one is down, so a cached answer would show)."""
    module = matrix.http_modules()[entry.adapter_id]
    claim = module.serve_happy(first)
    store = Store(tmp_path / "shared.sqlite3")
    warm = fast_verifier(first, store).verify(claim)
    assert warm.status in CONFIRMED, warm.reason
    with RegistryServer() as second:
        module.serve_happy(second)
        second.fault(FAULTS["503"][0], times=10)
        check = fast_verifier(second, store).verify(claim)
        assert second.requests(), "the second endpoint was never asked"
    assert not check.from_cache
    assert_seen(check, entry.expected, entry.kind.names)


def import_then_verify(
    adapter_id: str, hostile: matrix.Hostile | None, tmp_path: Path
) -> tuple[Check, str]:
    """Import the adapter's happy file (rewritten by ``hostile``) into an empty store, then
    verify its happy claim: the check, and the import's error ("" when it was accepted)."""
    snap = matrix.SNAPSHOTS[adapter_id]
    body = snap.file.read_bytes()
    if hostile is not None and hostile.rewrite is not None:
        body = hostile.rewrite(body)
    path = tmp_path / snap.file.name
    path.write_bytes(body)
    store = Store(tmp_path / "store.sqlite3")
    try:
        snapshot.sync(available()[adapter_id](Http(store)), file=path)  # type: ignore[arg-type]
        refused = ""
    except InputError as error:
        refused = str(error)
    as_of = hostile.as_of if hostile is not None else None
    return Verifier(store=store, as_of=as_of).verify(snap.claim), refused


def snapshot_cell(entry: Cell, tmp_path: Path) -> None:
    assert entry.hostile is not None
    check, refused = import_then_verify(entry.adapter_id, entry.hostile, tmp_path)
    assert_seen(check, entry.expected, entry.hostile.names, refused)
    if entry.kind.name == "reinstated entry":
        claim = matrix.SNAPSHOTS[entry.adapter_id].claim
        screening = Verifier(store=Store(tmp_path / "store.sqlite3")).screen(
            claim.holder or "", npi=claim.identifier
        )
        assert screening.result is not ScreeningResult.MATCH, screening.hits
