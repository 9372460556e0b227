"""Identifier kinds: recognise, check and present the numbers that credentials carry.

One small class per kind (an EORI, an AEO authorisation number, a US NPI...), each with the
python-stdnum API ``compact / validate / is_valid / format``, plus :func:`identify`, which answers
"what could this text be?" with every plausible kind, valid or not, and the reason.

Where the facts come from: the official source named in each class docstring, and python-stdnum
for the kinds it already covers (USCC, Japan's Corporate Number, EIN).
Only what a source publishes is checked: a check digit where one exists, otherwise the structure
(``check == "format"``). No request is made: a number that passes may still be unknown to its
registry.

>>> [(c.kind, c.valid) for c in identify("1234567893")]
[('us.npi', True), ('cn.customs-code', True)]
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import re
import unicodedata
from dataclasses import dataclass, field
from types import ModuleType
from typing import ClassVar

from credverify.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidIdentifier,
    InvalidLength,
    UnknownName,
)

__all__ = ["KINDS", "Candidate", "IdentifierKind", "identify", "kind"]

EU_MEMBER_STATES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
"""The 27 current EU member states, as ISO 3166 alpha-2 codes (EORIs use ``GR`` for Greece)."""

UK_PREFIXES = ("GB", "XI")
"""Great Britain and Northern Ireland (``XI``): UK numbers, not EU ones."""

_SEPARATORS = re.compile(r"[\s\-./]+")
_MAX_PLAUSIBLE = 64  # no kind here is longer than 35 characters; longer text is not an identifier


def _normalise(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


class IdentifierKind:
    """One kind of identifier; subclasses set the attributes and, where needed, ``_check_parts``.

    The base class owns the shared steps: ``compact`` normalises, ``validate`` checks the length,
    then the structure (``pattern``), then the parts a subclass cares about, and raises an
    :class:`~credverify.errors.InvalidIdentifier` leaf whose message says what was expected.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    country: ClassVar[str]
    source: ClassVar[str]
    check: ClassVar[str] = "format"
    expected: ClassVar[str]
    """What a valid number looks like, with an example; every error message ends with it."""
    specificity: ClassVar[int] = 0
    """How narrow the kind is; :func:`identify` lists more specific kinds first."""
    lengths: ClassVar[range]
    pattern: ClassVar[re.Pattern[str]]
    """The full structure; its named groups are the parts ``_check_parts`` and ``details`` read."""
    shape: ClassVar[re.Pattern[str]]
    """A loose shape for :meth:`plausible`: could the text be meant as this kind at all?"""

    def __repr__(self) -> str:
        return f"<identifier kind {self.id}>"

    def compact(self, number: object) -> str:
        """Return the minimal form: NFKC (full-width digits become ASCII), no separators, upper."""
        if not isinstance(number, str):
            raise self._error(InvalidFormat, f"got {type(number).__name__}, not text")
        return _normalise(number)

    def validate(self, number: object) -> str:
        """Return the compact form of a valid number, or raise an InvalidIdentifier leaf."""
        compacted = self.compact(number)
        self._check(compacted)
        return compacted

    def is_valid(self, number: object) -> bool:
        """Whether the number is valid; never raises."""
        try:
            self.validate(number)
        except InvalidIdentifier:
            return False
        return True

    def format(self, number: object) -> str:
        """Return the presentation form (by default the compact form)."""
        return self.compact(number)

    def plausible(self, compacted: str) -> bool:
        """Whether compacted text has this kind's loose shape (used by :func:`identify`)."""
        return len(compacted) <= _MAX_PLAUSIBLE and self.shape.fullmatch(compacted) is not None

    def details(self, compacted: str) -> dict[str, str]:
        """Facts read off a valid number, e.g. the issuing country; none by default."""
        return {}

    def caveat(self, compacted: str) -> str:
        """What a person should know about a valid number's form ("" when nothing)."""
        return ""

    def _check(self, number: str) -> None:
        if len(number) not in self.lengths:
            raise self._error(InvalidLength, f"has {len(number)} characters")
        match = self.pattern.fullmatch(number)
        if match is None:
            raise self._error(InvalidFormat)
        self._check_parts(match.groupdict())

    def _check_parts(self, parts: dict[str, str]) -> None:
        """Check the named parts of a number whose structure matched; nothing more by default."""

    def _parts(self, compacted: str) -> dict[str, str]:
        match = self.pattern.fullmatch(compacted)
        return match.groupdict() if match else {}

    def _error(self, leaf: type[InvalidIdentifier], problem: str = "") -> InvalidIdentifier:
        return leaf(f"{self.id}: {problem or leaf.default_message}; expected {self.expected}")


