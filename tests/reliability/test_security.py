"""Security: hostile XML refused, spreadsheet formulas neutralised, HTML escaped, secrets kept out
of evidence, store and logs, and registry addresses taken only from configuration.

Over real sockets to the loopback registry where a registry is involved; 127.0.0.2 stands for
"somewhere else" (a redirect target, an external DTD), and a listener there proves nothing
connected to it.
"""

from __future__ import annotations

import csv
import json
import logging
import socket
import sqlite3
import time
import types
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from credverify.adapters.base import base_url_env
from credverify.cli import main
from credverify.records import (
    Assessment,
    Basis,
    Check,
    CheckStatus,
    Claim,
    Evidence,
    Finding,
    FindingOutcome,
    Gap,
    GapCode,
    Outcome,
    RegistryRecord,
    RowResult,
    Severity,
    Target,
)
from credverify.reports import RunInfo, write_report
from credverify.reports.html_report import _SCRIPT
from credverify.store import Store
from credverify.verifier import Verifier
from tests.adapters import test_eu_eos_aeo, test_eu_eos_eori
from tests.registry_server import Fault, RegistryServer, Response
from tests.test_verifier import ADAPTER_TESTS, fast_verifier

SOAP_ADAPTERS = [test_eu_eos_eori, test_eu_eos_aeo]
SOAP_XML = "text/xml; charset=utf-8"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SECRET = "SECRET123"


@pytest.fixture
def elsewhere() -> Iterator[socket.socket]:
    """A listener on 127.0.0.2: a host no request may reach."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.2", 0))
    listener.listen(8)
    listener.setblocking(False)
    try:
        yield listener
    finally:
        listener.close()


def nobody_came(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def soap_envelope(inner: str) -> str:
    return (
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
        f"{inner}</S:Body></S:Envelope>"
    )


def xml_bombs(port: int) -> dict[str, bytes]:
    """Hostile answers: each is refused before any entity is expanded or fetched."""
    outside = f"http://127.0.0.2:{port}"
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    body = soap_envelope("<x>&e;</x>")
    big = "A" * 100_000
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "eu.eos.eori"
    return {
        "billion laughs": (fixtures / "billion-laughs.xml").read_bytes(),
        "external entity (file)": (fixtures / "external-entity.xml").read_bytes(),
        "external entity (network)": (
            f'{head}<!DOCTYPE S:Envelope [<!ENTITY e SYSTEM "{outside}/entity">]>{body}'
        ).encode(),
        "external DTD": (
            f'{head}<!DOCTYPE S:Envelope SYSTEM "{outside}/evil.dtd">{soap_envelope("<x/>")}'
        ).encode(),
        "parameter entity": (
            f'{head}<!DOCTYPE S:Envelope [<!ENTITY % p SYSTEM "{outside}/p.dtd"> %p;]>'
            f"{soap_envelope('<x/>')}"
        ).encode(),
        "quadratic blowup": (
            f'{head}<!DOCTYPE S:Envelope [<!ENTITY e "{big}">]>'
            + soap_envelope("<x>" + "&e;" * 2_000 + "</x>")
        ).encode(),
        "harmless-looking DTD": (
            f"{head}<!DOCTYPE S:Envelope>{soap_envelope('<x/>')}"
        ).encode(),
    }  # fmt: skip


BOMB_NAMES = list(xml_bombs(1))


@pytest.mark.parametrize("module", SOAP_ADAPTERS, ids=lambda m: m.ADAPTER_ID)
@pytest.mark.parametrize("bomb", BOMB_NAMES)
def test_hostile_xml_is_refused_by_both_soap_adapters(
    registry_server: RegistryServer,
    elsewhere: socket.socket,
    module: types.ModuleType,
    bomb: str,
) -> None:
    claim = module.serve_happy(registry_server)
    body = xml_bombs(elsewhere.getsockname()[1])[bomb]
    for method, path in list(registry_server.routes):
        registry_server.route(method, path, lambda _: Response(200, body, SOAP_XML))
    started = time.monotonic()
    check = fast_verifier(registry_server).verify(claim)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "DTD or XML entities, refused" in check.reason
    assert time.monotonic() - started < 5, "refused, not expanded"
    assert nobody_came(elsewhere)


@pytest.mark.parametrize("module", SOAP_ADAPTERS, ids=lambda m: m.ADAPTER_ID)
def test_an_xml_bomb_dressed_as_a_soap_fault_is_still_refused(
    registry_server: RegistryServer, module: types.ModuleType
) -> None:
    claim = module.serve_happy(registry_server)
    bomb = Path(__file__).resolve().parent.parent / "fixtures/eu.eos.eori/billion-laughs.xml"
    body = bomb.read_bytes().replace(b"</S:Envelope>", b"<!-- Fault --></S:Envelope>")
    registry_server.fault(Fault("status", Response(500, body, SOAP_XML)), times=5)
    check = fast_verifier(registry_server).verify(claim)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "refused" in check.reason or "500" in check.reason


# -- spreadsheets ------------------------------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://x.invalid","click")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def injected_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["supplier", "country", "aeo_tier", "=1+2"])
        for payload in PAYLOADS:
            writer.writerow([payload, "DE", "AEOS", payload])
        writer.writerow(["Bad Country Ltd", PAYLOADS[0], "", ""])
    return path


XLSX_PAYLOADS = [p for p in PAYLOADS if not p.startswith("\r")]
"""A workbook is XML, whose line-end normalisation turns a leading CR into LF: not carried."""


def injected_xlsx(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["supplier", "country", "aeo_tier", "=1+2"])
    for payload in XLSX_PAYLOADS:
        sheet.append([payload, "DE", "AEOS", payload])  # "=..." is stored as a real formula
    sheet.append(["Bad Country Ltd", PAYLOADS[0], "", ""])
    workbook.save(path)
    return path


def batch_cli(source: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``credverify batch SOURCE --offline --to NL --out OUT``, which must succeed."""
    try:
        main(["batch", str(source), "--offline", "--out", str(out), "--to", "NL"])
        code: object = 0
    except SystemExit as done:
        code = done.code
    err = capsys.readouterr().err
    assert code in (0, None), err
    assert "Traceback" not in err


