"""Compressed answers and hostile bodies through the real adapters, end to end.

NPPES (JSON) and HCPC (HTML) served gzip-, deflate- and brotli-compressed give the same verdicts
as served plain; a deflate bomb (1 GB of zeros in about 1 MB) is ``unverifiable`` and the peak
memory of its check stays within 50 MB of a plain check; JSON nested 100,000 deep is
``unverifiable`` and the rest of a batch goes on.
"""

from __future__ import annotations

import csv
import json
import tempfile
import tracemalloc
import types
import zlib
from pathlib import Path

import pytest

from credverify.batch import BatchOptions, run_batch
from credverify.records import Check, CheckStatus, Claim
from credverify.store import Store
from tests.adapters import test_gb_hcpc, test_us_nppes
from tests.registry_server import RegistryServer, Request, Response
from tests.reliability.test_faults import COLUMNS, row_of
from tests.test_verifier import fast_verifier

MB = 1 << 20
ENCODED_ADAPTERS = [test_us_nppes, test_gb_hcpc]


def verify(server: RegistryServer, claim: Claim) -> Check:
    """A check by a fresh verifier with a fresh store: never an answer from the cache."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "store.sqlite3")
        try:
            return fast_verifier(server, store).verify(claim)
        finally:
            store.close()


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate", "br"])
@pytest.mark.parametrize("module", ENCODED_ADAPTERS, ids=lambda m: m.ADAPTER_ID)
def test_a_compressed_answer_gives_the_same_verdict_as_plain(
    registry_server: RegistryServer, module: types.ModuleType, coding: str
) -> None:
    claim = module.serve_happy(registry_server)
    plain = verify(registry_server, claim)
    registry_server.encode_routes(coding)
    compressed = verify(registry_server, claim)
    assert plain.status is CheckStatus.VERIFIED, plain.reason
    assert (compressed.status, compressed.reason) == (plain.status, plain.reason)
    assert compressed.record == plain.record
    assert compressed.findings == plain.findings
    (evidence,) = compressed.evidence
    assert evidence.content_encoding == ("deflate" if coding == "raw-deflate" else coding)
    assert evidence.decoded_sha256 == plain.evidence[0].sha256  # the same page, decoded
    assert evidence.sha256 != plain.evidence[0].sha256  # kept as received: compressed


@pytest.fixture(scope="module")
def deflate_bomb() -> bytes:
    """1 GiB of zeros, deflate-compressed (zlib-wrapped) to about 1 MB."""
    squeezer = zlib.compressobj(9)
    zeros = bytes(MB)
    body = b"".join(squeezer.compress(zeros) for _ in range(1024)) + squeezer.flush()
    assert len(body) < 2 * MB
    return body


def peak_memory_of(server: RegistryServer, claim: Claim) -> tuple[Check, int]:
    tracemalloc.start()
    try:
        check = verify(server, claim)
        return check, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("module", ENCODED_ADAPTERS, ids=lambda m: m.ADAPTER_ID)
def test_a_deflate_bomb_is_unverifiable_and_memory_stays_flat(
    registry_server: RegistryServer, module: types.ModuleType, deflate_bomb: bytes
) -> None:
    claim = module.serve_happy(registry_server)
    plain, plain_peak = peak_memory_of(registry_server, claim)
    assert plain.status is CheckStatus.VERIFIED, plain.reason
    (path,) = {path for _, path in registry_server.routes}
    content_type = "application/json" if module is test_us_nppes else test_gb_hcpc.HTML
    registry_server.route(
        "GET",
        path,
        lambda _: Response(200, deflate_bomb, content_type, {"Content-Encoding": "deflate"}),
    )
    bombed, bomb_peak = peak_memory_of(registry_server, claim)
    assert bombed.status is CheckStatus.UNVERIFIABLE
    assert "decodes (deflate) to more than the 5,000,000 byte limit" in bombed.reason
    assert bomb_peak - plain_peak < 50 * MB, f"peak {bomb_peak / MB:.0f} MB"


def test_json_nested_too_deep_is_unverifiable_and_the_batch_goes_on(
    registry_server: RegistryServer, tmp_path: Path
) -> None:
    jane = test_us_nppes.serve_happy(registry_server)
    happy = registry_server.routes[("GET", test_us_nppes.PATH)]

    def answer(request: Request) -> Response:
        if request.query.get("number") == [test_us_nppes.CLINIC]:
            return Response(200, b"[" * 100_000)
        return happy(request)

    registry_server.route("GET", test_us_nppes.PATH, answer)
    deep = Claim(scheme="us.npi", identifier=test_us_nppes.CLINIC, holder="Synthetic Clinic")
    check = verify(registry_server, deep)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "nests JSON deeper" in check.reason

    source = tmp_path / "npis.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows([row_of(deep), row_of(jane), row_of(deep)])
    report = tmp_path / "report.jsonl"
    verifier = fast_verifier(registry_server)
    run_batch(source, verifier, BatchOptions(target=None), out=report, fmt="jsonl")
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    statuses = [(line["row"], line["checks"][0]["status"]) for line in lines]
    assert statuses == [(2, "unverifiable"), (3, "verified"), (4, "unverifiable")]
