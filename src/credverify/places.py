"""Places as people write them: one parser for every country and subdivision input.

``Claim``, ``Target``, every CLI flag and every batch column go through :func:`parse_place`:
ISO 3166-1 alpha-2 and alpha-3 codes, ISO 3166-2 subdivisions (``US-TX``), English names as ISO
3166 gives them (pycountry's data, https://pypi.org/project/pycountry/), the aliases people write
(UK, Holland, USA, Deutschland, 中国...: ``registries/places.toml``), US states by name or code
where a state is expected, and the unions and territories of the knowledge base (EU, EEA, XI).
Anything else is an :class:`~credverify.errors.InputError` of one line with suggestions.

>>> parse_place("Netherlands"), parse_place("holland"), parse_place("NLD"), parse_place("UK")
('NL', 'NL', 'NL', 'GB')
>>> parse_place("Texas", country="US"), parse_place("tx", country="US"), parse_place("us-ca")
('US-TX', 'US-TX', 'US-CA')
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from credverify.errors import InputError

__all__ = ["parse_place", "place_name", "suggest_places"]

_SUBDIVISION = re.compile(r"([A-Z]{2})-([A-Z0-9]{1,3})")


@dataclass(frozen=True)
class _Places:
    """Every spelling the parser knows, keyed by its comparison form, and every valid code."""

    by_spelling: dict[str, str]
    countries: frozenset[str]
    subdivisions: dict[str, str]  # code -> name
    extra: frozenset[str]  # unions and territories
    names: dict[str, str]  # code -> English name


def _key(text: str) -> str:
    """How spellings are compared: NFKC, case-folded, dots and spaces collapsed, accents kept."""
    text = unicodedata.normalize("NFKC", text).casefold().replace(".", " ")
    return " ".join(text.replace("_", " ").split())


def _iso(standard: str) -> list[dict[str, str]]:
    # pycountry's JSON read directly: building its objects costs tens of milliseconds.
    spec = importlib.util.find_spec("pycountry")
    if spec is None or spec.origin is None:  # pragma: no cover - a declared dependency
        raise InputError("pycountry is not installed: places cannot be read")
    database = Path(spec.origin).parent / "databases" / f"iso{standard}.json"
    entries: list[dict[str, str]] = json.loads(database.read_bytes())[standard]
    return entries


@cache
def _places() -> _Places:
    from credverify.knowledge import bundled_registries_dir

    data = tomllib.loads((bundled_registries_dir() / "places.toml").read_text(encoding="utf-8"))
    by_spelling: dict[str, str] = {}
    names: dict[str, str] = {}
    countries = set()
    for entry in _iso("3166-1"):
        code = entry["alpha_2"]
        countries.add(code)
        names[code] = entry.get("common_name") or entry["name"]
        for field in ("name", "common_name", "official_name", "alpha_3"):
            if entry.get(field):
                by_spelling.setdefault(_key(entry[field]), code)
    subdivisions = {e["code"]: e["name"] for e in _iso("3166-2")}
    extra = frozenset(data["codes"]["unions"]) | frozenset(data["codes"]["territories"])
    for alias, code in data["aliases"].items():
        by_spelling[_key(alias)] = code
    return _Places(by_spelling, frozenset(countries), subdivisions, extra, names)


def parse_place(text: str, *, what: str = "jurisdiction", country: str | None = None) -> str:
    """The ISO code of a place as written: ``NL``, ``US-TX``, ``GB``, ``EU``, ``XI``.

    ``country`` says the place is expected inside that country (a US state column): a bare
    two-letter code or a name is then read as one of its subdivisions first (``CA`` is
    California, not Canada). Raises InputError naming ``what`` and the closest spellings.
    """
    raw = " ".join(str(text).split())
    if not raw:
        raise InputError(f"{what}: empty; expected a country or state, e.g. NL or US-TX")
    places = _places()
    upper = raw.upper()
    if country:
        inside = f"{country}-{upper}"
        if inside in places.subdivisions:
            return inside
        named = _subdivision_named(raw, country)
        if named is not None:
            return named
    if upper in places.countries or upper in places.extra or upper in places.subdivisions:
        return upper
    if _SUBDIVISION.fullmatch(upper) and upper.split("-")[0] in places.countries:
        raise InputError(f"{what}: {raw!r} is not a subdivision of {upper[:2]} in ISO 3166-2")
    found = places.by_spelling.get(_key(raw)) or _translated().get(_key(raw))
    if found is not None:
        return found
    named = _subdivision_named(raw, "US")  # "Texas" alone: the only states the tool knows
    if named is not None:
        return named
    hints = suggest_places(raw)
    hint = f"; did you mean {' or '.join(hints)}?" if hints else ""
    raise InputError(
        f"{what}: unknown place {raw!r}{hint} (expected an ISO code such as NL or US-TX, or a "
        "country name)"
    )


# The languages of the schemes' countries and of the lists people send: country names in these
# come from pycountry's own translations of ISO 3166-1, not from a table kept here.
LANGUAGES = (
    "de", "fr", "nl", "es", "it", "pt", "pl", "cs", "sv", "da", "nb", "fi", "ja", "ko",
    "zh_CN", "zh_TW",
)  # fmt: skip


@cache
def _translated() -> dict[str, str]:
    """Country names in :data:`LANGUAGES` (Norvège, Niederlande, 荷兰...) -> alpha-2; read only
    when a spelling is not an ISO code, an English name or an alias."""
    import gettext

    spec = importlib.util.find_spec("pycountry")
    if spec is None or spec.origin is None:  # pragma: no cover - a declared dependency
        return {}
    locales = Path(spec.origin).parent / "locales"
    english = {}
    for entry in _iso("3166-1"):
        for field in ("name", "common_name", "official_name"):
            if entry.get(field):
                english[entry[field]] = entry["alpha_2"]
    names: dict[str, str] = {}
    for language in LANGUAGES:
        try:
            catalog = gettext.translation("iso3166-1", str(locales), languages=[language])
        except OSError:
            continue
        for name, code in english.items():
            local = catalog.gettext(name)
            if local != name:
                names.setdefault(_key(local), code)
    return names


def _subdivision_named(name: str, country: str) -> str | None:
    wanted = _key(name)
    for code, sub_name in _places().subdivisions.items():
        if code.startswith(f"{country}-") and _key(sub_name) == wanted:
            return code
    return None


def suggest_places(text: str, limit: int = 3) -> list[str]:
    """The closest known spellings of ``text``, as ``'Netherlands' (NL)``."""
    places = _places()
    close = difflib.get_close_matches(_key(text), list(places.by_spelling), n=limit, cutoff=0.75)
    return [f"{c.title()!r} ({places.by_spelling[c]})" for c in close]


def place_name(code: str) -> str:
    """A code's English name for messages: ``NL`` -> ``Netherlands``; unknown codes as given."""
    places = _places()
    return places.names.get(code) or places.subdivisions.get(code) or code
