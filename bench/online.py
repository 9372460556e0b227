"""Online lookups through ``Verifier.averify_many`` against a loopback registry with 50 ms latency.

The registry is ``tests.registry_server.RegistryServer`` (real sockets on 127.0.0.1) serving the
NPPES NPI Registry API in its real format (``tests/fixtures/us.nppes.npi/individual-today.json``
with the NPI asked for), each answer delayed by 50 ms. It runs in its own process, so that its
threads do not share the client's interpreter lock, and counts what it receives.

The NPPES adapter takes one NPI per request (``batch_size`` 1), so requests = distinct NPIs.
Its rate limit and concurrency cap are set for the benchmark by assigning its class attributes
(in this process only).

Scenarios (each: 2,000 distinct NPIs, plus 400 repeated claims that must not cause requests):

- **latency**: concurrency 10, no effective rate limit (10,000 req/s).
- **rate-limited**: concurrency 10, rate limit 20 req/s; the server answers 429 (with
  ``Retry-After: 1``) to any request that would make more than 20 accepted requests within 1 s.
- **rate-limited-margin**: the same server (20 req/s), the client configured 5% under it
  (19 req/s): what a safety margin costs and whether it removes the 429s.

Each reports wall time against the theoretical minimum
``max(requests x latency / concurrency, requests / rate_limit)``, the requests the server saw
against the distinct keys, the 429s it sent, and a re-run of the same claims on the same store
(answered from the cache: the server must see no request). The baseline is a plain sequential
``httpx.Client`` loop, one GET per NPI.

Run: ``.venv/bin/python bench/online.py`` (full) or ``--quick`` (200 NPIs + 40 repeats).
Writes ``bench/results/online.json`` (``online-quick.json`` with ``--quick``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import sys
import tempfile
import threading
import time
from collections import deque
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.registry_server

from _common import ROOT, print_table, verdict, write_results

LATENCY = 0.050
WINDOW = 1.0
TARGET_RATIO = 1.25
FIXTURE = ROOT / "tests" / "fixtures" / "us.nppes.npi" / "individual-today.json"
ADAPTER_ID = "us.nppes.npi"


# -- the registry, in its own process -------------------------------------------------------------


def _serve(conn: Connection, latency: float, limit: float | None) -> None:
    from tests.registry_server import RegistryServer, Request, Response

    template = json.loads(FIXTURE.read_text(encoding="utf-8"))
    lock = threading.Lock()
    accepted: deque[float] = deque()  # arrival times of accepted requests in the last window
    stats = {"requests": 0, "status_429": 0, "numbers": {}, "answered": {}}

    def answer(request: Request) -> Response:
        number = request.query.get("number", [""])[0]
        with lock:
            stats["requests"] += 1
            numbers: dict[str, int] = stats["numbers"]  # type: ignore[assignment]
            numbers[number] = numbers.get(number, 0) + 1
            if limit is not None:
                while accepted and accepted[0] <= request.at - WINDOW:
                    accepted.popleft()
                if len(accepted) >= limit:
                    stats["status_429"] += 1
                    return Response(429, b'{"error": "rate limited"}', headers={"Retry-After": "1"})
                accepted.append(request.at)
            answered: dict[str, int] = stats["answered"]  # type: ignore[assignment]
            answered[number] = answered.get(number, 0) + 1
        time.sleep(latency)
        body = json.loads(json.dumps(template))
        body["results"][0]["number"] = number
        return Response(200, json.dumps(body).encode())

    def stats_route(_: Request) -> Response:
        with lock:
            numbers: dict[str, int] = stats["numbers"]  # type: ignore[assignment]
            payload = {
                "requests": stats["requests"],
                "status_429": stats["status_429"],
                "distinct": len(numbers),
                "max_per_number": max(numbers.values(), default=0),
                "answered": sum(stats["answered"].values()),  # type: ignore[attr-defined]
                "max_answered_per_number": max(
                    stats["answered"].values(),  # type: ignore[attr-defined]
                    default=0,
                ),
            }
        return Response(200, json.dumps(payload).encode())

    class Server(RegistryServer):
        # Answers in one TCP segment as a real server does: the test server writes the headers
        # and the body separately, and Nagle's algorithm then holds the body until the client's
        # delayed ACK (some 40 ms on Linux), which would add to every request's latency.
        def _handler_class(self) -> type[Any]:
            handler = super()._handler_class()
            return type("Handler", (handler,), {"disable_nagle_algorithm": True})

    with Server() as server:
        server.route("GET", "/api/", answer)
        server.route("GET", "/_stats", stats_route)
        conn.send(server.url)
        conn.recv()  # until told to stop


class Registry:
    """The loopback registry process: ``with Registry(latency, limit) as registry:``."""

    def __init__(self, latency: float, limit: float | None) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, latency, limit), daemon=True)

    def __enter__(self) -> Registry:
        self._process.start()
        self.url: str = self._conn.recv()
        return self

    def __exit__(self, *_: object) -> None:
        self._conn.send("stop")
        self._process.join(5)
        if self._process.is_alive():
            self._process.terminate()

    def stats(self) -> dict[str, int]:
        import httpx

        data: dict[str, int] = httpx.get(f"{self.url}/_stats").json()
        return data


# -- the claims -----------------------------------------------------------------------------------


def npis(count: int, seed: int) -> list[str]:
    """Distinct made-up NPIs that pass the check digit."""
    from stdnum import luhn

    rng = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < count:
        body = rng.choice("12") + f"{rng.randrange(10**8):08d}"
        found[body + luhn.calc_check_digit("80840" + body)] = None
    return list(found)


def claims_for(numbers: list[str], repeats: int, seed: int) -> list[Any]:
    from credverify import Claim

    rng = random.Random(seed)
    claims = [Claim(scheme="us.npi", identifier=n, holder="JANE QUINN SYNTHETIC") for n in numbers]
    for _ in range(repeats):  # the same NPI again, sometimes with another spelling of the name
        number = rng.choice(numbers)
        holder = rng.choice(("JANE QUINN SYNTHETIC", "Jane Synthetic", None))
        claims.insert(
            rng.randrange(len(claims) + 1),
            Claim(scheme="us.npi", identifier=number, holder=holder),
        )
    return claims


# -- the measurements -----------------------------------------------------------------------------


def configure(rate_limit: float, concurrency: int) -> None:
    """Give the NPPES adapter the benchmark's limits (class attributes, this process only)."""
    from credverify.adapters.us_nppes import NppesAdapter

    NppesAdapter.rate_limit = rate_limit
    NppesAdapter.concurrency = concurrency


