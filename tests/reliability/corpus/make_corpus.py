"""Build the batch reader's bad-input corpus: ``python tests/reliability/corpus/make_corpus.py``.

Deterministic: the same files, byte for byte, on every run (XLSX files are re-zipped with fixed
timestamps), so the committed corpus is exactly what this script writes; ``test_corpus.py``
checks that. Every file is small except the one whose point is a 1 MB cell.

``manifest.json`` says, per file, what it exercises and what must happen when it goes through
``credverify batch FILE --offline --format jsonl``:

- ``"expect": "file-error"``: exit code 2 and a one-line message containing ``message``;
- ``"expect": "report"``: exit code 0 and a report in which the data rows ``rows`` (row numbers
  as in the input: the header is row 1, blank lines are counted but produce no row) appear
  exactly once each, in order; ``row_errors`` maps a row number to a piece of its error message
  (every other row has no error, except the ``may_error`` rows, which may have one or not);
  ``statuses`` and ``values`` pin a row's status or cells;
- ``"bug"`` (optional): a known fault of credverify this file shows; the test expects it to fail
  until the bug is fixed (``xfail(strict=True)``), so a fix is noticed.

The expectations are written from the input, not from credverify's output: the row numbers are
counted here from the records written.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HEADER = ["supplier", "country", "eori", "aeo_tier"]
GOOD = [
    ["Synthetic Trading Ltd", "GB", "GB100200300000", ""],
    ["Synthetische Handels GmbH", "DE", "DE9000000000001", "AEOF"],
    ["Exemple Logistique SAS", "FR", "FR900000000", "AEOS"],
    ["Voorbeeld Expeditie BV", "NL", "", "AEOC"],
]
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)

Record = Sequence[str] | None
"""One CSV record: its cells, or None for a blank line."""


class Case:
    """One corpus file: its name, its bytes, and what must happen."""

    def __init__(self, name: str, data: bytes, exercises: str, **expect: Any) -> None:
        self.name = name
        self.data = data
        self.exercises = exercises
        self.expect = expect

    def manifest(self) -> dict[str, Any]:
        return {"exercises": self.exercises, **self.expect}


def quote(cell: str, delimiter: str) -> str:
    special = delimiter in cell or any(c in cell for c in '"\r\n')
    return '"' + cell.replace('"', '""') + '"' if special else cell


def csv_text(records: Sequence[Record], delimiter: str = ",", newline: str = "\n") -> str:
    lines = ["" if r is None else delimiter.join(quote(c, delimiter) for c in r) for r in records]
    return newline.join(lines) + newline


def data_rows(records: Sequence[Record]) -> list[int]:
    """The row numbers a report must hold: every non-blank record after the header."""
    return [n for n, r in enumerate(records, start=1) if n > 1 and r is not None and any(r)]


def report(
    name: str,
    records: Sequence[Record],
    exercises: str,
    *,
    delimiter: str = ",",
    newline: str = "\n",
    encoding: str = "utf-8",
    row_errors: dict[int, str] | None = None,
    **extra: Any,
) -> Case:
    data = csv_text(records, delimiter, newline).encode(encoding)
    return Case(
        name,
        data,
        exercises,
        expect="report",
        rows=data_rows(records),
        row_errors={str(k): v for k, v in (row_errors or {}).items()},
        **extra,
    )


def file_error(name: str, data: bytes, exercises: str, message: str, **extra: Any) -> Case:
    return Case(name, data, exercises, expect="file-error", message=message, **extra)


def width_errors(records: Sequence[Record]) -> dict[int, str]:
    """Rows whose cell count differs from the header's: the reader names the count."""
    width = len(records[0] or ())
    return {
        n: f"{len(r)} columns, expected {width}"
        for n, r in enumerate(records, start=1)
        if n > 1 and r is not None and any(r) and len(r) != width
    }


# -- CSV dialects ------------------------------------------------------------------------------