class _StdnumKind(IdentifierKind):
    """A kind python-stdnum already implements; its errors become credverify's leaves."""

    module: ClassVar[str]
    _LEAVES: ClassVar[dict[str, type[InvalidIdentifier]]] = {
        leaf.__name__: leaf for leaf in (InvalidChecksum, InvalidComponent, InvalidLength)
    }

    def _stdnum(self) -> ModuleType:
        return importlib.import_module(self.module)  # lazy: keeps `import credverify` cheap

    def _check(self, number: str) -> None:
        from stdnum.exceptions import ValidationError

        try:
            self._stdnum().validate(number)
        except ValidationError as exc:
            raise self._error(self._LEAVES.get(type(exc).__name__, InvalidFormat)) from None

    def format(self, number: object) -> str:
        return str(self._stdnum().format(self.compact(number)))


class EuEori(IdentifierKind):
    """EU Economic Operators Registration and Identification number (EORI), European Union.

    https://ec.europa.eu/taxation_customs/dds2/eos/eori_validation.jsp

    A member-state code plus up to 15 letters or digits, at most 17 characters. The per-country
    formats published by third parties disagree, so only this general structure is checked;
    whether a number exists is for the EU's EOS service to say. UK numbers are :class:`GbEori`.

    >>> EuEori().validate('FR 301 272 811')
    'FR301272811'
    >>> EuEori().details('FR301272811')
    {'country': 'FR'}
    >>> EuEori().is_valid('US301272811')
    False
    >>> EuEori().validate('GB123456789000')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    credverify.errors.InvalidComponent: eu.eori: 'GB' is a UK prefix...: use gb.eori; GB numbers...
    """

    id = "eu.eori"
    name = "EU Economic Operators Registration and Identification number (EORI)"
    country = "EU"
    source = "https://ec.europa.eu/taxation_customs/dds2/eos/eori_validation.jsp"
    expected = "an EU member-state code then 1 to 15 letters or digits, e.g. FR301272811"
    specificity = 40
    lengths = range(3, 18)
    pattern = re.compile(r"(?P<country>[A-Z]{2})[0-9A-Z]{1,15}")
    # A digit is required to be plausible: a bare word such as "ITALY" is not meant as an EORI.
    shape = re.compile(rf"(?=.*[0-9])(?:{'|'.join(EU_MEMBER_STATES + UK_PREFIXES)})[0-9A-Z]+")

    def _check_parts(self, parts: dict[str, str]) -> None:
        code = parts["country"]
        if code in UK_PREFIXES:
            raise self._error(
                InvalidComponent,
                f"{code!r} is a UK prefix, not an EU member state: use gb.eori; "
                "GB numbers are checked with HMRC",
            )
        if code not in EU_MEMBER_STATES:
            raise self._error(InvalidComponent, f"{code!r} is not an EU member-state code")

    def details(self, compacted: str) -> dict[str, str]:
        return {"country": compacted[:2]}


class GbEori(IdentifierKind):
    """UK Economic Operators Registration and Identification number (EORI), United Kingdom.

    https://www.gov.uk/check-eori-number

    ``GB`` or ``XI`` (Northern Ireland) plus 12 to 15 digits, the pattern HMRC's "Check an EORI
    number" API accepts (``^(GB|XI)[0-9]{12,15}$``); for VAT-registered traders usually the VAT
    number plus ``000``. There is no check digit. ``GB018384932372`` is in HMRC's published
    sandbox test data.

    >>> GbEori().validate('GB 018 384 932 372')
    'GB018384932372'
    >>> GbEori().details('XI123456789000')['country']
    'XI'
    >>> GbEori().is_valid('GB12345678')
    False
    >>> GbEori().is_valid('DE123456789000')
    False
    """

    id = "gb.eori"
    name = "UK Economic Operators Registration and Identification number (EORI)"
    country = "GB"
    source = "https://www.gov.uk/check-eori-number"
    expected = "GB or XI then 12 to 15 digits, e.g. GB123456789000"
    specificity = 80
    lengths = range(14, 18)
    pattern = re.compile(r"(?P<country>[A-Z]{2})[0-9]+")
    shape = re.compile(r"(?=.*[0-9])(?:GB|XI)[0-9A-Z]+")

    def _check_parts(self, parts: dict[str, str]) -> None:
        if parts["country"] not in UK_PREFIXES:
            hint = " (EU numbers are eu.eori)" if parts["country"] in EU_MEMBER_STATES else ""
            raise self._error(InvalidComponent, f"starts with {parts['country']!r}{hint}")

    def details(self, compacted: str) -> dict[str, str]:
        if compacted.startswith("XI"):
            return {
                "country": "XI",
                "note": "Northern Ireland; HMRC's API rejects XI numbers, the EU's EOS checks them",
            }
        return {"country": compacted[:2]}