def run_verifier(url: str, claims: list[Any], store_path: Path) -> tuple[float, list[Any]]:
    from credverify import Verifier
    from credverify.adapters.http import Http
    from credverify.store import Store

    store = Store(store_path)
    verifier = Verifier(store=store, base_urls={ADAPTER_ID: url}, http=Http(store))

    async def go() -> list[Any]:
        try:
            return await verifier.averify_many(claims)
        finally:
            await verifier.http.aclose()

    started = time.perf_counter()
    checks = asyncio.run(go())
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed, checks


def sequential(url: str, numbers: list[str]) -> float:
    import httpx

    started = time.perf_counter()
    with httpx.Client() as client:
        for number in numbers:
            response = client.get(f"{url}/api/", params={"version": "2.1", "number": number})
            response.raise_for_status()
            response.json()
    return time.perf_counter() - started


def scenario(
    name: str, numbers: list[str], repeats: int, rate_limit: float, concurrency: int,
    server_limit: float | None, seed: int,
) -> dict[str, Any]:  # fmt: skip
    configure(rate_limit, concurrency)
    claims = claims_for(numbers, repeats, seed)
    requests = len(numbers)
    minimum = max(requests * LATENCY / concurrency, requests / rate_limit)
    with tempfile.TemporaryDirectory() as folder, Registry(LATENCY, server_limit) as registry:
        url = registry.url
        print(f"[{name}] averify_many: {len(claims):,} claims, {requests:,} distinct NPIs...")
        elapsed, checks = run_verifier(url, claims, Path(folder) / "store.sqlite3")
        first = registry.stats()
        print(f"[{name}] cached re-run on the same store...")
        cached_elapsed, cached_checks = run_verifier(url, claims, Path(folder) / "store.sqlite3")
        second = registry.stats()
    statuses: dict[str, int] = {}
    for check in checks:
        statuses[check.status.value] = statuses.get(check.status.value, 0) + 1
    from_cache = sum(1 for c in cached_checks if c.from_cache)
    ratio = elapsed / minimum
    return {
        "scenario": name,
        "claims": len(claims),
        "distinct_keys": requests,
        "latency_s": LATENCY,
        "concurrency": concurrency,
        "rate_limit_per_s": rate_limit,
        "server_limit_per_s": server_limit,
        "theoretical_minimum_s": round(minimum, 3),
        "wall_s": round(elapsed, 3),
        "ratio_to_minimum": round(ratio, 3),
        "lookups_per_s": round(requests / elapsed, 1),
        "server_requests": first["requests"],
        "server_429s": first["status_429"],
        "max_requests_per_key": first["max_per_number"],
        "server_answered": first["answered"],
        "max_answered_per_key": first["max_answered_per_number"],
        "theoretical_minimum_at_server_limit_s": round(
            max(requests * LATENCY / concurrency, requests / (server_limit or rate_limit)), 3
        ),
        "statuses": statuses,
        "cached_rerun_s": round(cached_elapsed, 3),
        "cached_rerun_requests": second["requests"] - first["requests"],
        "cached_rerun_from_cache": from_cache,
        "targets": {
            "within_1_25x_of_minimum": ratio <= TARGET_RATIO,
            "zero_429": first["status_429"] == 0,
            # Dedupe: each distinct key answered once; a retry after a 429 is counted under
            # zero_429, not here.
            "one_request_per_distinct_key": first["answered"] == requests
            and first["max_answered_per_number"] == 1,
            "zero_requests_on_cached_rerun": second["requests"] == first["requests"],
        },
    }


