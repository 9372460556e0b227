"""Write the SYNTHETIC demo registry: one file per source, each in that registry's real format.

    .venv/bin/python registries/snapshots/demo/generate.py

Every name and number is invented (names from invented syllables, identifiers made to pass their
check digits), with a fixed seed, so a run rewrites the same bytes. The files are committed; rerun
this script after changing it and commit what it writes. ``examples/generate.py`` reads these files
to build the example supplier list and clinician roster, so regenerate the examples afterwards.
What each file holds and which format it follows: ``README.md`` in this folder.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path

from stdnum import luhn
from stdnum.cn import uscc
from stdnum.jp import cn as corporate_number

HERE = Path(__file__).resolve().parent
SEED = 20261129
rng = random.Random(SEED)

# -- invented names --------------------------------------------------------------------------------

SYLLABLES = (
    "bra", "ven", "tor", "lis", "mar", "ko", "del", "fen", "ru", "sta", "wel", "dor", "qui",
    "zan", "mel", "gra", "hol", "ves", "tam", "cor", "nix", "bel", "ost", "pel", "ra", "sil",
)  # fmt: skip
FIRST_NAMES = (
    "Aldric", "Brisa", "Caelen", "Dorit", "Embry", "Fallon", "Gwenda", "Hollis", "Isolde",
    "Jorah", "Kestrel", "Liora", "Marlo", "Nevin", "Odessa", "Perrin", "Quilla", "Rowan", "Sabra",
    "Tamsin", "Ulric", "Vesna", "Wynne", "Xanthe", "Yarrow", "Zephyr", "Anouk", "Bastien",
    "Celyn", "Delphine", "Esmé", "Florian", "Greer", "Hester", "Ingram", "Juno",
)  # fmt: skip
SURNAME_ENDINGS = ("ton", "ley", "wick", "sen", "more", "ford", "vane", "dale", "holt", "by")
TOWNS = ("Sampleville", "Example Falls", "Testport", "Placeholder City", "Mockton", "Demo Springs")
US_STATES = ("CA", "NY", "TX", "CO", "GA", "FL", "WA", "IL", "AZ", "PA", "OH", "MN", "NC", "VA")


def coined(parts: int = 2) -> str:
    """An invented word: two or three syllables."""
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def person() -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), coined() + rng.choice(SURNAME_ENDINGS)


def day(first_year: int, last_year: int) -> tuple[int, int, int]:
    return rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28)


# -- identifiers that pass their checks ------------------------------------------------------------


def npi() -> str:
    """Luhn over 80840 + the nine digits (the CMS rule); starts with 1 as issued NPIs do."""
    body = "1" + "".join(rng.choice("0123456789") for _ in range(8))
    return body + luhn.calc_check_digit("80840" + body)


def make_uscc(division: str) -> str:
    """91 (enterprise) + division + a 9-character organisation code marked MADEM (demo) + check."""
    body = "91" + division + "MADEM" + "".join(rng.choice("0123456789") for _ in range(4))
    return body + uscc.calc_check_digit(body)


def make_corporate_number(office: str) -> str:
    """Check digit + registry office (4) + type 01 (stock company) + a serial starting 99."""
    base = office + "01" + "99" + "".join(rng.choice("0123456789") for _ in range(4))
    return corporate_number.calc_check_digit(base) + base


def gb_eori_number() -> str:
    """GB + a nine-digit VAT-like number + 000, the usual shape for VAT-registered traders."""
    return "GB" + str(rng.randint(100_000_000, 999_999_999)) + "000"


def unique(make: Callable[[], str], seen: set[str]) -> str:
    """A value ``make`` gives that was not given before."""
    while (value := make()) in seen:
        pass
    seen.add(value)
    return value


# -- EU AEO directory: its result fields as CSV ----------------------------------------------------

EU_COUNTRIES = (
    ("DE", "Germany", ("GmbH", "AG", "GmbH & Co. KG"), ("Logistik", "Maschinenbau", "Handel")),
    ("NL", "Netherlands", ("B.V.", "N.V."), ("Expeditie", "Logistics", "Trading")),
    ("FR", "France", ("SAS", "SARL", "S.A."), ("Transports", "Industries", "Négoce")),
    ("BE", "Belgium", ("NV", "BV", "SRL"), ("Forwarding", "Chemicals", "Distribution")),
    ("IT", "Italy", ("S.r.l.", "S.p.A."), ("Spedizioni", "Meccanica", "Tessile")),
    ("ES", "Spain", ("S.L.", "S.A."), ("Logística", "Componentes", "Exportaciones")),
    ("PL", "Poland", ("Sp. z o.o.", "S.A."), ("Spedycja", "Elektronika", "Meble")),
    ("AT", "Austria", ("GmbH",), ("Spedition", "Technik")),
    ("DK", "Denmark", ("A/S", "ApS"), ("Shipping", "Foods")),
    ("IE", "Ireland", ("Limited", "DAC"), ("Freight", "Pharma")),
    ("CZ", "Czechia", ("s.r.o.", "a.s."), ("Logistika", "Strojírny")),
)  # fmt: skip
EU_WEIGHTS = (14, 12, 8, 5, 5, 4, 3, 2, 2, 2, 1)
AEO_TYPES = ("AEOC", "AEOS", "AEOF")


def eu_aeo() -> list[dict[str, str]]:
    rows, seen = [], set()
    for _ in range(60):
        code, country, forms, trades = rng.choices(EU_COUNTRIES, EU_WEIGHTS)[0]
        name = unique(lambda t=trades, f=forms: f"{coined()} {rng.choice(t)} {rng.choice(f)}", seen)
        y, m, d = day(2009, 2025)
        rows.append({
            "authorisationHolderName": name,
            "issuingCountry": country,
            "competentCustomsAuthority": f"{code}{rng.randint(1, 9999):06d}",
            "authorisation.type": rng.choices(AEO_TYPES, (40, 25, 35))[0],
            "effectiveDate": f"{d:02d}/{m:02d}/{y}",
        })  # fmt: skip
    return rows


# -- China: GACC credit platform, queryList JSON ---------------------------------------------------

CN_CITIES = (
    ("深圳", "440300", "深圳海关"), ("上海", "310115", "上海海关"), ("宁波", "330200", "宁波海关"),
    ("青岛", "370200", "青岛海关"), ("苏州", "320500", "南京海关"), ("广州", "440100", "广州海关"),
    ("厦门", "350200", "厦门海关"), ("天津", "120000", "天津海关"), ("东莞", "441900", "黄埔海关"),
    ("义乌", "330782", "杭州海关"),
)  # fmt: skip
CN_BRAND = "瑞泰鑫晟弘澜岚翔璟珂沐曜琪骏恒朗"
CN_TRADES = ("电子", "精密机械", "纺织", "进出口", "物流", "照明", "五金", "化工", "家具", "玩具")


def cn_credit() -> dict[str, object]:
    entries, seen_names, seen_codes = [], set(), set()
    # (manaType, first year, last year, how many): advanced; the general-certified Rotterdam-style
    # supplier (before Order 251); general certified after 2021-11-01 (no longer AEO); B and C.
    plan = [("0", 2015, 2025, 36), ("1", 2019, 2019, 1), ("1", 2022, 2024, 2)]
    plan += [("B", 2019, 2023, 2), ("C", 2020, 2023, 2)]
    for mana_type, first, last, count in plan:
        for _ in range(count):
            city, division, customs = rng.choice(CN_CITIES)
            brand = "".join(rng.sample(CN_BRAND, 2))
            name = unique(
                lambda c=city, b=brand: f"{c}{b}{rng.choice(CN_TRADES)}有限公司", seen_names
            )
            y, m, d = day(first, last)
            if (first, mana_type) == (2019, "1"):
                y, m, d = 2019, 3, 15
            entries.append({
                "seqNo": str(len(entries) + 1),
                "saicSysNo": f"{division[:4]}96{len(entries) + 1:04d}",
                "nameSaic": name,
                "socialCreditCode": unique(lambda v=division: make_uscc(v), seen_codes),
                "manaType": mana_type,
                "depCodeChgName": customs,
                "manatypeUseTime": f"{y}-{m:02d}-{d:02d}",
            })  # fmt: skip
    return {
        "code": "0",
        "message": "成功",
        "data": {"totalCount": len(entries), "copInfoList": entries},
    }


# -- Japan: AEO operator lists as CSV --------------------------------------------------------------

KANA = (
    ("カ", "ka"), ("ナ", "na"), ("ミ", "mi"), ("ロ", "ro"), ("サ", "sa"), ("テ", "te"),
    ("リ", "ri"), ("ヨ", "yo"), ("ハ", "ha"), ("ル", "ru"), ("ト", "to"), ("キ", "ki"),
)  # fmt: skip
JP_TRADES = (("精機", "Precision"), ("物流", "Logistics"), ("商事", "Trading"),
             ("電子", "Electronics"), ("化学", "Chemical"), ("倉庫", "Warehouse"))  # fmt: skip
JP_CATEGORIES = ("特定輸出者", "特例輸入者", "特定保税承認者", "認定通関業者", "特定保税運送者",
                 "認定製造者")  # fmt: skip
JP_OFFICES = (("0104", "東京税関"), ("0200", "横浜税関"), ("1200", "大阪税関"),
              ("1400", "神戸税関"), ("1800", "名古屋税関"), ("4000", "門司税関"))  # fmt: skip


def jp_aeo() -> list[dict[str, str]]:
    rows, seen_names, seen_numbers = [], set(), set()
    for _ in range(32):
        syllables = rng.sample(KANA, 3)
        kana = "".join(k for k, _ in syllables)
        romaji = "".join(r for _, r in syllables).capitalize()
        trade, english = rng.choice(JP_TRADES)
        if kana + trade in seen_names:
            continue
        seen_names.add(kana + trade)
        office, customs = rng.choice(JP_OFFICES)
        number = unique(lambda o=office: make_corporate_number(o), seen_numbers)
        japanese, english_name = f"{kana}{trade}株式会社", f"{romaji} {english} Co., Ltd."
        if rng.random() < 0.3:
            japanese, english_name = f"株式会社{kana}{trade}", f"{romaji} {english} K.K."
        # One operator in five holds two categories: the lists show one row per authorisation.
        for category in rng.sample(JP_CATEGORIES, 2 if rng.random() < 0.2 else 1):
            rows.append({"事業者名": japanese, "英語名": english_name, "法人番号": number,
                         "区分": category, "監督税関": customs})  # fmt: skip
    return rows


# -- GB: HMRC "Check an EORI number" answers -------------------------------------------------------

GB_TRADES = ("Freight", "Imports", "Engineering", "Trading", "Components", "Textiles", "Foods")
GB_FORMS = ("Ltd", "Limited", "plc", "LLP", "Ltd")
GB_PLACES = (
    ("Felixstowe", "IP11"), ("Southampton", "SO14"), ("Manchester", "M1"), ("Birmingham", "B1"),
    ("Leeds", "LS1"), ("Bristol", "BS1"), ("Dover", "CT16"),
)  # fmt: skip
PROCESSED = "2026-11-27T10:15:00+00:00"


def gb_eori_answers() -> list[dict[str, object]]:
    answers: list[dict[str, object]] = []
    seen_names: set[str] = set()
    seen_numbers: set[str] = set()
    for n in range(42):
        eori = unique(gb_eori_number, seen_numbers)
        if n % 14 == 13:  # HMRC answers valid: false for a number it does not hold
            answers.append({"eori": eori, "valid": False, "processingDate": PROCESSED})
            continue
        answer: dict[str, object] = {"eori": eori, "valid": True, "processingDate": PROCESSED}
        if n % 9 != 8:  # the others did not consent to share their name and address
            name = unique(
                lambda: f"{coined()} {rng.choice(GB_TRADES)} {rng.choice(GB_FORMS)}", seen_names
            )
            city, district = rng.choice(GB_PLACES)
            answer["companyDetails"] = {
                "traderName": name,
                "address": {
                    "streetAndNumber": f"{rng.randint(1, 240)} {coined()} Way",
                    "cityName": city,
                    "postcode": f"{district} {rng.randint(1, 9)}XX",
                },
            }
        answers.append(answer)
    return answers


# -- US: NPPES, PSYPACT and the LEIE share one pool of invented clinicians -------------------------

TAXONOMIES = (
    ("103T00000X", "Psychologist", "PSY"), ("103TC0700X", "Psychologist, Clinical", "PSY"),
    ("101YP2500X", "Counselor, Professional", "LPC"),
    ("1041C0700X", "Social Worker, Clinical", "LCSW"),
    ("106H00000X", "Marriage & Family Therapist", "LMFT"),
)  # fmt: skip


def clinicians(count: int) -> list[dict[str, str]]:
    people, seen = [], set()
    while len(people) < count:
        first, last = person()
        if last in seen:
            continue
        seen.add(last)
        code, desc, prefix = rng.choices(TAXONOMIES, (5, 4, 2, 2, 1))[0]
        state = rng.choice(US_STATES)
        people.append({
            "first": first, "middle": rng.choice("ABCDEFGHJKLMNPRSTW"), "last": last,
            "npi": npi(), "code": code, "desc": desc, "state": state,
            "licence": f"{prefix}{rng.randint(1000, 99999)}", "sex": rng.choice("FM"),
        })  # fmt: skip
    return people


def nppes(people: list[dict[str, str]]) -> dict[str, object]:
    results: list[dict[str, object]] = []
    for p in people:
        y, m, d = day(2006, 2022)
        results.append({
            "created_epoch": str(rng.randint(1_140_000_000, 1_660_000_000) * 1000),
            "enumeration_type": "NPI-1",
            "last_updated_epoch": str(rng.randint(1_670_000_000, 1_760_000_000) * 1000),
            "number": p["npi"],
            "addresses": [_address(p["state"], "LOCATION"), _address(p["state"], "MAILING")],
            "practiceLocations": [],
            "basic": {
                "first_name": p["first"].upper(), "last_name": p["last"].upper(),
                "middle_name": p["middle"], "credential": p["licence"].rstrip("0123456789"),
                "sole_proprietor": rng.choice(("YES", "NO")),
                "enumeration_date": f"{y}-{m:02d}-{d:02d}", "last_updated": "2025-06-30",
                "status": "A", "sex": p["sex"],
            },
            "taxonomies": [{
                "code": p["code"], "desc": p["desc"], "primary": True, "state": p["state"],
                "license": p["licence"], "taxonomy_group": "",
            }],
            "identifiers": [], "endpoints": [], "other_names": [],
        })  # fmt: skip
    for _ in range(4):
        state = rng.choice(US_STATES)
        results.append({
            "created_epoch": "1262304000000", "enumeration_type": "NPI-2",
            "last_updated_epoch": "1718409600000", "number": npi(),
            "addresses": [_address(state, "LOCATION")], "practiceLocations": [],
            "basic": {
                "organization_name": f"{coined().upper()} COUNSELING GROUP LLC",
                "organizational_subpart": "NO", "enumeration_date": "2010-01-01",
                "last_updated": "2024-06-15", "status": "A",
                "authorized_official_first_name": rng.choice(FIRST_NAMES).upper(),
                "authorized_official_last_name": coined().upper(),
            },
            "taxonomies": [{"code": "261QM0801X", "desc": "Clinic/Center, Mental Health",
                            "primary": True, "state": state, "license": "", "taxonomy_group": ""}],
            "identifiers": [], "endpoints": [], "other_names": [],
        })  # fmt: skip
    return {"result_count": len(results), "results": results}


def _address(state: str, purpose: str) -> dict[str, str]:
    return {
        "country_code": "US", "country_name": "United States", "address_purpose": purpose,
        "address_type": "DOM", "address_1": f"{rng.randint(1, 999)} {coined().upper()} ST",
        "address_2": "", "city": rng.choice(TOWNS).upper(), "state": state,
        "postal_code": f"{rng.randint(10000, 99999)}0000", "telephone_number": "555-010-0100",
    }  # fmt: skip


def psypact(people: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    psychologists = [p for p in people if p["licence"].startswith("PSY")]
    for n, p in enumerate(psychologists):
        y, m, d = day(2021, 2025)
        expired = n % 8 == 7
        rows.append({
            "Last Name": p["last"], "First Name": p["first"], "Home State": p["state"],
            "License Number": p["licence"], "Authority": "TAP" if n % 5 == 4 else "APIT",
            "Issued": f"{y}-{m:02d}-{d:02d}",
            "Expires": f"{2024 if expired else rng.randint(2028, 2030)}-{m:02d}-{d:02d}",
        })  # fmt: skip
    return rows


LEIE_COLUMNS = (
    "LASTNAME", "FIRSTNAME", "MIDNAME", "BUSNAME", "GENERAL", "SPECIALTY", "UPIN", "NPI", "DOB",
    "ADDRESS", "CITY", "STATE", "ZIP", "EXCLTYPE", "EXCLDATE", "REINDATE", "WAIVERDATE", "WVRSTATE",
)  # fmt: skip
SPECIALTIES = ("PSYCHOLOGIST", "SOCIAL WORKER", "COUNSELOR", "NURSE/NURSES AIDE", "PHARMACIST")
BUSINESS_KINDS = (
    "HOME HEALTH AGENCY INC", "COUNSELING SERVICES LLC", "PHARMACY INC", "MEDICAL SUPPLY LLC",
)  # fmt: skip
GROUNDS = ("1128a1", "1128a2", "1128a3", "1128a4", "1128b4", "1128b5", "1128b7", "1128b8")


def leie(excluded_clinicians: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = []

    def add(**fields: str) -> None:
        y, m, d = day(2012, 2026)
        row = dict.fromkeys(LEIE_COLUMNS, "")
        row.update(NPI="0000000000", EXCLTYPE=rng.choice(GROUNDS), EXCLDATE=f"{y}{m:02d}{d:02d}",
                   REINDATE="00000000", WAIVERDATE="00000000", ADDRESS=f"{rng.randint(1, 999)} "
                   f"{coined().upper()} RD", CITY=rng.choice(TOWNS).upper(),
                   STATE=rng.choice(US_STATES), ZIP=f"{rng.randint(10000, 99999)}")  # fmt: skip
        row.update(fields)
        rows.append(row)

    # Clinicians who are also in NPPES: listed with their NPI, so an NPI screen matches.
    for p in excluded_clinicians:
        add(LASTNAME=p["last"].upper(), FIRSTNAME=p["first"].upper(), MIDNAME=p["middle"],
            GENERAL="IND- LIC HC SERV PRO", SPECIALTY=p["desc"].split(",")[0].upper(),
            NPI=p["npi"], DOB=f"{rng.randint(1950, 1985)}0{rng.randint(1, 9)}15",
            STATE=p["state"])  # fmt: skip
    for n in range(40):
        first, last = person()
        add(
            LASTNAME=last.upper(),
            FIRSTNAME=first.upper(),
            MIDNAME=rng.choice("ABCDEJKLMRST"),
            GENERAL="IND- LIC HC SERV PRO",
            SPECIALTY=rng.choice(SPECIALTIES),
            NPI=npi() if n % 4 == 0 else "0000000000",
            DOB=f"{rng.randint(1945, 1990)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
        )
        if n in (7, 23):  # reinstated, as in the monthly reinstatement supplements
            rows[-1]["REINDATE"] = "20260601"
    for _ in range(10):
        business = f"{coined().upper()} {rng.choice(BUSINESS_KINDS)}"
        add(BUSNAME=business, GENERAL="OTHER BUSINESS", SPECIALTY="OTHER BUSINESS")
    return rows


# -- UK registers: HCPC and BACP fields as CSV -----------------------------------------------------

UK_TOWNS = ("London", "Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff", "Belfast", "Norwich")
HCPC_DOMAINS = ("Clinical psychologist", "Counselling psychologist", "Educational psychologist",
                "Forensic psychologist", "Health psychologist", "Occupational psychologist",
                "Sport and exercise psychologist")  # fmt: skip
HCPC_COLUMNS = ("Name", "Registration number", "Profession", "Status", "Period", "Location",
                "Modalities", "Additional entitlements")  # fmt: skip


def hcpc() -> list[dict[str, str]]:
    rows, seen = [], set()
    for n in range(26):
        first, last = person()
        status, period = "Registered", "01/06/2025 to 31/05/2027"
        if n % 9 == 8:
            status, period = "Lapsed", "01/06/2021 to 31/05/2023"
        elif n % 13 == 12:
            status = "Suspended"
        elif n % 11 == 10:
            status = "Registered - conditions of practice"
        rows.append({
            "Name": f"{first} {last}",
            "Registration number": unique(lambda: f"PYL{rng.randint(10000, 99999):06d}", seen),
            "Profession": "Practitioner psychologist", "Status": status, "Period": period,
            "Location": rng.choice(UK_TOWNS),
            "Modalities": rng.choices(HCPC_DOMAINS, (6, 4, 2, 2, 2, 1, 1))[0],
            "Additional entitlements": "",
        })  # fmt: skip
    return rows


BACP_CATEGORIES = ("Registered Member MBACP", "Registered Member MBACP (Accred)",
                   "Registered Member MBACP (Snr Accred)")  # fmt: skip


def bacp() -> list[dict[str, str]]:
    rows, seen = [], set()
    for n in range(26):
        first, last = person()
        rows.append({
            "Name": f"{first} {last}",
            "Location": f"{rng.choice(UK_TOWNS)}",
            "Membership category": rng.choices(BACP_CATEGORIES, (6, 3, 1))[0],
            "Membership number": unique(lambda: f"{rng.randint(100, 99999):06d}", seen),
            "Status": "Membership suspended" if n % 12 == 11 else "",
        })  # fmt: skip
    return rows


# -- writing ---------------------------------------------------------------------------------------


def write_csv(name: str, rows: list[dict[str, str]], *, bom: bool = False) -> None:
    with (HERE / name).open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_leie(rows: list[dict[str, str]]) -> None:
    """As OIG writes UPDATED.csv: the header bare, every value quoted, CRLF line endings."""
    with (HERE / "leie.csv").open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(LEIE_COLUMNS) + "\r\n")
        writer = csv.DictWriter(
            out, fieldnames=LEIE_COLUMNS, quoting=csv.QUOTE_ALL, lineterminator="\r\n"
        )
        writer.writerows(rows)


def write_json(name: str, data: object) -> None:
    (HERE / name).write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def main() -> None:
    write_csv("eu-aeo.csv", eu_aeo())
    write_json("cn-credit.json", cn_credit())
    write_csv("jp-aeo.csv", jp_aeo(), bom=True)
    write_json("gb-eori.json", gb_eori_answers())
    people = clinicians(44)
    write_json("nppes.json", nppes(people))
    write_csv("psypact.csv", psypact(people))
    write_leie(leie(people[-3:]))
    write_csv("hcpc.csv", hcpc())
    write_csv("bacp.csv", bacp())


if __name__ == "__main__":
    main()
