"""Fault injection for every HTTP adapter, over real sockets to the loopback registry.

Every fault kind of the adapters' own tests (``tests.test_verifier.FAULTS``: a hang past the
timeout, a reset, 500, 503, 429, a truncated body, a wrong content type) plus a slow-drip body
(a byte at a time, each one inside the read timeout: only the total deadline stops it) and a body
over the size limit. Each ends ``unverifiable``, naming the fault, never ``verified`` or
``not-found``; and in a batch where one registry faults, every row still comes out once, the
rows of the healthy registries verified.
"""

from __future__ import annotations

import csv
import json
import types
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from credverify.adapters.base import available
from credverify.adapters.http import Http
from credverify.batch import BatchOptions, run_batch
from credverify.records import CheckStatus, Claim
from credverify.store import Store
from credverify.verifier import Verifier
from tests.registry_server import Fault, RegistryServer, Request, Responder, Response
from tests.test_verifier import ADAPTER_TESTS, FAULTS, fast_verifier

ADAPTER_IDS = [module.ADAPTER_ID for module in ADAPTER_TESTS]
DRIP = Fault("drip", seconds=0.05)
DEADLINE = 0.6
BODY_LIMIT = 30_000
"""Above every happy answer of the stand-in registries (the largest is ~6 KB)."""
PADDING = 2 * BODY_LIMIT

# The kinds of the adapters' issue, made quicker for a batch: a hang just past a short timeout.
BATCH_FAULTS: dict[str, tuple[Fault | None, str]] = {
    **FAULTS,
    "timeout": (Fault("hang", seconds=0.6), "timeout"),
    "slow drip": (DRIP, f"no complete answer within {DEADLINE:g} s"),
    "over the size limit": (None, f"larger than the {BODY_LIMIT:,} byte limit"),
}


@pytest.fixture(autouse=True)
def _unpaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registers' politeness pacing (one page a second) is tested elsewhere; here it would
    only make the suite slow."""
    for adapter_id in ADAPTER_IDS:
        monkeypatch.setattr(available()[adapter_id], "rate_limit", 1_000.0)
        monkeypatch.setattr(available()[adapter_id], "concurrency", 16)


@pytest.mark.parametrize("module", ADAPTER_TESTS, ids=lambda m: m.ADAPTER_ID)
def test_a_slow_drip_body_ends_unverifiable_at_the_deadline(
    registry_server: RegistryServer, module: types.ModuleType
) -> None:
    claim = module.serve_happy(registry_server)
    registry_server.fault(DRIP, times=3)
    check = fast_verifier(registry_server, deadline=DEADLINE).verify(claim)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert f"no complete answer within {DEADLINE:g} s" in check.reason
    assert check.adapter == module.ADAPTER_ID


@pytest.mark.parametrize("module", ADAPTER_TESTS, ids=lambda m: m.ADAPTER_ID)
def test_a_body_over_the_size_limit_ends_unverifiable_naming_the_limit(
    registry_server: RegistryServer, module: types.ModuleType
) -> None:
    claim = module.serve_happy(registry_server)
    check = fast_verifier(registry_server, max_body=64).verify(claim)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "larger than the 64 byte limit" in check.reason
    assert check.adapter == module.ADAPTER_ID


def test_without_the_faults_the_same_claims_are_confirmed(registry_server: RegistryServer) -> None:
    """The control: the faults above, not the claims, are what makes them unverifiable."""
    claims = [module.serve_happy(registry_server) for module in ADAPTER_TESTS]
    checks = fast_verifier(registry_server, deadline=DEADLINE).verify_many(claims)
    assert {c.status for c in checks} <= {CheckStatus.VERIFIED, CheckStatus.PARTIAL}


# -- a batch goes on ---------------------------------------------------------------------------

COLUMNS = ["supplier", "country", "eori", "aeo_tier", "npi", "hcpc", "bacp"]


def row_of(claim: Claim) -> dict[str, str]:
    """The batch row that makes ``claim`` (the happy claim of an adapter's stand-in)."""
    row = dict.fromkeys(COLUMNS, "")
    row["supplier"] = claim.holder or ""
    column = {
        "gb.eori": "eori", "eu.eori": "eori", "us.npi": "npi", "gb.hcpc": "hcpc",
        "gb.bacp": "bacp",
    }.get(claim.scheme)  # fmt: skip
    if column is not None:
        row[column] = claim.identifier or ""
    elif claim.scheme == "eu.aeo":
        row["country"], row["aeo_tier"] = claim.jurisdiction or "", claim.tier or ""
    else:  # pragma: no cover - a new adapter module needs a column here
        raise AssertionError(f"no batch column for {claim.scheme}")
    return row


def padded(server: RegistryServer) -> None:
    """Every answer of ``server`` made larger than the body limit (still well-formed: the
    padding is trailing whitespace)."""
    for key, responder in list(server.routes.items()):

        def bigger(request: Request, responder: Responder = responder) -> Response:
            answer = responder(request)
            return Response(
                answer.status, answer.body + b" " * PADDING, answer.content_type, answer.headers
            )

        server.routes[key] = bigger


@pytest.fixture
def healthy() -> Iterator[RegistryServer]:
    with RegistryServer() as server:
        yield server


HALVES = {"first three fault": ADAPTER_TESTS[:3], "last three fault": ADAPTER_TESTS[3:]}


@pytest.mark.parametrize("half", HALVES)
@pytest.mark.parametrize("fault_name", BATCH_FAULTS)
def test_a_batch_with_faulting_registries_keeps_every_row_and_verifies_the_rest(
    registry_server: RegistryServer,
    healthy: RegistryServer,
    tmp_path: Path,
    fault_name: str,
    half: str,
) -> None:
    faulty = registry_server
    failing = {m.ADAPTER_ID for m in HALVES[half]}
    rows = []
    for module in ADAPTER_TESTS:
        claim = module.serve_happy(healthy)
        module.serve_happy(faulty)
        rows += [(module.ADAPTER_ID, row_of(claim))] * 2  # a repeat is asked once, kept twice
    fault, words = BATCH_FAULTS[fault_name]
    if fault is None:
        padded(faulty)
    else:
        faulty.fault(fault, times=1_000)
    source = tmp_path / "mixed.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows(row for _, row in rows)
    store = Store(tmp_path / "store.sqlite3")
    http = Http(
        store,
        timeout=httpx.Timeout(0.3, connect=0.3),
        attempts=2,
        backoff=0.01,
        max_backoff=0.02,
        deadline=DEADLINE,
        max_body=BODY_LIMIT,
    )
    urls = {m: faulty.url if m in failing else healthy.url for m in ADAPTER_IDS}
    verifier = Verifier(store=store, http=http, base_urls=urls)
    report = tmp_path / "report.jsonl"
    run_batch(source, verifier, BatchOptions(target=None), out=report, fmt="jsonl")

    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [line["row"] for line in lines] == list(range(2, 2 + len(rows))), "every row once"
    for (adapter_id, _), line in zip(rows, lines, strict=True):
        assert line["error"] is None
        (check,) = line["checks"]
        assert check["adapter"] == adapter_id
        if adapter_id in failing:
            assert check["status"] == "unverifiable", check["reason"]
            assert words in check["reason"].lower(), check["reason"]
        else:
            assert check["status"] in ("verified", "partial"), check["reason"]
    assert faulty.requests(), "the faulting registry was asked"