def baseline(numbers: list[str]) -> dict[str, Any]:
    with Registry(LATENCY, None) as registry:
        print(f"[baseline] sequential httpx loop: {len(numbers):,} GETs...")
        elapsed = sequential(registry.url, numbers)
        stats = registry.stats()
    return {
        "requests": len(numbers),
        "wall_s": round(elapsed, 3),
        "lookups_per_s": round(len(numbers) / elapsed, 1),
        "server_requests": stats["requests"],
        "server_429s": stats["status_429"],
    }


def report(result: dict[str, Any]) -> None:
    base = result["sequential_httpx"]
    per_lookup = base["wall_s"] / base["requests"] if base["requests"] else None
    rows: list[tuple[object, ...]] = []
    if per_lookup is not None:
        rows.append(
            ("sequential httpx loop", f"{base['requests']:,}", "-", base["wall_s"], "-",
             base["server_429s"], "-", "-")
        )  # fmt: skip
    for s in result["scenarios"]:
        limit = "-" if s["rate_limit_per_s"] >= 1000 else f"{s['rate_limit_per_s']:g}/s"
        faster = f"{per_lookup * s['distinct_keys'] / s['wall_s']:.1f}x" if per_lookup else "-"
        rows.append(
            (
                f"averify_many {s['scenario']} (c={s['concurrency']}, limit {limit})",
                f"{s['server_requests']:,} ({s['server_answered']:,}/{s['distinct_keys']:,})",
                s["theoretical_minimum_s"],
                s["wall_s"],
                f"{s['ratio_to_minimum']:.3f}x",
                s["server_429s"],
                s["cached_rerun_requests"],
                faster,
            )
        )
    print_table(
        f"Online lookups, loopback registry, {LATENCY * 1000:g} ms latency "
        f"({result['lookups']:,} NPIs + {result['repeated_claims']:,} repeated claims)",
        ("run", "requests (answered/keys)", "min s", "wall s", "/min", "429s", "re-run req",
         "vs sequential"),
        rows,
    )  # fmt: skip
    target_rows = []
    for s in result["scenarios"]:
        t = s["targets"]
        target_rows += [
            (f"{s['scenario']}: within 1.25x of minimum", f"{s['ratio_to_minimum']:.3f}x",
             verdict(t["within_1_25x_of_minimum"])),
            (f"{s['scenario']}: zero 429s", s["server_429s"], verdict(t["zero_429"])),
            (f"{s['scenario']}: one request per distinct key",
             f"{s['server_answered']:,} / {s['distinct_keys']:,}",
             verdict(t["one_request_per_distinct_key"])),
            (f"{s['scenario']}: zero requests on cached re-run", s["cached_rerun_requests"],
             verdict(t["zero_requests_on_cached_rerun"])),
        ]  # fmt: skip
    print_table("Targets", ("target", "measured", "verdict"), target_rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="200 NPIs instead of 2,000")
    parser.add_argument("--lookups", type=int, help="distinct NPIs (default 2,000)")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rate-limit", type=float, default=20.0, help="for the limited scenario")
    parser.add_argument("--skip-sequential", action="store_true", help="no baseline loop")
    parser.add_argument("--only", choices=("latency", "rate-limited"), help="run one scenario only")
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args(argv)
    count = args.lookups or (200 if args.quick else 2_000)
    numbers = npis(count, args.seed)
    repeats = count // 5
    result: dict[str, Any] = {"quick": args.quick, "lookups": count, "repeated_claims": repeats}
    result["scenarios"] = []
    if args.only in (None, "latency"):
        result["scenarios"].append(
            scenario("latency", numbers, repeats, 10_000.0, args.concurrency, None, args.seed)
        )
    if args.only in (None, "rate-limited"):
        result["scenarios"].append(
            scenario(
                "rate-limited", numbers, repeats, args.rate_limit, args.concurrency,
                args.rate_limit, args.seed,
            )
        )  # fmt: skip
    if args.only in (None, "rate-limited-margin"):
        # The same registry, the client configured 5% under its limit.
        result["scenarios"].append(
            scenario(
                "rate-limited-margin", numbers, repeats, args.rate_limit * 0.95,
                args.concurrency, args.rate_limit, args.seed,
            )
        )  # fmt: skip
    if args.skip_sequential:
        result["sequential_httpx"] = {"requests": 0, "wall_s": 0.0, "lookups_per_s": 0.0}
    else:
        result["sequential_httpx"] = baseline(numbers)
    report(result)
    path = write_results("online-quick" if args.quick else "online", result)
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