class EuAeoNumber(IdentifierKind):
    """EU Authorised Economic Operator (AEO) authorisation number, European Union.

    https://eur-lex.europa.eu/eli/reg_del/2016/341/oj (Annex 7, notes on the authorisation number)

    The issuing country's code, the authorisation type ``AEOC``, ``AEOS`` or ``AEOF``, then the
    issuing state's own number, which has no common length or check digit. UK AEO reference numbers
    kept this form after Brexit (``GBAEOF...``), so GB and XI are accepted as the ``gb.aeo`` scheme.

    >>> EuAeoNumber().validate('DEAEOF1234')
    'DEAEOF1234'
    >>> EuAeoNumber().details('DEAEOF1234')
    {'issuer': 'DE', 'type': 'AEOF', 'scheme': 'eu.aeo'}
    >>> EuAeoNumber().details('GBAEOF123456789')['scheme']
    'gb.aeo'
    >>> EuAeoNumber().is_valid('DEAEOX1234')
    False
    """

    id = "eu.aeo-number"
    name = "EU Authorised Economic Operator (AEO) authorisation number"
    country = "EU"
    source = "https://eur-lex.europa.eu/eli/reg_del/2016/341/oj"
    expected = (
        "the issuing country code, AEOC, AEOS or AEOF, then the national number "
        "(1 to 29 letters or digits), e.g. DEAEOF1234"
    )
    specificity = 85
    lengths = range(7, 36)
    pattern = re.compile(r"(?P<issuer>[A-Z]{2})(?P<type>AEO[A-Z])[0-9A-Z]+")
    shape = re.compile(r"[A-Z]{2}AEO[0-9A-Z]+")

    def _check_parts(self, parts: dict[str, str]) -> None:
        if parts["type"] not in ("AEOC", "AEOS", "AEOF"):
            raise self._error(InvalidComponent, f"{parts['type']!r} is not an AEO type")
        if parts["issuer"] not in EU_MEMBER_STATES + UK_PREFIXES:
            raise self._error(InvalidComponent, f"{parts['issuer']!r} is not an EU or UK issuer")

    def details(self, compacted: str) -> dict[str, str]:
        parts = self._parts(compacted)
        scheme = "gb.aeo" if parts.get("issuer") in UK_PREFIXES else "eu.aeo"
        return {"issuer": parts["issuer"], "type": parts["type"], "scheme": scheme}


class CnUscc(_StdnumKind):
    """China Unified Social Credit Code (USCC, 统一社会信用代码), China.

    https://www.oecd.org/tax/automatic-exchange/crs-implementation-and-assistance/tax-identification-numbers/China-TIN.pdf

    18 characters ending in a check character (national standard GB 32100-2015); checked by
    python-stdnum's ``stdnum.cn.uscc``.

    >>> CnUscc().validate('91110000600037341L')
    '91110000600037341L'
    >>> CnUscc().validate('91110000600037341M')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    credverify.errors.InvalidChecksum: cn.uscc: the identifier's check digit does not match; ...
    """

    id = "cn.uscc"
    name = "China Unified Social Credit Code (USCC)"
    country = "CN"
    source = "https://www.oecd.org/tax/automatic-exchange/crs-implementation-and-assistance/tax-identification-numbers/China-TIN.pdf"
    check = "checksum"
    expected = "18 characters ending in a check character, e.g. 91110000600037341L"
    specificity = 75
    module = "stdnum.cn.uscc"
    shape = re.compile(r"(?=.*[0-9])[0-9A-Z]{18}")