def dialects() -> list[Case]:
    records: list[Record] = [HEADER, *GOOD]
    mixed = (
        ",".join(HEADER) + "\n" + "".join(";".join(r) + "\n" for r in GOOD[:2])
    ).encode()  # the header is comma-separated, the rows semicolon-separated
    bait: list[Record] = [
        HEADER,
        ["Pipe | and; semi Ltd", "GB", "GB100200300000", ""],
        ["Tab\there GmbH", "DE", "", "AEOS"],
        ['Comma, Quote "Q" SA', "FR", "", ""],
    ]
    long_rows: list[Record] = [
        HEADER,
        GOOD[0],
        ["Too Short Ltd", "GB"],
        [*GOOD[1], "an extra cell"],
        GOOD[2],
        ["only one cell"],
    ]
    trailing = (",".join(HEADER) + "\n" + "".join(",".join(r) + ",\n" for r in GOOD)).encode()
    trailing_records: list[Record] = [HEADER, *[[*r, ""] for r in GOOD]]
    blanks: list[Record] = [HEADER, GOOD[0], None, None, GOOD[1], None, GOOD[2], None]
    quotes: list[Record] = [
        HEADER,
        ['The "Best" Traders Ltd', "GB", "", ""],
        ['"', "DE", "", ""],
        ['""""', "FR", "", ""],
    ]
    newlines: list[Record] = [
        HEADER,
        ["Line\nFeed Ltd", "GB", "GB100200300000", ""],
        ["Carriage\r\nReturn GmbH", "DE", "", "AEOS"],
        ["Old\rMac SA", "FR", "", ""],
        ["Many\n\n\nBlank\nLines BV", "NL", "", "AEOC"],
        GOOD[3],
    ]
    # Every list carries a claim column (a list without one stops with exit 2, see headers()).
    single: list[Record] = [["eori"], ["GB100200300000"], ["GB100200300010"], ["GB100200300020"]]
    addresses: list[Record] = [
        ["supplier", "country", "address", "eori"],
        ["Alpha GmbH", "DE", "Hauptstr. 1\n10115 Berlin", ""],
        ["Beta SA", "FR", "1 rue X\n75001 Paris", ""],
        ["Gamma BV", "NL", "Dam 1\nAmsterdam", ""],
    ]
    notes: list[Record] = [
        ["supplier", "country", "notes", "eori"],
        ["Alpha GmbH", "DE", "'urgent'", ""],
        ["Beta SA", "FR", "'check', later", ""],
    ]
    return [
        report("ok-comma.csv", records, "a clean comma-separated list (the baseline)"),
        report("ok-semicolon.csv", records, "semicolon delimiter (European Excel)", delimiter=";"),
        report("ok-tab.tsv", records, "tab delimiter, .tsv extension", delimiter="\t"),
        report("ok-pipe.txt", records, "pipe delimiter, .txt extension", delimiter="|"),
        report("crlf.csv", records, "CRLF line ends (Windows)", newline="\r\n"),
        report("cr-only.csv", records, "CR-only line ends (classic Mac)", newline="\r"),
        Case(
            "no-final-newline.csv",
            csv_text(records).rstrip("\n").encode(),
            "the last row has no line end",
            expect="report",
            rows=data_rows(records),
            row_errors={},
        ),
        Case(
            "header-comma-rows-semicolon.csv",
            mixed,
            "wrong delimiter: header with commas, rows with semicolons",
            expect="report",
            rows=[2, 3],
            row_errors={"2": "1 columns, expected 4", "3": "1 columns, expected 4"},
        ),
        report("sniffer-bait.csv", bait, "quoted cells full of other delimiters"),
        report(
            "short-and-long-rows.csv",
            long_rows,
            "rows with too few and too many cells: per-row errors, the rest goes on",
            row_errors=width_errors(long_rows),
        ),
        Case(
            "trailing-delimiter.csv",
            trailing,
            "every data row ends with a stray delimiter: one cell too many",
            expect="report",
            rows=data_rows(trailing_records),
            row_errors={str(k): v for k, v in width_errors(trailing_records).items()},
        ),
        report("blank-lines.csv", blanks, "blank lines between and after rows: skipped, counted"),
        report("doubled-quotes.csv", quotes, "quotes inside quoted cells"),
        report(
            "embedded-newlines.csv",
            newlines,
            "embedded newlines (LF, CRLF, CR) inside quoted cells: one row each",
            values={"2": {"supplier": "Line\nFeed Ltd"}, "6": {"supplier": GOOD[3][0]}},
        ),
        report("single-column.csv", single, "one column, no delimiter at all"),
        report(
            "semicolon-multiline-address.csv",
            addresses,
            "semicolon delimiter, CRLF, multi-line address cells (as European Excel saves)",
            delimiter=";",
            newline="\r\n",
            values={"3": {"supplier": "Beta SA", "address": "1 rue X\n75001 Paris"}},
        ),
        report(
            "tab-multiline-address.tsv",
            addresses,
            "tab delimiter, CRLF, multi-line address cells",
            delimiter="\t",
            newline="\r\n",
            values={"3": {"supplier": "Beta SA", "address": "1 rue X\n75001 Paris"}},
        ),
        report(
            "single-quoted-notes.csv",
            notes,
            "cells in single quotes: an apostrophe is not a quote character",
            values={"2": {"notes": "'urgent'"}, "3": {"notes": "'check', later"}},
        ),
        Case(
            "unterminated-quote.csv",
            (",".join(HEADER) + "\n" + ",".join(GOOD[0]) + '\n"Open Quote Ltd,DE,,\n').encode(),
            "a quote that never closes swallows the rest of the file into one cell",
            expect="report",
            rows=[2, 3],
            row_errors={"3": "1 columns, expected 4"},
        ),
    ]


