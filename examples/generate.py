"""Write the SYNTHETIC example inputs, ``suppliers.csv`` and ``clinicians.csv``, from the demo
registry (``registries/snapshots/demo/``), so that their rows meet the demo data the way real lists
meet real registries: exact entries, typos, other scripts, wrong tiers, missing and malformed
identifiers, entries the registry does not hold, and hostile cells.

    .venv/bin/python registries/snapshots/demo/generate.py   # first, if the demo data changed
    .venv/bin/python examples/generate.py

Deterministic (fixed seed): a run rewrites the same bytes. What each row exercises is in its
``notes`` column and in ``README.md``.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

from stdnum import luhn
from stdnum.cn import uscc
from stdnum.jp import cn as corporate_number

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "registries" / "snapshots" / "demo"
SEED = 20261130
rng = random.Random(SEED)

SUPPLIER_COLUMNS = (
    "supplier", "country", "eori", "aeo_number", "aeo_tier", "uscc", "corporate_number", "notes",
)  # fmt: skip
CLINICIAN_COLUMNS = (
    "name", "licence_type", "licence_state", "npi", "hcpc_number", "bacp_number", "psypact",
    "notes",
)  # fmt: skip
COUNTRY_CODES = {
    "Germany": "DE", "Netherlands": "NL", "France": "FR", "Belgium": "BE", "Italy": "IT",
    "Spain": "ES", "Poland": "PL", "Austria": "AT", "Denmark": "DK", "Ireland": "IE",
    "Czechia": "CZ",
}  # fmt: skip
JP_TIERS = {
    "特定輸出者": "exporter", "特例輸入者": "importer", "特定保税承認者": "warehouse",
    "認定通関業者": "customs-broker", "特定保税運送者": "logistics", "認定製造者": "manufacturer",
}  # fmt: skip


def read_csv(name: str) -> list[dict[str, str]]:
    with (DEMO / name).open(encoding="utf-8-sig", newline="") as text:
        return list(csv.DictReader(text))


def read_json(name: str) -> Any:
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


def typo(name: str) -> str:
    """One slip in the first long word: two letters swapped, or one dropped."""
    words = name.split(" ")
    index = next(i for i, w in enumerate(words) if len(w) >= 5)
    word = words[index]
    at = rng.randint(1, len(word) - 3)
    if rng.random() < 0.5:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:
        word = word[:at] + word[at + 1 :]
    words[index] = word
    return " ".join(words)


def digits(count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def aeo_number(country: str, tier: str) -> str:
    """An invented EU AEO authorisation number: issuer, type, national part."""
    return f"{country}{tier}{digits(rng.randint(5, 10))}"


def absent_uscc() -> str:
    body = "91" + rng.choice(("440300", "310115", "330200")) + "MAXYW" + digits(4)
    return body + uscc.calc_check_digit(body)


def absent_corporate_number() -> str:
    base = "0104" + "01" + "98" + digits(4)
    return corporate_number.calc_check_digit(base) + base


def absent_npi() -> str:
    body = "1" + digits(8)
    return body + luhn.calc_check_digit("80840" + body)


def bad_check(number: str, alphabet: str = "0123456789") -> str:
    """The number with its last character changed: the check digit no longer matches."""
    return number[:-1] + next(c for c in alphabet if c != number[-1])


# -- suppliers -------------------------------------------------------------------------------------


def suppliers() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []

    def add(supplier: str, country: str = "", notes: str = "", **fields: str) -> None:
        rows.append({"supplier": supplier, "country": country, "notes": notes, **fields})

    # EU: the directory shows holder, type, country and date, never a number.
    eu = read_csv("eu-aeo.csv")
    rng.shuffle(eu)
    for holder in eu[:30]:
        code, tier = COUNTRY_CODES[holder["issuingCountry"]], holder["authorisation.type"]
        note = "EU AEO, listed; tier as held"
        if tier == "AEOC":
            note = "EU AEOC only: customs simplifications, no security benefits"
        add(holder["authorisationHolderName"], code, note,
            aeo_number=aeo_number(code, tier), aeo_tier=tier)  # fmt: skip
    for holder in eu[30:38]:
        code, tier = COUNTRY_CODES[holder["issuingCountry"]], holder["authorisation.type"]
        add(typo(holder["authorisationHolderName"]), code, "EU AEO; typo in the name",
            aeo_number=aeo_number(code, tier), aeo_tier=tier)  # fmt: skip
    aeoc = [h for h in eu[38:] if h["authorisation.type"] == "AEOC"]
    for holder in aeoc[:5]:
        code = COUNTRY_CODES[holder["issuingCountry"]]
        add(holder["authorisationHolderName"], code, "claims AEOS; the directory shows AEOC only",
            aeo_number=aeo_number(code, "AEOS"), aeo_tier="AEOS")  # fmt: skip
    rest = [h for h in eu[38:] if h not in aeoc[:5]]
    for holder in rest[:4]:
        code, tier = COUNTRY_CODES[holder["issuingCountry"]], holder["authorisation.type"]
        name = holder["authorisationHolderName"].upper().rsplit(" ", 1)[0]
        add(name, code.lower(), "EU AEO; upper case, legal form left out, country in lower case",
            aeo_tier=tier)  # fmt: skip
    for holder in rest[4:7]:
        code, tier = COUNTRY_CODES[holder["issuingCountry"]], holder["authorisation.type"]
        add(holder["authorisationHolderName"], code, "EU AEO; number but no tier given",
            aeo_number=aeo_number(code, tier))  # fmt: skip
    absent = (
        ("Quarzhaven Handel GmbH", "DE"), ("Ijsselkade Overslag B.V.", "NL"),
        ("Papeterie Lumièrebois SAS", "FR"), ("Scheldeweg Koeltransport NV", "BE"),
        ("Officine Pietrabianca S.r.l.", "IT"), ("Aceites Valdecanto S.L.", "ES"),
        ("Bursztynowa Przystań Sp. z o.o.", "PL"), ("Eisenwurz Armaturen GmbH", "AT"),
        ("Hvidklint Emballage A/S", "DK"), ("Glenmoher Dairy Exports Limited", "IE"),
    )  # fmt: skip
    for name, code in absent:
        tier = rng.choice(("AEOC", "AEOS", "AEOF"))
        add(name, code, "EU AEO claimed; not in the demo directory",
            aeo_number=aeo_number(code, tier), aeo_tier=tier)  # fmt: skip
    for holder in rest[7:10]:
        code = COUNTRY_CODES[holder["issuingCountry"]]
        add(holder["authorisationHolderName"], code,
            "EU EORI: the demo registry holds no eu.eori data (unverifiable), AEO by name",
            eori=f"{code}{digits(12)}", aeo_tier=holder["authorisation.type"])  # fmt: skip
    add(rest[10]["authorisationHolderName"], rest[10]["issuingCountry"],
        "country written out, not an ISO code: the row is reported as an input error",
        aeo_tier=rest[10]["authorisation.type"])  # fmt: skip

    # China: the GACC list, in Chinese only.
    cn = read_json("cn-credit.json")["data"]["copInfoList"]
    advanced = [e for e in cn if e["manaType"] == "0"]
    for entry in advanced[:22]:
        add(entry["nameSaic"], "CN", "Advanced Certified Enterprise (高级认证企业)",
            uscc=entry["socialCreditCode"], aeo_tier="advanced")  # fmt: skip
    rotterdam = next(e for e in cn if e["manaType"] == "1" and e["manatypeUseTime"] < "2021-11-01")
    add(rotterdam["nameSaic"], "CN",
        "Rotterdam case: General Certified (一般认证企业) since "
        f"{rotterdam['manatypeUseTime']}; the level was abolished on 2021-11-01 and the EU "
        "recognises Advanced Certified only", uscc=rotterdam["socialCreditCode"],
        aeo_tier="general")  # fmt: skip
    for entry in [e for e in cn if e["manaType"] == "1" and e is not rotterdam]:
        add(entry["nameSaic"], "CN", "claims General Certified granted after Order 251: not AEO",
            uscc=entry["socialCreditCode"], aeo_tier="general")  # fmt: skip
    for entry in [e for e in cn if e["manaType"] in ("B", "C")][:2]:
        add(entry["nameSaic"], "CN", f"claims advanced; the list shows credit level "
            f"{entry['manaType']} (not an AEO level)", uscc=entry["socialCreditCode"],
            aeo_tier="advanced")  # fmt: skip
    for entry in advanced[22:24]:
        add(entry["nameSaic"].removesuffix("有限公司"), "CN", "legal form 有限公司 left out",
            uscc=entry["socialCreditCode"], aeo_tier="advanced")  # fmt: skip
    entry = advanced[24]
    name = entry["nameSaic"]
    add(name[:2] + name[3] + name[2] + name[4:], "CN", "two characters swapped in the name",
        uscc=entry["socialCreditCode"], aeo_tier="advanced")  # fmt: skip
    english_names = ("Ruitai Electronics", "Hongxiang Trading")
    for entry, english in zip(advanced[25:27], english_names, strict=True):
        add(f"{english} Co., Ltd.", "CN", "English name only: the GACC list is in Chinese",
            uscc=entry["socialCreditCode"], aeo_tier="advanced")  # fmt: skip
    for entry in advanced[27:29]:
        add(entry["nameSaic"], "CN", "USCC with a wrong check character: invalid, no lookup",
            uscc=bad_check(entry["socialCreditCode"], "0123456789ABCDEFGHJKLMNPQRTUWXY"),
            aeo_tier="advanced")  # fmt: skip
    for n in range(3):
        add(f"{rng.choice(('深圳', '厦门', '天津'))}未列{'甲乙丙'[n]}贸易有限公司", "CN",
            "valid USCC that the demo list does not hold", uscc=absent_uscc(),
            aeo_tier="advanced")  # fmt: skip
    for entry in advanced[29:32]:
        add(entry["nameSaic"], "CN", "no USCC: found by name only", aeo_tier="advanced")
    for entry in advanced[34:36]:
        add(entry["nameSaic"], "CN", "USCC only, no tier claimed", uscc=entry["socialCreditCode"])
    entry = advanced[32]
    spaced = entry["socialCreditCode"].lower()
    add(entry["nameSaic"], "CN", "USCC in lower case with spaces",
        uscc=f"{spaced[:6]} {spaced[6:12]} {spaced[12:]}", aeo_tier="advanced")  # fmt: skip
    entry = advanced[33]
    add(entry["nameSaic"], "CN", "Advanced Certified, tier written in capitals",
        uscc=entry["socialCreditCode"], aeo_tier="ADVANCED")  # fmt: skip

    # Japan: one row per authorisation; a supplier claims one category.
    jp = read_csv("jp-aeo.csv")
    operators = list({r["法人番号"]: r for r in jp}.values())
    for row in operators[:14]:
        add(row["事業者名"], "JP", "Japanese AEO, Japanese name", corporate_number=row["法人番号"],
            aeo_tier=JP_TIERS[row["区分"]])  # fmt: skip
    for row in operators[14:20]:
        add(row["英語名"], "JP", "Japanese AEO, English name", corporate_number=row["法人番号"],
            aeo_tier=JP_TIERS[row["区分"]])  # fmt: skip
    for row in operators[20:22]:
        number = row["法人番号"]
        add(row["事業者名"], "JP", "Corporate Number written with hyphens",
            corporate_number=f"{number[0]}-{number[1:5]}-{number[5:9]}-{number[9:]}",
            aeo_tier=JP_TIERS[row["区分"]])  # fmt: skip
    held = {(r["法人番号"], JP_TIERS[r["区分"]]) for r in jp}
    for row in operators[22:24]:
        other = next(t for t in JP_TIERS.values() if (row["法人番号"], t) not in held)
        add(row["事業者名"], "JP", f"claims {other}; not held in that category",
            corporate_number=row["法人番号"], aeo_tier=other)  # fmt: skip
    row = operators[24]
    add(row["事業者名"], "JP", "Corporate Number with a wrong check digit: invalid",
        corporate_number=str((int(row["法人番号"][0]) % 9) + 1) + row["法人番号"][1:],
        aeo_tier=JP_TIERS[row["区分"]])  # fmt: skip
    for n in range(2):
        add(f"ミライ{'一二'[n]}商事株式会社", "JP", "valid Corporate Number not in the demo lists",
            corporate_number=absent_corporate_number(), aeo_tier="exporter")  # fmt: skip
    for row in operators[26:32]:
        add(row["事業者名"], "JP", "Corporate Number only, no category claimed",
            corporate_number=row["法人番号"])  # fmt: skip
    row = operators[25]
    wide = row["英語名"].translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    add(wide, "JP", "English name in full-width letters", corporate_number=row["法人番号"],
        aeo_tier=JP_TIERS[row["区分"]])  # fmt: skip

    # GB: HMRC's EORI check, and UK AEO claims the demo registry cannot check.
    gb = read_json("gb-eori.json")
    named = [a for a in gb if a["valid"] and "companyDetails" in a]
    for answer in named[:20]:
        add(answer["companyDetails"]["traderName"], "GB", "GB EORI, valid, name shared",
            eori=answer["eori"])  # fmt: skip
    for answer in named[20:24]:
        add(typo(answer["companyDetails"]["traderName"]), "GB", "GB EORI; typo in the name",
            eori=answer["eori"])  # fmt: skip
    for answer in named[24:27]:
        eori = answer["eori"]
        add(answer["companyDetails"]["traderName"], "GB", "EORI written with spaces",
            eori=f"{eori[:2]} {eori[2:5]} {eori[5:8]} {eori[8:11]} {eori[11:]}")  # fmt: skip
    hidden = [a for a in gb if a["valid"] and "companyDetails" not in a]
    towns = ("Harrowgate", "Kestermoor", "Lydbrook", "Pennicott")
    for answer, town in zip(hidden, towns, strict=True):
        add(f"{town} Supplies Ltd", "GB", "valid EORI; the trader did not share its name",
            eori=answer["eori"])  # fmt: skip
    refused = [a for a in gb if not a["valid"]][:2]
    for answer, name in zip(refused, ("Quillfield", "Sallowmere"), strict=True):
        add(f"{name} Components Ltd", "GB", "HMRC answers valid: false", eori=answer["eori"])
    for eori, name in (("GB12345678", "Marrowby"), ("GB1234567890123456", "Thistlecombe")):
        add(f"{name} Freight Ltd", "GB", "malformed EORI: invalid, no lookup", eori=eori)
    for n in range(3):
        add(f"Tenterbrook Trading {n + 1} Ltd", "GB", "well-formed EORI not in the demo data",
            eori=f"GB{digits(9)}000")  # fmt: skip
    add("Ballyfarne Packaging Ltd", "XI", "Northern Ireland EORI: not in the demo data",
        eori=f"XI{digits(9)}000")  # fmt: skip
    for answer in named[27:30]:
        add(answer["companyDetails"]["traderName"], "GB",
            "UK AEO claimed: the demo registry holds no gb.aeo data (unverifiable)",
            eori=answer["eori"], aeo_number=f"GBAEOF{digits(9)}", aeo_tier="AEOF")  # fmt: skip
    for name in ("Westerleigh Tools Ltd", "Crannock Mills Ltd"):
        add(name, "GB", "no identifier at all: nothing to check")
    add("", "GB", "no supplier name, only an EORI", eori=named[30]["eori"])
    add('=HYPERLINK("http://x","y")', "GB",
        "formula in the name cell: reports must neutralise it", eori=named[31]["eori"])  # fmt: skip

    # Elsewhere: schemes the demo registry does not hold, or no claim at all.
    for name, country, tier in (
        ("Cascade Ridge Outfitters Inc", "US", "tier-2"), ("Bluewater Gasket Co", "US", "tier-3"),
        ("Prairie Lantern Corp", "US", ""), ("Hollow Oak Imports LLC", "US", ""),
        ("Alpenblick Uhren AG", "CH", ""), ("Anadolu Örnek Tekstil A.Ş.", "TR", ""),
        ("Sahyadri Sample Exports Pvt Ltd", "IN", ""), ("Công ty TNHH Mẫu Thử", "VN", ""),
        ("가상무역 주식회사", "KR", ""), ("Maquilas Ficticias S.A. de C.V.", "MX", ""),
    ):  # fmt: skip
        note = "US CTPAT claimed: attestation only, not in the demo registry" if tier else ""
        add(name, country, note or "no identifier; a scheme outside the demo", aeo_tier=tier)
    add("<script>alert(1)</script>", "DE", "markup in the name: reports must escape it",
        aeo_tier="AEOC")  # fmt: skip
    # The Rotterdam case first, so the end-of-run summary shows it among the rows with a blocker.
    first = next(i for i, r in enumerate(rows) if r["notes"].startswith("Rotterdam case"))
    rows.insert(0, rows.pop(first))
    rows.append(dict(rows[0]))  # an exact duplicate: looked up once, reported twice
    rows[-1]["notes"] = "duplicate of row 2 (the same claims)"
    return rows


# -- clinicians ------------------------------------------------------------------------------------

LICENCE_TYPES = {"PSY": "psychologist", "LPC": "counselor", "LCSW": "social worker", "LMFT": "mft"}


def clinicians() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []

    def add(name: str, notes: str, **fields: str) -> None:
        rows.append({"name": name, "notes": notes, **fields})

    nppes = read_json("nppes.json")["results"]
    people = [r for r in nppes if r["enumeration_type"] == "NPI-1"]
    psypact = {(p["First Name"], p["Last Name"]): p for p in read_csv("psypact.csv")}
    leie = read_csv("leie.csv")
    excluded_npis = {r["NPI"] for r in leie}

    def person(result: dict[str, Any]) -> tuple[str, str, str, str]:
        basic, taxonomy = result["basic"], result["taxonomies"][0]
        first, last = basic["first_name"].title(), basic["last_name"].title()
        kind = taxonomy["license"].rstrip("0123456789")
        return first, last, LICENCE_TYPES[kind], taxonomy["state"]

    count = {"psychologist": 0, "other": 0}
    for result in people:
        first, last, licence, state = person(result)
        number = str(result["number"])
        authority = psypact.get((first, last))
        if number in excluded_npis:
            add(f"{first} {last}", "on the OIG exclusion list with this NPI: screening match",
                licence_type=licence, licence_state=state, npi=number)  # fmt: skip
            continue
        group = "psychologist" if licence == "psychologist" else "other"
        if count[group] >= (14 if group == "psychologist" else 6):
            continue
        count[group] += 1
        note = "US clinician: NPI in NPPES; state licence not in the demo registry"
        fields = {"licence_type": licence, "licence_state": state, "npi": number}
        if authority is not None:
            fields["psypact"] = authority["Authority"]
            note += f"; PSYPACT {authority['Authority']}"
            if authority["Expires"] < "2026":
                note += " (expired)"
        add(f"{first} {last}", note, **fields)
    first, last, licence, state = person(people[0])
    add(f"Dr. {first} {last}, PsyD", "title and credential around the name",
        licence_type=licence, licence_state=state, npi=str(people[0]["number"]))  # fmt: skip
    for n in range(2):
        first, last, licence, state = person(people[n + 1])
        add(
            f"{first} {last}",
            "NPI with a wrong check digit: invalid, no lookup",
            licence_type=licence,
            licence_state=state,
            npi=bad_check(str(people[n + 1]["number"])),
        )
    for name in ("Corwin Aldermoor", "Selka Brightwater"):
        add(name, "valid NPI that NPPES (demo) does not hold", licence_type="counselor",
            licence_state="US-OR", npi=absent_npi())  # fmt: skip
    add("Perrin Holloway-Vance", "claims PSYPACT APIT; not on the list",
        licence_type="psychologist", licence_state="CO", psypact="APIT")  # fmt: skip
    excluded = next(
        r
        for r in leie
        if r["LASTNAME"] and r["NPI"] == "0000000000" and r["REINDATE"] == "00000000"
    )
    add(f"{excluded['FIRSTNAME'].title()} {excluded['LASTNAME'].title()}",
        "excluded by OIG (no NPI on the list): same name and state, screening match",
        licence_type="counselor", licence_state=excluded["STATE"])  # fmt: skip
    other_state = next(s for s in ("WA", "TX", "FL") if s != excluded["STATE"])
    add(f"{excluded['FIRSTNAME'].title()} {excluded['LASTNAME'].title()}",
        "same name as an excluded person, another state: potential match to review",
        licence_type="counselor", licence_state=other_state)  # fmt: skip

    # UK registers.
    hcpc = read_csv("hcpc.csv")
    registered = [r for r in hcpc if r["Status"] == "Registered"]
    for row in registered[:5] + [r for r in hcpc if r["Status"] != "Registered"]:
        add(row["Name"], f"HCPC {row['Status'].lower()}; {row['Modalities']}",
            hcpc_number=row["Registration number"])  # fmt: skip
    add("Isolde Marchbank", "HCPC number too long: invalid", hcpc_number="PYL1234567")
    add("Juno Fairweather", "HCPC number the demo register does not hold", hcpc_number="PYL000001")
    bacp = read_csv("bacp.csv")
    for row in bacp[:4] + [r for r in bacp if r["Status"]]:
        status = row["Status"] or row["Membership category"]
        add(row["Name"], f"BACP {status}", bacp_number=row["Membership number"])
    add("Hester Quayle", "BACP number the demo register does not hold", bacp_number="099999")
    return rows


def write(name: str, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    write("suppliers.csv", SUPPLIER_COLUMNS, suppliers())
    write("clinicians.csv", CLINICIAN_COLUMNS, clinicians())


if __name__ == "__main__":
    main()