class CnCustomsCode(IdentifierKind):
    """China customs registration code (海关注册编码), China.

    http://www.customs.gov.cn/

    10 digits or capital letters. No check-digit algorithm is published, so only the format is
    checked.

    >>> CnCustomsCode().validate('0123456789')
    '0123456789'
    >>> CnCustomsCode().is_valid('012345678')
    False
    """

    id = "cn.customs-code"
    name = "China customs registration code"
    country = "CN"
    source = "http://www.customs.gov.cn/"
    expected = "10 digits or capital letters, e.g. 0123456789"
    specificity = 10
    lengths = range(10, 11)
    pattern = re.compile(r"[0-9A-Z]{10}")
    shape = re.compile(r"(?=.*[0-9])[0-9A-Z]{10}")


class CnAeoCode(IdentifierKind):
    """China AEO enterprise code for mutual-recognition partners (AEOCN code), China.

    http://www.customs.gov.cn/ (GACC Announcements 2019 No.101, 2022 No.6, 2023 No.102)

    ``AEOCN`` plus the 10-character customs registration code. The EU-China arrangement
    (Decision No 1/2014 of the EU-China Joint Customs Cooperation Committee, 2014/772/EU,
    https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:22014D0772) was put into practice
    by a 2015 notice that gives the code as "CN + 10-digit enterprise code" instead. Both forms
    are accepted; the ``CN`` form is marked uncertain, because which one EU customs expect in a
    declaration is not settled by a published text.

    >>> CnAeoCode().details(CnAeoCode().validate('AEOCN0123456789'))
    {'customs_code': '0123456789'}
    >>> CnAeoCode().details(CnAeoCode().validate('CN0123456789'))
    {'customs_code': '0123456789', 'form': 'CN'}
    >>> CnAeoCode().is_valid('CN01234567AB')
    False
    """

    id = "cn.aeo-code"
    name = "China AEO enterprise code for MRA partners (AEOCN + customs code)"
    country = "CN"
    source = "http://www.customs.gov.cn/"
    expected = (
        "AEOCN then the 10-character customs code, e.g. AEOCN0123456789 (or the EU form, CN then "
        "10 digits)"
    )
    specificity = 90
    lengths = range(12, 16)
    pattern = re.compile(r"AEOCN(?P<customs_code>[0-9A-Z]{10})|CN(?P<eu_form>[0-9]{10})")
    shape = re.compile(r"AEOCN[0-9A-Z]*|CN[0-9]{8,12}")

    def details(self, compacted: str) -> dict[str, str]:
        parts = self._parts(compacted)
        if parts.get("eu_form"):
            return {"customs_code": parts["eu_form"], "form": "CN"}
        return {"customs_code": parts["customs_code"]}

    def caveat(self, compacted: str) -> str:
        if self.details(compacted).get("form") == "CN":
            return (
                "uncertain form: 'CN' + 10 digits is the EU-China 2015 notice's form; GACC's own "
                "announcements write AEOCN + 10, so confirm with the EU declarant which one "
                "customs accept"
            )
        return ""


class JpCorporateNumber(_StdnumKind):
    """Japan Corporate Number (法人番号), Japan.

    https://www.houjin-bangou.nta.go.jp/

    13 digits whose first digit is a check digit, issued by the National Tax Agency; checked by
    python-stdnum's ``stdnum.jp.cn``.

    >>> JpCorporateNumber().validate('5-8356-7825-6246')
    '5835678256246'
    >>> JpCorporateNumber().format('5835678256246')
    '5-8356-7825-6246'
    >>> JpCorporateNumber().is_valid('2-8356-7825-6246')
    False
    """

    id = "jp.corporate-number"
    name = "Japan Corporate Number"
    country = "JP"
    source = "https://www.houjin-bangou.nta.go.jp/"
    check = "checksum"
    expected = "13 digits starting with a check digit, e.g. 5-8356-7825-6246"
    specificity = 75
    module = "stdnum.jp.cn"
    shape = re.compile(r"[0-9]{13}")


class JpMraCode(IdentifierKind):
    """Japan AEO MRA code (12-character code for mutual-recognition partners), Japan.

    https://www.customs.go.jp/zeikan/seido/kaizen.htm

    The 12-character code a regional Customs AEO office gives each Japanese AEO, typed into the
    NACCS 12-character overseas consignor/consignee field. No structure or check digit is
    published, so only the format is checked. ``A12345678901`` is the published example of an
    Australian code converted into that field.

    >>> JpMraCode().validate('A12345678901')
    'A12345678901'
    >>> JpMraCode().is_valid('A1234567890')
    False
    """

    id = "jp.mra-code"
    name = "Japan AEO MRA code"
    country = "JP"
    source = "https://www.customs.go.jp/zeikan/seido/kaizen.htm"
    expected = "12 letters or digits, e.g. A12345678901"
    specificity = 10
    lengths = range(12, 13)
    pattern = re.compile(r"[0-9A-Z]{12}")
    shape = re.compile(r"(?=.*[0-9])[0-9A-Z]{12}")