# -- encodings and odd characters --------------------------------------------------------------


def encodings() -> list[Case]:
    accented: list[Record] = [
        HEADER,
        ["Café Müller GmbH", "DE", "", "AEOS"],
        ["Société Générale Logistique", "FR", "", ""],
    ]
    chinese: list[Record] = [["supplier", "country", "eori"], ["深圳合成电子有限公司", "CN", ""]]
    japanese: list[Record] = [["supplier", "country", "eori"], ["株式会社サンプル商事", "JP", ""]]
    utf8_part = "Zürich Handels AG,DE,,AEOS\n".encode()
    cp1252_part = "Œuvre Négoce SARL,FR,,\n".encode("cp1252")
    late = (
        (",".join(HEADER) + "\n" + ",".join(GOOD[1]) + "\n").encode()
        + b"\n" * (256 * 1024)
        + b"Late \xff Byte Ltd,DE,,AEOS\n"
    )
    late_row = 2 + 256 * 1024 + 1
    nul = (
        b"supp\x00lier,country,eori,aeo_tier\n"
        b"Nul\x00 Byte Ltd,GB,GB1002\x0000300000,\n"
        b"\x00\x00\x00,DE,,AEOS\n"
        b"Clean GmbH,DE,,AEOS\n"
    )
    controls: list[Record] = [
        HEADER,
        ["Bell\x07 Vertical\x0b Form\x0c Ltd", "GB", "", ""],
        ["Separators\x1c\x1d\x1e\x1f GmbH", "DE", "", "AEOS"],
        ["Line\u2028Separator\u2029 Next\u0085 SA", "FR", "", ""],
        ["Delete\x7f BV", "NL", "", "AEOC"],
    ]
    bidi: list[Record] = [
        HEADER,
        ["\u202eevil\u202c Ltd", "GB", "GB1002003\u200b00000", ""],
        ["Zero\u200dWidth\ufeff GmbH", "DE", "\u2066DE9000000000001\u2069", "AEOF"],
    ]
    return [
        report(
            "utf8-bom.csv",
            accented,
            "UTF-8 with a byte-order mark: the first header is still 'supplier'",
            encoding="utf-8-sig",
            values={"2": {"supplier": "Café Müller GmbH"}},
        ),
        report(
            "utf8-bom-semicolon.csv",
            accented,
            "UTF-8 BOM and semicolons, as European Excel saves 'CSV UTF-8'",
            encoding="utf-8-sig",
            delimiter=";",
            values={"3": {"supplier": "Société Générale Logistique"}},
        ),
        file_error(
            "utf16le-bom.csv",
            b"\xff\xfe" + csv_text(accented).encode("utf-16-le"),
            "UTF-16 LE with a byte-order mark (Excel 'Unicode Text'): refused clearly",
            "encoding",
        ),
        file_error(
            "utf16be-bom.csv",
            b"\xfe\xff" + csv_text(accented).encode("utf-16-be"),
            "UTF-16 BE with a byte-order mark: refused clearly",
            "encoding",
        ),
        report(
            "cp1252.csv",
            accented,
            "Windows-1252 (Excel 'CSV' on a Western Windows)",
            encoding="cp1252",
            values={"2": {"supplier": "Café Müller GmbH"}},
        ),
        report(
            "latin1-header.csv",
            [["Fournisseur", "Pays", "eori"], ["Hôtel SA", "FR", ""]],
            "ISO-8859-1: French headers (Fournisseur, Pays) and accented values",
            encoding="latin-1",
        ),
        report(
            "gb18030.csv",
            chinese,
            "Chinese in GB18030",
            encoding="gb18030",
            values={"2": {"supplier": "深圳合成电子有限公司"}},
        ),
        report(
            "shift-jis.csv",
            japanese,
            "Japanese in Shift-JIS",
            encoding="shift_jis",
            values={"2": {"supplier": "株式会社サンプル商事"}},
        ),
        Case(
            "mixed-utf8-cp1252.csv",
            (",".join(HEADER) + "\n").encode() + utf8_part + cp1252_part,
            "one row in UTF-8, the next in Windows-1252: both rows kept, none lost",
            expect="report",
            rows=[2, 3],
            row_errors={},
        ),
        Case(
            "invalid-utf8-after-sniff-window.csv",
            late,
            "valid UTF-8 for the first 256 KiB, then an invalid byte: replaced, not fatal",
            expect="report",
            rows=[2, late_row],
            row_errors={},
        ),
        Case(
            "nul-bytes.csv",
            nul,
            "NUL bytes in the header and in cells",
            expect="report",
            rows=[2, 3, 4],
            row_errors={},
            values={"4": {"supplier": "Clean GmbH"}},
        ),
        report("control-characters.csv", controls, "C0 controls, DEL, U+2028/2029 and NEL"),
        report(
            "bidi-and-zero-width.csv",
            bidi,
            "right-to-left override, zero-width and BOM characters in names and identifiers",
        ),
    ]


