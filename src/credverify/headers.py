"""Column headers as people write them: which role a supplier list's or roster's column plays.

The synonyms are data (``registries/headers.toml``), in the languages of the schemes credverify
knows (English, German, French, Dutch, Spanish, Italian, Polish, Chinese, Japanese). Headers are
compared in a normalised form (:func:`header_key`): Unicode compatibility forms folded (full-width
letters, brackets), case and accents ignored, spaces and punctuation dropped. A header with a
parenthesised part, as bilingual lists write them, matches on the whole or on either part.

>>> role_of("EORI / AEO No."), role_of("USCC (统一社会信用代码)"), role_of("Corp. No (法人番号)")
('identifier', 'uscc', 'corporate_number')
>>> role_of("AEO-Bewilligungsnummer"), role_of("海关信用等级"), role_of("区分"), role_of("Notes")
('aeo_number', 'aeo_tier', 'aeo_tier', None)
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from credverify.errors import KnowledgeBaseError

__all__ = [
    "CLAIM_ROLES",
    "ROLES",
    "HeaderSynonyms",
    "header_key",
    "header_synonyms",
    "load_header_synonyms",
    "role_of",
]

ROLES: dict[str, str] = {
    "holder": "who holds the credential",
    "country": "where it was issued",
    "identifier": "an identifier of any kind, recognised value by value",
    "scheme": "a scheme or certificate type",
    "eori": "an EORI number",
    "aeo_number": "an AEO authorisation or code",
    "aeo_tier": "an AEO tier or level",
    "uscc": "a Chinese unified social credit code",
    "corporate_number": "a Japanese corporate number",
    "npi": "a US National Provider Identifier",
    "licence_type": "a US licence type",
    "licence_state": "the US state of a licence",
    "hcpc_number": "an HCPC registration number",
    "bacp_number": "a BACP membership number",
    "psypact": "a PSYPACT authority",
    "ctpat": "a CTPAT tier",
}
"""Every role a column can play, the ones the batch runner reads, with what each holds."""

CLAIM_ROLES = frozenset(ROLES) - {"holder", "country", "licence_state"}
"""Roles that make a claim on their own: a file needs at least one of them to be checked."""

# Brackets that set off a second name: ASCII, and the CJK forms NFKC leaves alone.
_PARENTHESISED = re.compile(r"^(.*?)[(\[\u3010\u3014](.+?)[)\]\u3011\u3015]\s*$")


def header_key(text: str) -> str:
    """The form headers are compared in: compatibility forms folded, accents and case dropped,
    only letters and digits kept.

    >>> header_key("EORI-Nummer"), header_key("Société")
    ('eorinummer', 'societe')
    >>> header_key("\\uff25\\uff2f\\uff32\\uff29\\u3000\\uff2e\\uff4f\\uff0e")  # full-width
    'eorino'

    """
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text)).casefold()
    kept = "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))
    # Recompose so that Japanese voiced kana compare as they are written.
    return unicodedata.normalize("NFC", kept)


def _keys(header: str) -> list[str]:
    """The keys a header is looked up under, most specific first: the whole header, then the
    part before a parenthesised name, then the name inside it."""
    text = unicodedata.normalize("NFKC", header)
    keys = [header_key(text)]
    if parts := _PARENTHESISED.match(text):
        keys += [header_key(parts.group(1)), header_key(parts.group(2))]
    return [key for key in dict.fromkeys(keys) if key]


@dataclass(frozen=True)
class HeaderSynonyms:
    """Every header spelling, by role as written and by its normalised key."""

    by_role: dict[str, tuple[str, ...]]
    by_key: dict[str, str]

    def role_of(self, header: str) -> str | None:
        """The role ``header`` names, or None."""
        for key in _keys(header):
            if key in self.by_key:
                return self.by_key[key]
        return None


def load_header_synonyms(path: Path) -> HeaderSynonyms:
    """Load and check a header synonyms file: every role is one the batch reads, every synonym
    a non-empty string, and no synonym (in its normalised form) belongs to two roles."""
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as problem:
        raise KnowledgeBaseError(f"{name}: cannot be read: {problem}", path=str(path)) from None
    roles = data.get("roles")
    if not isinstance(roles, Mapping):
        raise KnowledgeBaseError(f"{name}: expected a [roles] table", path=str(path))
    by_role: dict[str, tuple[str, ...]] = {}
    by_key: dict[str, str] = {}
    written: dict[str, str] = {}
    for role, synonyms in roles.items():
        if role not in ROLES:
            from credverify.knowledge import _unknown

            raise KnowledgeBaseError(
                f"{name}: {_unknown('role', role, ROLES)}", path=str(path), key=f"roles.{role}"
            )
        if not isinstance(synonyms, list) or not all(
            isinstance(s, str) and header_key(s) for s in synonyms
        ):
            raise KnowledgeBaseError(
                f"{name}: roles.{role}: expected a list of header names with letters or digits",
                path=str(path),
                key=f"roles.{role}",
            )
        by_role[role] = tuple(synonyms)
        for synonym in synonyms:
            key = header_key(synonym)
            other = by_key.setdefault(key, role)
            if other != role:
                raise KnowledgeBaseError(
                    f"{name}: the header {synonym!r} is claimed by two roles: {other} (as "
                    f"{written[key]!r}) and {role}; keep it in one",
                    path=str(path),
                    key=f"roles.{role}",
                )
            written.setdefault(key, synonym)
    return HeaderSynonyms(by_role, by_key)


@cache
def header_synonyms() -> HeaderSynonyms:
    """The bundled header synonyms (``registries/headers.toml``), loaded once."""
    from credverify.knowledge import bundled_registries_dir

    return load_header_synonyms(bundled_registries_dir() / "headers.toml")


def role_of(header: str) -> str | None:
    """The role the bundled synonyms give ``header``, or None."""
    return header_synonyms().role_of(header)