class UsNpi(IdentifierKind):
    """US National Provider Identifier (NPI), United States.

    https://www.cms.gov/Regulations-and-Guidance/Administrative-Simplification/NationalProvIdentStand/Downloads/NPIcheckdigit.pdf

    10 digits; the last is a Luhn check digit computed over ``80840`` plus the first nine. NPIs
    issued so far start with 1 or 2; another first digit is reported as a warning, not an error.

    >>> UsNpi().validate('1234567893')
    '1234567893'
    >>> UsNpi().validate('1234567890')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    credverify.errors.InvalidChecksum: us.npi: the identifier's check digit does not match; ...
    >>> UsNpi().is_valid('123456789')
    False
    """

    id = "us.npi"
    name = "US National Provider Identifier (NPI)"
    country = "US"
    source = "https://www.cms.gov/Regulations-and-Guidance/Administrative-Simplification/NationalProvIdentStand/Downloads/NPIcheckdigit.pdf"
    check = "checksum"
    expected = "10 digits ending in a Luhn check digit over 80840 + the number, e.g. 1234567893"
    specificity = 75
    lengths = range(10, 11)
    pattern = re.compile(r"(?P<number>[0-9]{10})")
    shape = re.compile(r"[0-9]{10}")

    def _check_parts(self, parts: dict[str, str]) -> None:
        from stdnum import luhn

        if not luhn.is_valid("80840" + parts["number"]):
            raise self._error(InvalidChecksum)

    def details(self, compacted: str) -> dict[str, str]:
        if compacted[:1] in ("1", "2"):
            return {}
        return {"warning": f"NPIs issued so far start with 1 or 2, not {compacted[:1]}"}


class UsEin(_StdnumKind):
    """US Employer Identification Number (EIN), United States.

    https://www.irs.gov/businesses/small-businesses-self-employed/how-eins-are-assigned-and-valid-ein-prefixes

    9 digits whose two-digit prefix names the IRS campus that assigned it; there is no check digit.
    Checked by python-stdnum's ``stdnum.us.ein``.

    >>> UsEin().format('042103594')
    '04-2103594'
    >>> UsEin().details('042103594')
    {'campus': 'Brookhaven'}
    >>> UsEin().is_valid('07-1144442')  # no campus uses prefix 07
    False
    """

    id = "us.ein"
    name = "US Employer Identification Number (EIN)"
    country = "US"
    source = "https://www.irs.gov/businesses/small-businesses-self-employed/how-eins-are-assigned-and-valid-ein-prefixes"
    expected = "9 digits starting with an IRS campus prefix, e.g. 04-2103594"
    specificity = 60
    module = "stdnum.us.ein"
    shape = re.compile(r"[0-9]{9}")

    def details(self, compacted: str) -> dict[str, str]:
        return {"campus": str(self._stdnum().get_campus(compacted))}


CANADIAN_PROVINCE_CODES = {
    "XA": "Alberta", "XB": "New Brunswick", "XC": "British Columbia", "XM": "Manitoba",
    "XN": "Nova Scotia", "XO": "Ontario", "XP": "Prince Edward Island", "XQ": "Quebec",
    "XS": "Saskatchewan", "XT": "Northwest Territories", "XV": "Nunavut",
    "XW": "Newfoundland (Labrador)", "XY": "Yukon Territory",
}  # fmt: skip
"""MID country codes for Canada, which may not use ``CA`` (19 CFR Part 102, Appendix, rule 2)."""