# -- headers and empty files -------------------------------------------------------------------


def headers() -> list[Case]:
    unknown: list[Record] = [["Vendor", "Land", "Nummer"], ["Alpha", "DE", "1"], ["Beta", "FR", ""]]
    spaced: list[Record] = [
        ["  Supplier Name ", " COUNTRY", "EORI Number", "AEO Tier  "],
        *GOOD[:2],
    ]
    return [
        file_error("empty.csv", b"", "a zero-byte file", "empty"),
        file_error("whitespace-only.csv", b" \n\t\r\n  \n", "only whitespace", "empty"),
        file_error("bom-only.csv", b"\xef\xbb\xbf", "only a UTF-8 byte-order mark", "empty"),
        file_error("nul-only.csv", b"\x00" * 64, "only NUL bytes", "empty"),
        report("header-only.csv", [HEADER], "a header and no rows: an empty report"),
        file_error(
            "blank-header.csv",
            b",,,\nAlpha Ltd,GB,,\n",
            "a header row whose cells are all empty",
            "no header row",
        ),
        Case(
            "leading-blank-line.csv",
            b"\n" + csv_text([HEADER, GOOD[0]]).encode(),
            "a blank first line above the header: the header is found on line 2",
            expect="report",
            rows=[3],
            row_errors={},
        ),
        file_error(
            "duplicated-header.csv",
            csv_text([["supplier", "country", "supplier"], ["A", "GB", "B"]]).encode(),
            "a duplicated column name",
            "duplicated column name(s) supplier",
        ),
        file_error(
            "duplicated-header-after-strip.csv",
            csv_text([["eori", " eori "], ["GB100200300000", "GB100200300017"]]).encode(),
            "two column names that differ only by spaces",
            "duplicated column name(s) eori",
        ),
        file_error(
            "unknown-headers.csv",
            csv_text(unknown).encode(),
            "no column carries an identifier or a scheme: stop, naming the headers",
            "no column carries an identifier or a scheme",
        ),
        report(
            "header-case-and-spaces.csv",
            spaced,
            "header names in other case, with spaces: still mapped",
            statuses={"2": "unverifiable"},
        ),
        report(
            "many-columns.csv",
            [HEADER + [f"extra {i}" for i in range(2_000)], GOOD[0] + ["x"] * 2_000],
            "2,004 columns",
        ),
    ]


