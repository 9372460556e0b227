"""Batch input as people write it: headers in the languages of the schemes, a title above the
header, the mapping said before any row and kept in every report, and a clear stop (exit 2) when
no column can make a claim. Every supplier list here is synthetic."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from credverify.batch import BatchOptions, map_columns, read_table, run_batch
from credverify.cli import main
from credverify.errors import InputError, KnowledgeBaseError
from credverify.headers import header_synonyms, load_header_synonyms
from credverify.records import Target
from credverify.verifier import Verifier

NL = Target("NL", "aeo-security-benefits")

ISSUE_HEADER = [
    "Company", "Country", "EORI / AEO No.", "Cert type", "Tier/Level",
    "USCC (统一社会信用代码)", "Corp. No (法人番号)", "Notes",
]  # fmt: skip
GERMAN_HEADER = ["Firma", "Land", "EORI-Nummer", "AEO-Bewilligungsnummer", "Bemerkung"]
CHINESE_HEADER = ["企业名称", "国家", "统一社会信用代码", "海关信用等级"]
JAPANESE_HEADER = ["事業者名", "国", "法人番号", "区分"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def batch(source: Path, out: Path, notices: list[str]) -> None:
    run_batch(
        source, Verifier(offline=True), BatchOptions(target=NL),
        out=out, fmt=out.suffix.lstrip("."), notice=notices.append,
    )  # fmt: skip


def sidecar(report: Path) -> dict[str, str]:
    with report.with_name(f"{report.name}.columns.csv").open(encoding="utf-8-sig") as columns:
        return {line["column"]: line["role"] for line in csv.DictReader(columns)}


def test_the_issues_header_maps_every_column_it_can() -> None:
    mapping = map_columns(ISSUE_HEADER, {})
    assert mapping.roles == {
        "holder": "Company",
        "country": "Country",
        "identifier": "EORI / AEO No.",
        "scheme": "Cert type",
        "aeo_tier": "Tier/Level",
        "uscc": "USCC (统一社会信用代码)",
        "corporate_number": "Corp. No (法人番号)",
    }
    assert mapping.ignored == {"Notes": "no known role"}


def test_full_width_and_spelling_variants_map_alike() -> None:
    variants = ["ＥＯＲＩ　Ｎｏ．", "eori_no", "EORI-No", "Eori no."]  # noqa: RUF001
    assert {map_columns([v], {}).roles.get("eori") for v in variants} == set(variants)
    assert map_columns(["USCC（统一社会信用代码）"], {}).roles == {  # noqa: RUF001
        "uscc": "USCC（统一社会信用代码）"  # noqa: RUF001
    }


@pytest.mark.parametrize(
    ("header", "row", "claim_roles"),
    [
        (
            ISSUE_HEADER,
            ["Shanghai Synthetic Trading Co", "CN", "", "AEO", "advanced",
             "91310115MADEM18624", "", ""],
            {"identifier", "scheme", "aeo_tier", "uscc", "corporate_number"},
        ),
        (GERMAN_HEADER, ["Fensta Logistik GmbH", "DE", "", "DEAEOS362821631", ""],
         {"eori", "aeo_number"}),
        (CHINESE_HEADER, ["上海曜澜进出口有限公司", "CN", "91310115MADEM18624", "advanced"],
         {"uscc", "aeo_tier"}),
        (JAPANESE_HEADER, ["株式会社サンプル商事", "JP", "1010001000006", "exporter"],
         {"corporate_number", "aeo_tier"}),
    ],
    ids=["english", "german", "chinese", "japanese"],
)  # fmt: skip
def test_supplier_lists_in_four_languages_map_their_identifier_columns(
    tmp_path: Path, header: list[str], row: list[str], claim_roles: set[str]
) -> None:
    source = write_csv(tmp_path / "suppliers.csv", [header, row])
    out = tmp_path / "report.jsonl"
    notices: list[str] = []
    batch(source, out, notices)
    said = notices[0]
    assert said.startswith("columns mapped:")
    mapped = sidecar(out)
    assert {role for role in mapped.values() if role in claim_roles} == claim_roles
    for column, role in mapped.items():
        if role != "ignored":
            assert f"{column!r} -> {role}" in said
    results = lines(out)
    assert [r["row"] for r in results] == [2]
    assert results[0]["status"] != "no-claim"


def test_a_title_line_above_an_xlsx_header_is_skipped_and_row_numbers_stay_the_sheets(
    tmp_path: Path,
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Supplier list Q3 2026"])
    sheet.append([])
    sheet.append(CHINESE_HEADER)
    sheet.append(["上海曜澜进出口有限公司", "CN", "91310115MADEM18624", "advanced"])
    sheet.append(["深圳合成电子有限公司", "CN", "91440300MA5FXXXX0X", "general"])
    source = tmp_path / "suppliers.xlsx"
    workbook.save(source)
    out = tmp_path / "report.xlsx"
    notices: list[str] = []
    batch(source, out, notices)
    assert notices[0] == "header on row 3; skipped above it: row 1 'Supplier list Q3 2026'"
    report = load_workbook(out)
    results = [[c.value for c in r] for r in report["results"].iter_rows(values_only=False)]
    assert results[0][0] == "input.企业名称"
    assert [r[0] for r in results[1:]] == ["上海曜澜进出口有限公司", "深圳合成电子有限公司"]
    summary = {r[0]: r[1] for r in report["summary"].iter_rows(values_only=True) if r}
    assert summary["header row"] == 3
    assert summary["统一社会信用代码"] == "uscc"
    assert summary["海关信用等级"] == "aeo_tier"


def test_a_title_line_above_a_csv_header_is_skipped(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "suppliers.csv",
        [["Supplier list Q3 2026"], ["exported 2026-09-30", ""], GERMAN_HEADER,
         ["Fensta Logistik GmbH", "DE", "", "DEAEOS362821631", ""]],
    )  # fmt: skip
    table = read_table(source)
    assert table.header == GERMAN_HEADER
    assert table.header_row == 3
    assert table.skipped == ((1, "Supplier list Q3 2026"), (2, "exported 2026-09-30"))
    assert [row.row for row in table.rows] == [4]


def test_a_list_without_a_column_that_can_make_a_claim_stops_with_the_map_lines_that_help(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(
        tmp_path / "vendors.csv",
        [["Vendor", "Ref No.", "Programme kind"], ["Acme", "DEAEOS362821631", "AEO"]],
    )
    out = tmp_path / "report.csv"
    with pytest.raises(SystemExit) as stopped:
        main(["batch", str(source), "--to", "NL", "--offline", "--out", str(out)])
    assert stopped.value.code == 2
    error = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(error) == 1
    assert "no column carries an identifier or a scheme" in error[0]
    assert "'Vendor', 'Ref No.', 'Programme kind'" in error[0]
    assert '--map "Ref No.=identifier" --map "Programme kind=scheme"' in error[0]
    assert not out.exists()


def test_a_map_override_counts_and_is_said(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "vendors.csv",
        [["Vendor", "Ref No.", "Land"], ["Fensta Logistik GmbH", "DEAEOS362821631", "DE"]],
    )
    out = tmp_path / "report.jsonl"
    notices: list[str] = []
    run_batch(
        source, Verifier(offline=True),
        BatchOptions(target=NL, mapping={"Ref No.": "aeo_number", "Vendor": "holder"}),
        out=out, fmt="jsonl", notice=notices.append,
    )  # fmt: skip
    assert notices[0] == (
        "columns mapped: 'Vendor' -> holder (--map); 'Ref No.' -> aeo_number (--map); "
        "'Land' -> country"
    )
    assert lines(out)[0]["claims"][0]["scheme"] == "eu.aeo"


def test_a_second_column_for_a_role_is_ignored_and_said_so() -> None:
    mapping = map_columns(["Company", "Firma", "EORI"], {})
    assert mapping.roles["holder"] == "Company"
    assert mapping.ignored == {"Firma": "holder is 'Company'"}
    assert mapping.describe()[1] == "columns ignored: 'Firma' (holder is 'Company')"
    with pytest.raises(InputError, match="holder is already mapped to 'Company'"):
        map_columns(["Company", "Firma"], {"Company": "holder", "Firma": "holder"})


def test_the_summaries_name_rows_by_holder_and_hide_url_secrets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(
        tmp_path / "suppliers.csv",
        [
            ["uscc", "supplier", "country", "aeo_tier"],
            ["91310115MADEM18624", "上海曜澜进出口有限公司", "CN", "general"],
            ["91440300MA5F00000X", "Acme https://u:pw@evil.example/x?token=T", "CN", "general"],
        ],
    )
    out = tmp_path / "report.html"
    with pytest.raises(SystemExit) as done:
        main(["batch", str(source), "--to", "NL", "--offline", "--out", str(out),
              "--fail-on", "blocker"])  # fmt: skip
    assert done.value.code == 1
    printed = capsys.readouterr()
    assert "row 2 '上海曜澜进出口有限公司': not-recognized" in printed.out
    assert "row 3 'Acme https://evil.example/x?token=REDACTED': not-recognized" in printed.out
    assert "91310115MADEM18624'" not in printed.out
    assert "columns mapped: 'uscc' -> uscc; 'supplier' -> holder" in printed.err
    page = out.read_text(encoding="utf-8")
    blocked = page.split('<ul id="blocked-rows">', 1)[1].split("</ul>", 1)[0]
    assert "row 2 &#x27;上海曜澜进出口有限公司&#x27;: not-recognized" in blocked
    assert "pw@" not in blocked
    assert "token=T" not in blocked
    columns = page.split('<details id="columns"', 1)[1].split("</details>", 1)[0]
    assert "<td>aeo_tier</td>" in columns


def test_a_synonym_claimed_by_two_roles_or_an_unknown_role_is_a_load_error(
    tmp_path: Path,
) -> None:
    twice = tmp_path / "headers.toml"
    twice.write_text('[roles]\nholder = ["Name"]\ncountry = ["name."]\n', encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"'name\.' is claimed by two roles: holder"):
        load_header_synonyms(twice)
    twice.write_text('[roles]\nholdr = ["Name"]\n', encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="did you mean 'holder'"):
        load_header_synonyms(twice)


def test_the_bundled_synonyms_cover_the_languages_of_the_schemes() -> None:
    synonyms = header_synonyms()
    for header, role in [
        ("Firma", "holder"), ("Raison sociale", "holder"), ("Bedrijfsnaam", "holder"),
        ("Razón social", "holder"), ("Ragione sociale", "holder"), ("Nazwa firmy", "holder"),
        ("Numéro EORI", "eori"), ("Número OEA", "aeo_number"), ("Numer AEO", "aeo_number"),
        ("Livello", "aeo_tier"), ("AEO区分", "aeo_tier"), ("Tipo de certificado", "scheme"),
    ]:  # fmt: skip
        assert synonyms.role_of(header) == role, header


# -- end to end: the lists' own headers make claims that the (synthetic) registries verify ------


def demo_values() -> tuple[dict[str, object], dict[str, str], dict[str, str]]:
    demo = Path(__file__).resolve().parents[1] / "registries" / "snapshots" / "demo"
    eori = next(
        e for e in json.loads((demo / "gb-eori.json").read_text()) if e.get("companyDetails")
    )
    uscc = json.loads((demo / "cn-credit.json").read_text())["data"]["copInfoList"][0]
    with (demo / "jp-aeo.csv").open(encoding="utf-8-sig") as text:
        corp = next(csv.DictReader(text))
    return eori, uscc, corp


@pytest.mark.parametrize("language", ["english", "german", "chinese", "japanese"])
def test_a_list_in_its_own_headers_is_verified_row_by_row(language: str, tmp_path: Path) -> None:
    eori, uscc, corp = demo_values()
    trader = str(eori["companyDetails"]["traderName"])  # type: ignore[index]
    rows = {
        "english": [
            ISSUE_HEADER,
            [trader, "United Kingdom", str(eori["eori"]), "EORI", "", "", "", ""],
            [uscc["nameSaic"], "China", "", "AEO", "高级认证", uscc["socialCreditCode"], "", ""],
            [corp["英語名"], "Japan", "", "AEO", corp["区分"], "", corp["法人番号"], ""],
        ],
        "german": [GERMAN_HEADER, [trader, "Vereinigtes Königreich", str(eori["eori"]), "", ""]],
        "chinese": [
            CHINESE_HEADER,
            [uscc["nameSaic"], "中国", uscc["socialCreditCode"], "高级认证"],
        ],
        "japanese": [JAPANESE_HEADER, [corp["事業者名"], "日本", corp["法人番号"], corp["区分"]]],
    }[language]
    source = write_csv(tmp_path / f"{language}.csv", rows)
    out = tmp_path / "report.jsonl"
    run_batch(
        source, Verifier(demo=True, store=tmp_path / "s.sqlite3"), BatchOptions(target=NL),
        out=out, fmt="jsonl",
    )  # fmt: skip
    reported = lines(out)
    assert len(reported) == len(rows) - 1
    for row in reported:
        assert row["error"] is None, row["error"]
        statuses = [c["status"] for c in row["checks"]]  # type: ignore[union-attr]
        assert statuses, (language, row)
        assert set(statuses) <= {"verified", "partial"}, (language, row["checks"])


def test_a_tier_no_claim_can_take_is_said_on_the_row(tmp_path: Path) -> None:
    header = ["Company", "Country", "AEO number", "Tier"]
    source = write_csv(
        tmp_path / "swiss.csv", [header, ["Alpenfracht AG", "CH", "CHAEOF000123", "AEOF"]]
    )
    out = tmp_path / "report.jsonl"
    batch(source, out, [])
    (row,) = lines(out)
    assert [c["scheme"] for c in row["claims"]] == ["ch.aeo"]  # type: ignore[index,union-attr]
    assert row["notes"] == [
        "column Tier: tier 'AEOF' not read: the knowledge base models no tiers for ch.aeo"
    ]


def test_headers_with_a_number_sign_before_the_name_are_mapped() -> None:
    header = ["Fournisseur", "Pays", "N° EORI", "N° AEO", "Niveau AEO"]
    mapping = map_columns(header, {})
    assert mapping.roles == {
        "holder": "Fournisseur", "country": "Pays", "eori": "N° EORI",
        "aeo_number": "N° AEO", "aeo_tier": "Niveau AEO",
    }  # fmt: skip