class UsMid(IdentifierKind):
    """US Manufacturer Identification Code (MID), United States.

    https://www.ecfr.gov/current/title-19/chapter-I/part-102 (Appendix to Part 102)

    Built from the maker's name and address: ISO country of origin (Canada: a province code
    ``XA``-``XY``; ``CA`` is not allowed), the first three letters of the first two words of the
    name, up to four digits of the largest street number, the first three letters of the city;
    at most 15 characters. This is a format check (``[A-Z]{2}[A-Z]{2,6}[0-9]{0,4}[A-Z]{1,3}``):
    only the maker's name and address can confirm a MID.

    >>> UsMid().validate('AUOZR92MEL')
    'AUOZR92MEL'
    >>> UsMid().details('XOACMCOR12TOR')
    {'country': 'CA', 'province': 'Ontario'}
    >>> UsMid().is_valid('CAACMCOR12TOR')
    False
    """

    id = "us.mid"
    name = "US Manufacturer Identification Code (MID)"
    country = "US"
    source = "https://www.ecfr.gov/current/title-19/chapter-I/part-102"
    expected = (
        "a country code (Canada: XA-XY), 2 to 6 letters of the maker's name, up to 4 digits of "
        "its street number and up to 3 letters of its city, at most 15 characters, e.g. AUOZR92MEL"
    )
    specificity = 30
    lengths = range(5, 16)
    pattern = re.compile(r"(?P<country>[A-Z]{2})[A-Z]{2,6}[0-9]{0,4}[A-Z]{1,3}")
    shape = re.compile(r"[A-Z]{4,}[0-9]{1,4}[A-Z]+")  # a word without digits is not meant as a MID

    def _check_parts(self, parts: dict[str, str]) -> None:
        code = parts["country"]
        if code == "CA":
            raise self._error(InvalidComponent, "'CA' is not used: Canada uses province codes")
        if code not in CANADIAN_PROVINCE_CODES and not _is_iso_country(code):
            raise self._error(InvalidComponent, f"{code!r} is not an ISO country code")

    def details(self, compacted: str) -> dict[str, str]:
        code = compacted[:2]
        if code in CANADIAN_PROVINCE_CODES:
            return {"country": "CA", "province": CANADIAN_PROVINCE_CODES[code]}
        return {"country": code}


def _is_iso_country(code: str) -> bool:
    import pycountry  # heavy: only loaded when a MID is checked

    return pycountry.countries.get(alpha_2=code) is not None


HCPC_PROFESSIONS = {
    "AS": "arts therapist", "BS": "biomedical scientist", "CH": "chiropodist / podiatrist",
    "CS": "clinical scientist", "DT": "dietitian", "HAD": "hearing aid dispenser",
    "OT": "occupational therapist", "ODP": "operating department practitioner",
    "OR": "orthoptist", "PA": "paramedic", "PH": "physiotherapist",
    "PO": "prosthetist / orthotist", "PYL": "practitioner psychologist", "RA": "radiographer",
    "SL": "speech and language therapist",
}  # fmt: skip
"""Registration-number prefixes of the 15 professions the HCPC regulates."""


class GbHcpcNumber(IdentifierKind):
    """UK Health and Care Professions Council (HCPC) registration number, United Kingdom.

    https://www.hcpc-uk.org/check-the-register/how-to-check/

    A profession prefix plus up to 6 digits, e.g. ``PH123456`` (physiotherapist) or ``PYL123456``
    (practitioner psychologist), the register's own examples. There is no check digit.

    >>> GbHcpcNumber().details(GbHcpcNumber().validate('PYL123456'))
    {'profession': 'practitioner psychologist'}
    >>> GbHcpcNumber().is_valid('PYL1234567')
    False
    >>> GbHcpcNumber().is_valid('XX123456')
    False
    """

    id = "gb.hcpc-number"
    name = "UK HCPC registration number"
    country = "GB"
    source = "https://www.hcpc-uk.org/check-the-register/how-to-check/"
    expected = "an HCPC profession prefix (e.g. PYL, PH) then 1 to 6 digits, e.g. PYL123456"
    specificity = 65
    lengths = range(3, 10)
    pattern = re.compile(r"(?P<prefix>[A-Z]{2,3})(?P<digits>[0-9]+)")
    shape = re.compile(r"[A-Z]{2,3}[0-9]{1,7}")

    def _check_parts(self, parts: dict[str, str]) -> None:
        if parts["prefix"] not in HCPC_PROFESSIONS:
            raise self._error(InvalidComponent, f"{parts['prefix']!r} is not an HCPC prefix")
        if len(parts["digits"]) > 6:
            raise self._error(InvalidLength, f"has {len(parts['digits'])} digits")

    def details(self, compacted: str) -> dict[str, str]:
        return {"profession": HCPC_PROFESSIONS[self._parts(compacted)["prefix"]]}