# -- bad values in good files ------------------------------------------------------------------


def values() -> list[Case]:
    bad_country: list[Record] = [
        HEADER,
        GOOD[0],
        ["Bad Country GmbH", "Germny", "", "AEOS"],
        ["Digits Ltd", "12", "", ""],
        ["Emoji Ltd", "\U0001f1ec\U0001f1e7", "", ""],
        GOOD[1],
    ]
    roster_header = ["clinician", "npi", "licence type", "licence state", "hcpc", "bacp"]
    roster: list[Record] = [
        roster_header,
        ["Jane Synthetic", "1900000013", "psychologist", "CA", "", ""],
        ["Wizard Person", "", "wizard", "CA", "", ""],
        ["Alex Synthetic", "", "", "", "PYL000101", ""],
        ["Sam Synthetic", "", "", "", "", "009001"],
    ]
    junk: list[Record] = [
        HEADER,
        ["Short EORI", "GB", "GB12", ""],
        ["Symbols EORI", "DE", "DE@@@@#####", ""],
        ["Emoji EORI", "DE", "DE\U0001f4a5123456789", ""],
        ["Full-width EORI", "GB", "\uff27\uff22\uff11\uff12\uff13", ""],
        ["Huge EORI", "DE", "DE" + "9" * 10_000, ""],
        ["SQL EORI", "DE", "DE1'; DROP TABLE batch_rows;--", ""],
        ["Tier Nonsense", "DE", "", "PLATINUM"],
        ["Cyrillic EORI", "DE", "D\u0415123456789", ""],
    ]
    junk_numbers: list[Record] = [
        ["clinician", "npi", "hcpc", "bacp"],
        ["Bad Check Digit", "1234567890", "", ""],
        ["Letters NPI", "NPI-ABC", "", ""],
        ["Bad HCPC", "", "XYZ123", ""],
        ["Bad BACP", "", "", "not-a-number"],
        ["Negative NPI", "-1900000013", "", ""],
    ]
    injection: list[Record] = [
        HEADER,
        ['=HYPERLINK("http://x.invalid","click")', "GB", "", ""],
        ["+1+1", "DE", "", "AEOS"],
        ["-2+3", "FR", "", ""],
        ["@SUM(1+1)", "NL", "", ""],
        ["\t=1+1", "GB", "", ""],
        ["\r=1+1", "DE", "", ""],
        ["<script>alert(1)</script>", "FR", "", ""],
        ["<img src=x onerror=alert(1)>", "NL", "", ""],
    ]
    duplicates: list[Record] = [HEADER, GOOD[0], GOOD[0], GOOD[0], GOOD[1], GOOD[1]]
    return [
        report(
            "bad-country.csv",
            bad_country,
            "country cells that are not ISO codes: a per-row error naming the column",
            row_errors={
                3: "column country: unknown place",
                4: "column country: unknown place",
                5: "column country: unknown place",
            },
        ),
        report(
            "roster-unknown-licence.csv",
            roster,
            "a clinician roster with an unknown licence type: a per-row error",
            row_errors={3: "unknown scheme 'wizard'"},
        ),
        report(
            "junk-eori.csv",
            junk,
            "junk EORIs and tiers: each row verified as invalid or unverifiable, never lost",
            statuses={str(n): "invalid" for n in range(2, 8)} | {"9": "invalid"},
            row_errors={8: "unknown tier"},
        ),
        report(
            "junk-practitioner-numbers.csv",
            junk_numbers,
            "junk NPI, HCPC and BACP numbers",
            statuses={"2": "invalid", "3": "invalid"},
        ),
        report(
            "formula-injection.csv",
            injection,
            "cells starting with = + - @ tab CR, and markup: kept as text",
            values={"2": {"supplier": '=HYPERLINK("http://x.invalid","click")'}},
        ),
        report(
            "duplicate-rows.csv",
            duplicates,
            "the same row five times: five rows out, not one",
        ),
        Case(
            "one-mb-cell.csv",
            (
                ",".join(HEADER)
                + "\n"
                + ",".join(GOOD[0])
                + "\n"
                + "A" * 1_048_576
                + ",DE,,AEOS\n"
                + ",".join(GOOD[1])
                + "\n"
            ).encode(),
            "a 1 MiB cell: the row is read (or refused with a per-row error), the batch goes on",
            expect="report",
            rows=[2, 3, 4],
            row_errors={},
            may_error=["3"],
        ),
        Case(
            "huge-quoted-tail.csv",
            (",".join(HEADER) + "\n" + ",".join(GOOD[0]) + '\n"' + "x," * 100_000).encode(),
            "an unterminated quote followed by 200 KB: the rest is one oversized cell",
            expect="report",
            rows=[2, 3],
            row_errors={"3": ""},
        ),
    ]


