"""Synthetic HHS-OIG LEIE files in the real ``UPDATED.csv`` format, of any size, for tests and
benchmarks: the 18-column header unquoted, every value quoted, CRLF line endings, dates as
``yyyymmdd`` with ``00000000`` for none, ``0000000000`` for an unknown NPI (as on most real rows),
an empty DOB for entities. Names, addresses and NPIs are invented (the NPIs pass the Luhn check
with the 80840 prefix); nothing comes from the real list.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from stdnum import luhn

__all__ = ["HEADER", "synthetic_npi", "write_synthetic_leie"]

HEADER = (
    "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,"
    "EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE"
)
NO_DATE = "00000000"
NO_NPI = "0000000000"

# Invented syllables: the names they make are not meant to be anyone's.
SYLLABLES = (
    "bar", "bel", "cor", "dax", "del", "fen", "gar", "hol", "jun", "kel", "lor", "mav", "nes",
    "orv", "pel", "quin", "ras", "sol", "tam", "ul", "ven", "wix", "yor", "zan", "brim", "crad",
    "drel", "fost", "grav", "hesk", "marn", "plov", "strek", "thal", "vosk", "wren",
)  # fmt: skip
FIRST_NAMES = (
    "ALDRIN", "BRISA", "CAELEN", "DORIT", "EMBRY", "FALLON", "GWENDA", "HOLLIS", "ISOLDE", "JORAH",
    "KESTREL", "LIORA", "MARLO", "NEVIN", "ODESSA", "PERRIN", "QUILLA", "ROWAN", "SABRA", "TAMSIN",
    "ULRIC", "VESNA", "WYNNE", "XANTHE", "YARROW", "ZEPHYR",
)  # fmt: skip
STREETS = ("MAPLE", "HARBOR", "CEDAR", "RIDGE", "MEADOW", "LANTERN", "QUARRY", "WILLOW")
BUSINESS_KINDS = (
    ("COUNSELING SERVICES LLC", "OTHER BUSINESS", "COUNSELING"),
    ("HOME HEALTH AGENCY INC", "OTHER BUSINESS", "HOME HEALTH AGENCY"),
    ("PHARMACY INC", "PHARMACY", "PHARMACY"),
    ("MEDICAL SUPPLY LLC", "DME COMPANY", "DME - GENERAL"),
)
PROFESSIONS = (
    ("BEHAVIORAL HEALTH", "SOCIAL WORKER"),
    ("BEHAVIORAL HEALTH", "COUNSELOR"),
    ("BEHAVIORAL HEALTH", "PSYCHOLOGIST"),
    ("NURSING PROFESSION", "NURSE/NURSES AIDE"),
    ("IND- LIC HC SERV PRO", "PHARMACIST"),
    ("PHYSICIAN (MD, DO)", "FAMILY PRACTICE"),
)
STATES = ("AZ", "CA", "FL", "GA", "IL", "MA", "MN", "NY", "OH", "PA", "TX", "WA")
EXCLUSION_TYPES = ("1128a1", "1128a2", "1128a3", "1128b4", "1128b5", "1128b7", "1128b8")


def synthetic_npi(rng: random.Random) -> str:
    """A made-up NPI that passes the check digit (Luhn over 80840 + the first nine digits)."""
    body = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
    return body + luhn.calc_check_digit("80840" + body)


def _day(rng: random.Random, first_year: int, last_year: int) -> str:
    return f"{rng.randint(first_year, last_year)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def _surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).upper()


def _row(rng: random.Random) -> list[str]:
    state = rng.choice(STATES)
    address = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(('ST', 'AVE', 'RD'))}"
    city = _surname(rng) + rng.choice((" CITY", "VILLE", " FALLS"))
    zip_code = f"{rng.randint(1000, 99999):05d}"
    npi = synthetic_npi(rng) if rng.random() < 0.15 else NO_NPI  # most real rows have none
    waived = rng.random() < 0.01
    if rng.random() < 0.75:
        general, specialty = rng.choice(PROFESSIONS)
        last, first = _surname(rng), rng.choice(FIRST_NAMES)
        middle = rng.choice("ABCDEFGHJKLMNPRSTVW") if rng.random() < 0.6 else ""
        names = [last, first, middle, ""]
        dob = _day(rng, 1940, 1995)
    else:
        kind, general, specialty = rng.choice(BUSINESS_KINDS)
        names = ["", "", "", f"{_surname(rng)} {kind}"]
        dob = ""
    return [
        *names,
        general,
        specialty,
        "",
        npi,
        dob,
        address,
        city,
        state,
        zip_code,
        rng.choice(EXCLUSION_TYPES),
        _day(rng, 1990, 2026),
        NO_DATE,
        _day(rng, 2000, 2026) if waived else NO_DATE,
        state if waived else "",
    ]


def write_synthetic_leie(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` synthetic LEIE rows to ``path``; the same seed gives the same file."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\r\n")
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for _ in range(rows):
            writer.writerow(_row(rng))