class AuAhpraNumber(IdentifierKind):
    """Australian Ahpra registration number, Australia.

    https://www.ahpra.gov.au/Registration/Registers-of-Practitioners.aspx

    Three letters naming the National Board (``PSY``: Psychology Board of Australia) plus 10
    digits, e.g. ``PSY0000000001``. There is no published check digit.

    >>> AuAhpraNumber().details(AuAhpraNumber().validate('PSY0000000001'))
    {'board_prefix': 'PSY'}
    >>> AuAhpraNumber().is_valid('PSY000000001')
    False
    """

    id = "au.ahpra-number"
    name = "Australian Ahpra registration number"
    country = "AU"
    source = "https://www.ahpra.gov.au/Registration/Registers-of-Practitioners.aspx"
    expected = "3 letters for the National Board then 10 digits, e.g. PSY0000000001"
    specificity = 70
    lengths = range(13, 14)
    pattern = re.compile(r"(?P<board_prefix>[A-Z]{3})[0-9]{10}")
    shape = re.compile(r"[A-Z]{3}[0-9]{8,12}")

    def details(self, compacted: str) -> dict[str, str]:
        return self._parts(compacted)


KINDS: dict[str, IdentifierKind] = {
    each.id: each
    for each in (
        EuEori(),
        GbEori(),
        EuAeoNumber(),
        CnUscc(),
        CnCustomsCode(),
        CnAeoCode(),
        JpCorporateNumber(),
        JpMraCode(),
        UsNpi(),
        UsEin(),
        UsMid(),
        GbHcpcNumber(),
        AuAhpraNumber(),
    )
}
"""Every identifier kind by id, in the order of the design document."""


def kind(kind_id: str) -> IdentifierKind:
    """Return the kind with this id, or raise UnknownName with did-you-mean suggestions.

    >>> kind("us.npi").name
    'US National Provider Identifier (NPI)'
    """
    try:
        return KINDS[kind_id]
    except (KeyError, TypeError):
        name = str(kind_id)
        raise UnknownName("identifier kind", name, difflib.get_close_matches(name, KINDS)) from None


@dataclass(frozen=True)
class Candidate:
    """One answer of :func:`identify`: a kind the text could be, valid or not, and why."""

    kind: str
    name: str
    valid: bool
    reason: str
    compact: str
    formatted: str | None
    check: str
    details: dict[str, str] = field(hash=False)

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def identify(text: object) -> list[Candidate]:
    """Every kind the text could be meant as, most telling first.

    The order: valid with a matching check digit; right shape but a wrong check digit (most likely
    a typo of that kind); valid by format alone; then the rest, narrower kinds first. Junk (not
    text, empty, far too long) gives an empty list; nothing here raises.

    >>> first = identify("DE AEOF 1234")[0]
    >>> first.kind, first.valid, first.details["type"]
    ('eu.aeo-number', True, 'AEOF')
    >>> [(c.kind, c.valid) for c in identify("1234567890")][0]
    ('us.npi', False)
    """
    if not isinstance(text, str):
        return []
    compacted = _normalise(text)
    ranked = [_candidate(each, compacted) for each in KINDS.values() if each.plausible(compacted)]
    order = list(KINDS)
    ranked.sort(
        key=lambda pair: (pair[1], -KINDS[pair[0].kind].specificity, order.index(pair[0].kind))
    )
    return [candidate for candidate, _ in ranked]


def _candidate(each: IdentifierKind, compacted: str) -> tuple[Candidate, int]:
    """The candidate and its rank: 0 checksum-valid, 1 checksum typo, 2 format-valid, 3 other."""
    try:
        each.validate(compacted)
    except InvalidIdentifier as exc:
        valid, reason, formatted, details = False, exc.message, None, {}
        rank = 1 if isinstance(exc, InvalidChecksum) else 3
    else:
        valid, formatted, details = True, each.format(compacted), each.details(compacted)
        if each.check == "checksum":
            rank, reason = 0, "valid: check digit matches"
        else:
            rank, reason = 2, "valid format (no check digit is published)"
        caveat = each.caveat(compacted)
        if caveat:
            reason = f"{reason}; {caveat}"
    candidate = Candidate(
        kind=each.id,
        name=each.name,
        valid=valid,
        reason=reason,
        compact=compacted,
        formatted=formatted,
        check=each.check,
        details=details,
    )
    return candidate, rank