# -- not CSV at all ---------------------------------------------------------------------------


def impostors() -> list[Case]:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr(zipfile.ZipInfo("content.xml", FIXED_TIME.timetuple()[:6]), "<x/>")
    return [
        file_error(
            "legacy-excel.xls",
            ole2,
            "an Excel 97-2003 .xls (OLE2) file: not a CSV, refused clearly",
            "encoding",
        ),
        file_error(
            "opendocument.ods",
            zipped.getvalue(),
            "an OpenDocument spreadsheet (a zip): refused clearly",
            "encoding",
        ),
        file_error(
            "not-a-workbook.xlsx",
            b"supplier,country\nAlpha,GB\n",
            "a CSV renamed .xlsx",
            "not a readable Excel workbook",
        ),
        file_error(
            "truncated-workbook.xlsx",
            _workbook([HEADER, *GOOD])[:700],
            "a workbook cut short",
            "not a readable Excel workbook",
        ),
    ]


# -- XLSX ------------------------------------------------------------------------------------


def _workbook(
    rows: Sequence[Sequence[Any]], *, extra: Callable[[Any], None] | None = None
) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "suppliers"
    for row in rows:
        sheet.append(list(row))
    if extra is not None:
        extra(workbook)
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "credverify corpus"
    raw = io.BytesIO()
    workbook.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps (and the document's own dates fixed), so the
    bytes do not depend on when the script ran."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _fixed_core(body)
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, body)
    return out.getvalue()


def _fixed_core(body: bytes) -> bytes:
    import re

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    pattern = rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)"
    return re.sub(pattern, rb"\g<1>" + stamp + rb"\2", body)


def xlsx_report(
    name: str, sheet_rows: Sequence[Sequence[Any]], exercises: str, **expect: Any
) -> Case:
    numbers = [
        n
        for n, row in enumerate(sheet_rows, start=1)
        if n > 1 and any(v is not None and str(v).strip() for v in row)
    ]
    extra = expect.pop("extra", None)
    expect.setdefault("row_errors", {})
    return Case(
        name,
        _workbook(sheet_rows, extra=extra),
        exercises,
        expect="report",
        rows=expect.pop("rows", numbers),
        **expect,
    )