INPUTS: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "input.csv": (injected_csv, PAYLOADS),
    "input.xlsx": (injected_xlsx, XLSX_PAYLOADS),
}


@pytest.mark.parametrize("name", INPUTS)
def test_formulas_in_the_input_are_inert_in_the_csv_report(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make, payloads = INPUTS[name]
    out = tmp_path / "report.csv"
    batch_cli(make(tmp_path / name), out, capsys)
    with out.open(encoding="utf-8-sig", newline="") as report:
        table = list(csv.reader(report))
    assert len(table) == 1 + len(payloads) + 1
    for row in table:
        for cell in row:
            assert not cell.startswith(TRIGGERS), cell
    suppliers = [row[0] for row in table[1:]]
    assert suppliers[: len(payloads)] == ["'" + p for p in payloads], "kept, only made inert"
    assert table[0][3] == "input.=1+2", "the header too: its input. prefix makes it inert"


@pytest.mark.parametrize("name", INPUTS)
def test_formulas_in_the_input_are_inert_in_the_xlsx_report(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make, payloads = INPUTS[name]
    out = tmp_path / "report.xlsx"
    batch_cli(make(tmp_path / name), out, capsys)
    workbook = load_workbook(out)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert cells
    for cell in cells:
        assert cell.data_type != "f", cell.coordinate
        if isinstance(cell.value, str):
            assert not cell.value.startswith(TRIGGERS), (cell.coordinate, cell.value)
    results = workbook["results"]
    suppliers = [row[0].value for row in results.iter_rows(min_row=2)]
    # Read back through XML, a CR comes back as LF.
    assert suppliers[: len(payloads)] == ["'" + p.replace("\r", "\n") for p in payloads]


# -- the HTML report ---------------------------------------------------------------------------

XSS = "<img src=x onerror=alert(1)>"
QUOTES = "\"'`"
EVIL = f"{XSS}{QUOTES}</script><script>alert(2)</script><!--&amp;-->"


def evil_row() -> RowResult:
    """A row with the payload in every text a report shows."""
    # A claim's jurisdiction is parsed as a place (an unknown one is refused); the registry's
    # own record carries the payload there instead.
    claim = Claim(scheme="eu.aeo", tier=EVIL, identifier=EVIL, holder=EVIL, jurisdiction="DE")
    now = datetime(2026, 3, 2, tzinfo=UTC)
    evidence = Evidence(
        adapter="eu.eos.aeo", method="POST", url=f"javascript:alert(3)//{EVIL}",
        status_code=200, retrieved_at=now, sha256="ab" * 32, media_type=EVIL, size=1,
    )  # fmt: skip
    check = Check(
        claim=claim,
        status=CheckStatus.MISMATCH,
        reason=EVIL,
        adapter="eu.eos.aeo",
        record=RegistryRecord(
            adapter="eu.eos.aeo",
            holder=EVIL,
            tier=EVIL,
            status=EVIL,
            details={EVIL: EVIL},
            jurisdiction=EVIL,
        ),
        findings=(
            Finding(
                field="holder",
                outcome=FindingOutcome.CONTRADICTED,
                claimed=EVIL,
                found=EVIL,
                note=EVIL,
            ),
        ),
        evidence=(evidence,),
        checked_at=now,
    )
    gap = Gap(
        code=GapCode.TIER_NOT_COVERED, severity=Severity.BLOCKER, message=EVIL, rule=EVIL,
        citation=EVIL, url=f"javascript:alert(4)//{EVIL}", remedy=EVIL,
    )  # fmt: skip
    assessment = Assessment(
        outcome=Outcome.NOT_RECOGNIZED,
        target=Target("NL", "aeo-security-benefits"),
        as_of=date(2026, 3, 2),
        hypothetical=False,
        gaps=(gap,),
        bases=(Basis(rule=EVIL, message=EVIL, citation=EVIL, url=f"javascript:{EVIL}"),),
    )
    return RowResult(
        row=2,
        values={"supplier": EVIL, EVIL: EVIL},
        claims=(claim,),
        checks=(check,),
        assessment=assessment,
    )


def strings(value: object) -> set[str]:
    """Every string inside a JSON value, keys included."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set(value) | {s for v in value.values() for s in strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in strings(v)}
    return set()


class Page(HTMLParser):
    """Every element, attribute and script of a page, as a browser's tokeniser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def test_the_html_report_escapes_every_field(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    run = RunInfo(
        source=EVIL, columns=("supplier", EVIL), target=EVIL, started=datetime.now(UTC),
        finished=datetime.now(UTC), synthetic=False,
    )  # fmt: skip
    errored = RowResult(row=3, values={"supplier": EVIL, EVIL: EVIL}, error=EVIL)
    write_report(out, "html", [evil_row(), errored], run)
    html = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    tags = {tag for tag, _ in page.tags}
    assert "img" not in tags
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not any("javascript:" in (value or "") for value in attrs.values()), (tag, attrs)
    scripts = [(attrs.get("type"), attrs.get("id")) for tag, attrs in page.tags if tag == "script"]
    assert scripts == [("application/json", "row-details"), (None, None)], "no injected script"
    details, code = page.scripts
    assert code == _SCRIPT, "the one script is the page's own (its hash is in the CSP)"
    assert EVIL in strings(json.loads(details)), "the payload is kept, as text"
    assert "</script" not in details.lower()
    assert html.count(XSS) == 0


def test_a_batch_with_markup_in_its_cells_renders_it_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "input.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["supplier", "country", "aeo_tier", EVIL])
        writer.writerow([EVIL, "DE", EVIL, EVIL])
        writer.writerow([EVIL, EVIL, "AEOS", EVIL])
        writer.writerow([EVIL, "DE", "AEOS", EVIL])
    report = tmp_path / "report.html"
    batch_cli(source, report, capsys)
    page = Page()
    page.feed(report.read_text(encoding="utf-8"))
    assert "img" not in {tag for tag, _ in page.tags}
    assert all(not any(n.startswith("on") for n in attrs) for _, attrs in page.tags)
    assert len([tag for tag, _ in page.tags if tag == "script"]) == 2


# -- secrets -----------------------------------------------------------------------------------


def store_text(store: Store) -> str:
    """Everything in the SQLite store, as text: keys, payloads, blobs, checkpoints."""
    with sqlite3.connect(store.path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dumped: list[str] = []
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):
                dumped.extend(
                    v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row
                )
    return "\n".join(dumped)


def keyed_verifier(
    server: RegistryServer, store: Store, module: types.ModuleType, base: str
) -> Verifier:
    verifier = fast_verifier(server, store)
    return Verifier(store=store, http=verifier.http, base_urls={module.ADAPTER_ID: base})


@pytest.mark.parametrize("module", ADAPTER_TESTS, ids=lambda m: m.ADAPTER_ID)
def test_a_key_in_the_base_url_user_info_stays_out_of_evidence_and_the_store(
    registry_server: RegistryServer, tmp_path: Path, module: types.ModuleType
) -> None:
    claim = module.serve_happy(registry_server)
    store = Store(tmp_path / "store.sqlite3")
    base = registry_server.url.replace("http://", f"http://apikey:{SECRET}@")
    check = keyed_verifier(registry_server, store, module, base).verify(claim)
    assert check.status in (CheckStatus.VERIFIED, CheckStatus.PARTIAL), check.reason
    assert registry_server.requests()[0].headers.get("authorization"), "the key was sent"
    assert all(SECRET not in e.url for e in check.evidence)
    assert SECRET not in check.model_dump_json()
    assert SECRET not in store_text(store), "not in cache keys, payloads or blobs"


@pytest.mark.parametrize("module", ADAPTER_TESTS, ids=lambda m: m.ADAPTER_ID)
def test_a_key_in_the_base_url_query_is_sent_and_stays_out_of_evidence_and_the_store(
    registry_server: RegistryServer, tmp_path: Path, module: types.ModuleType
) -> None:
    claim = module.serve_happy(registry_server)
    store = Store(tmp_path / "store.sqlite3")
    base = f"{registry_server.url}/?api_key={SECRET}"
    check = keyed_verifier(registry_server, store, module, base).verify(claim)
    assert all(SECRET not in e.url for e in check.evidence)
    assert SECRET not in check.model_dump_json()
    assert SECRET not in store_text(store)
    assert check.status in (CheckStatus.VERIFIED, CheckStatus.PARTIAL), check.reason
    assert registry_server.requests()[0].query.get("api_key") == [SECRET]


@pytest.mark.parametrize("module", ADAPTER_TESTS, ids=lambda m: m.ADAPTER_ID)
def test_no_log_record_carries_the_key(
    registry_server: RegistryServer,
    tmp_path: Path,
    module: types.ModuleType,
    caplog: pytest.LogCaptureFixture,
) -> None:
    claim = module.serve_happy(registry_server)
    store = Store(tmp_path / "store.sqlite3")
    base = registry_server.url.replace("http://", f"http://apikey:{SECRET}@")
    caplog.set_level(logging.DEBUG)
    check = keyed_verifier(registry_server, store, module, base).verify(claim)
    assert check.status in (CheckStatus.VERIFIED, CheckStatus.PARTIAL), check.reason
    assert caplog.records, "the run logs something at DEBUG"
    leaked = [r.getMessage() for r in caplog.records if SECRET in r.getMessage()]
    assert not leaked, leaked[0]


def test_credverify_itself_logs_no_key(
    registry_server: RegistryServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever httpx does, credverify's own loggers (and the CLI's output) carry no key."""
    caplog.set_level(logging.DEBUG)
    claims = [m.serve_happy(registry_server) for m in ADAPTER_TESTS]
    base = registry_server.url.replace("http://", f"http://apikey:{SECRET}@")
    store = Store(tmp_path / "store.sqlite3")
    http = fast_verifier(registry_server, store).http
    verifier = Verifier(
        store=store, http=http, base_urls={m.ADAPTER_ID: base for m in ADAPTER_TESTS}
    )
    checks = verifier.verify_many(claims)
    assert {c.status for c in checks} <= {CheckStatus.VERIFIED, CheckStatus.PARTIAL}
    own = [r for r in caplog.records if r.name.split(".")[0] == "credverify"]
    assert all(SECRET not in r.getMessage() for r in own)


# -- base URLs come from configuration only ----------------------------------------------------


@pytest.mark.parametrize("module", ADAPTER_TESTS, ids=lambda m: m.ADAPTER_ID)
def test_a_redirect_to_another_host_is_not_followed(
    registry_server: RegistryServer, elsewhere: socket.socket, module: types.ModuleType
) -> None:
    claim = module.serve_happy(registry_server)
    target = f"http://127.0.0.2:{elsewhere.getsockname()[1]}/registry"
    registry_server.fault(Fault("status", Response(302, b"", "text/html", {"Location": target})))
    verifier = fast_verifier(registry_server)
    check = verifier.verify(claim)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "302" in check.reason
    assert nobody_came(elsewhere)
    assert verifier.adapter(module.ADAPTER_ID).base_url == registry_server.url
    again = verifier.verify(claim)  # the fault is used up: the configured registry answers
    assert again.status in (CheckStatus.VERIFIED, CheckStatus.PARTIAL)
    assert nobody_came(elsewhere)


@pytest.fixture
def three_servers() -> Iterator[tuple[RegistryServer, RegistryServer, RegistryServer]]:
    with RegistryServer() as a, RegistryServer() as b, RegistryServer() as c:
        yield a, b, c


@pytest.mark.parametrize("module", ADAPTER_TESTS, ids=lambda m: m.ADAPTER_ID)
def test_the_base_url_comes_from_the_argument_then_the_environment_then_the_config_file(
    three_servers: tuple[RegistryServer, RegistryServer, RegistryServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: types.ModuleType,
) -> None:
    argument, environment, config = three_servers
    for server in three_servers:
        claim = module.serve_happy(server)
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'[adapters."{module.ADAPTER_ID}"]\nurl = "{config.url}"\n')
    monkeypatch.setenv("CREDVERIFY_CONFIG", str(config_file))
    monkeypatch.setenv(base_url_env(module.ADAPTER_ID), environment.url)

    def asked(base_urls: dict[str, str]) -> list[int]:
        store = Store(tmp_path / f"store-{len(list(tmp_path.iterdir()))}.sqlite3")
        http = fast_verifier(argument, store).http
        Verifier(store=store, http=http, base_urls=base_urls).verify(claim)
        return [len(s.requests()) for s in three_servers]

    assert asked({module.ADAPTER_ID: argument.url}) == [1, 0, 0]
    assert asked({}) == [1, 1, 0]
    monkeypatch.delenv(base_url_env(module.ADAPTER_ID))
    assert asked({}) == [1, 1, 1]