def workbooks() -> list[Case]:
    from openpyxl.worksheet.formula import ArrayFormula

    formulas = [
        HEADER,
        ["=1+1", "GB", "", ""],
        ['=HYPERLINK("http://x.invalid","click")', "DE", "", "AEOS"],
        ['=CONCATENATE("GB","100200300000")', "GB", '="GB"&"100200300000"', ""],
        ['=cmd|" /C calc"!A0', "FR", "", ""],
        ["Plain Name Ltd", '="NL"', "", "AEOC"],
    ]

    def array_formula(workbook: Any) -> None:
        sheet = workbook.active
        sheet["A8"] = ArrayFormula("A8:A8", "=SUM(1,2)")
        sheet["B8"] = "DE"

    typed: list[list[Any]] = [
        HEADER,
        [12345, "DE", 100200300000, None],
        [3.5, "FR", None, True],
        [datetime(2026, 1, 2, 3, 4, 5), "NL", None, False],
        ["  ", None, None, None],
        [None, "GB", "GB100200300000", None],
    ]
    blank: list[Any] = [None] * 4
    gaps: list[list[Any]] = [HEADER, GOOD[0], blank, blank, GOOD[1], [None, None], GOOD[2]]
    ragged: list[list[Any]] = [HEADER, GOOD[0][:2], [*GOOD[1], "stray", "cells"], GOOD[2]]
    injection = [
        HEADER,
        ["+1+1", "GB", "", ""],
        ["-2+3", "DE", "", ""],
        ["@SUM(1+1)", "FR", "", ""],
        ["\t=1+1", "NL", "", ""],
    ]

    def second_sheet(workbook: Any) -> None:
        other = workbook.create_sheet("notes")
        other.append(["not", "read"])
        other.append(["ignored", "row"])

    return [
        xlsx_report("ok.xlsx", [HEADER, *GOOD], "a clean workbook (the XLSX baseline)"),
        xlsx_report(
            "formulas.xlsx",
            formulas,
            "cells that hold formulas: read as their text, never evaluated, every row kept",
            values={"2": {"supplier": "=1+1"}},
            row_errors={"6": "column country: unknown place"},
        ),
        xlsx_report(
            "array-formula.xlsx",
            [*formulas, [None] * 4],
            "an array formula cell, past a blank row",
            extra=array_formula,
            rows=[2, 3, 4, 5, 6, 8],
            row_errors={"6": "column country: unknown place"},
        ),
        xlsx_report(
            "typed-cells.xlsx",
            typed,
            "numbers, floats, dates and booleans where text is expected",
            rows=[2, 3, 4, 6],
            row_errors={"3": "unknown tier 'True' of eu.aeo", "4": "unknown tier"},
        ),
        xlsx_report("blank-rows.xlsx", gaps, "blank rows between data rows: skipped, counted"),
        xlsx_report(
            "ragged-rows.xlsx",
            ragged,
            "rows shorter and longer than the header",
        ),
        xlsx_report("formula-injection.xlsx", injection, "+ - @ tab at the start of cells"),
        xlsx_report("header-only.xlsx", [HEADER], "a header and no rows: an empty report"),
        xlsx_report(
            "two-sheets.xlsx",
            [HEADER, *GOOD[:2]],
            "a second sheet that is not read",
            extra=second_sheet,
        ),
        Case(
            "empty-workbook.xlsx",
            _workbook([]),
            "a workbook with no cells",
            expect="file-error",
            message="no header row",
        ),
        Case(
            "duplicated-header.xlsx",
            _workbook([["supplier", "country", "supplier"], ["A", "GB", "B"]]),
            "a duplicated column name, in a workbook",
            expect="file-error",
            message="duplicated column name(s) supplier",
        ),
    ]


def cases() -> list[Case]:
    every = [*dialects(), *encodings(), *headers(), *values(), *impostors(), *workbooks()]
    for case in every:
        prefix = case.expect.pop("prefix", None)
        if prefix is not None:  # a byte-order mark the codec does not write itself
            case.data = bytes.fromhex(prefix) + case.data
    names = [c.name for c in every]
    assert len(names) == len(set(names)), "two corpus files share a name"
    return every


def build(folder: Path) -> dict[str, Any]:
    """Write every corpus file and ``manifest.json`` into ``folder``; return the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {}
    for case in cases():
        (folder / case.name).write_bytes(case.data)
        manifest[case.name] = case.manifest()
    text = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


if __name__ == "__main__":
    written = build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(f"{len(written)} corpus files written")
