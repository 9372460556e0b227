"""Explainable name matching: is the holder a registry shows the one that was claimed?

Names are normalised (Unicode, case, Latin accents, punctuation, legal forms such as "Ltd", "GmbH"
or "株式会社"), then compared by a few small *features*, each a function whose docstring is its
public explanation (as in OpenSanctions' nomenklatura). The weighted features give a score in 0..1,
and the score falls into a band: ``match``, ``review`` (a person should look) or ``no-match``.
Against many names at once, :class:`NameIndex` blocks before it scores: only the names that share
a token with the query are compared.

>>> normalise_name("Shenzhen Synthetic Electronics Co., Ltd.")
'shenzhen synthetic electronics'
>>> normalise_name("株式会社サンプル")
'サンプル'
>>> result = compare_names("ACME Trading Ltd", "Acme Trading Limited")
>>> result.band
<Band.MATCH: 'match'>
>>> print(result.explain())  # doctest: +NORMALIZE_WHITESPACE
1.00 match: 'acme trading' vs 'acme trading': exact 1.00 x1 (identical after normalisation);
legal forms removed: Ltd, Limited

Choices worth knowing:

- Accents are stripped from Latin letters only ("Müller" -> "muller", not "mueller"); kana voicing
  marks, Hangul and CJK characters are kept as they are.
- A legal form is removed as whole words, never as part of a word ("co" in "cobalt" stays). Long,
  unambiguous forms ("ltd", "gmbh", "kabushiki kaisha") go wherever they stand ("Acme Ltd (UK)");
  short ones ("co", "ag", "sa", "b v") only from the end of a name, where they cannot be initials or
  a word of the name ("SA Power Networks" keeps its "sa").
- Chinese and Japanese legal forms are written without spaces, so they are stripped as prefixes
  or suffixes ("株式会社トヨタ", "华为技术有限公司"). "集团" (group) is kept:
  "X集团有限公司" is the group company, a different legal person from "X有限公司", just as
  "X Group Ltd" differs from "X Ltd".
- Chinese, Japanese and Korean text does not separate words with spaces, so when either name is
  mostly in those scripts the characters are compared instead of the words.
- A name in Latin letters and one in Chinese or Japanese characters (the English name of a Chinese
  company against its registered name) cannot be compared as they are:
  :func:`compare_across_scripts` reads the other-script name in Latin letters first (pinyin with
  pypinyin, Hepburn with pykakasi), both imported only when such a pair is met, so
  ``import credverify`` stays light.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz, process

from credverify.errors import InputError

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Band",
    "Feature",
    "NameIndex",
    "NameScore",
    "Reading",
    "Thresholds",
    "characters",
    "compare_across_scripts",
    "compare_names",
    "describe_features",
    "empty",
    "exact",
    "in_other_scripts",
    "latin_reading",
    "legal_forms_in",
    "normalise_name",
    "token_set",
    "token_sort",
]


class Band(StrEnum):
    """What to do with a score: accept it, have a person look, or treat the names as different."""

    MATCH = "match"
    REVIEW = "review"
    NO_MATCH = "no-match"


@dataclass(frozen=True)
class Thresholds:
    """The lowest score of each band: ``match`` at or above ``match``, ``review`` at or above
    ``review``, ``no-match`` below it."""

    match: float = 0.90
    review: float = 0.75

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.match <= 1.0:
            raise InputError(
                f"thresholds must satisfy 0 <= review <= match <= 1; "
                f"got review={self.review}, match={self.match}"
            )

    def band(self, score: float) -> Band:
        """The band a score falls into."""
        if score >= self.match:
            return Band.MATCH
        if score >= self.review:
            return Band.REVIEW
        return Band.NO_MATCH


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Feature:
    """One feature's contribution: its score (0..1), its weight, and what it saw."""

    name: str
    score: float
    weight: float
    detail: str


@dataclass(frozen=True)
class NameScore:
    """The comparison of a claimed name with the name a source shows, and why it scored so."""

    score: float
    band: Band
    claimed: str
    found: str
    claimed_normalised: str
    found_normalised: str
    features: tuple[Feature, ...]
    claimed_legal_forms: tuple[str, ...] = ()
    found_legal_forms: tuple[str, ...] = ()

    @property
    def legal_forms(self) -> tuple[str, ...]:
        """The legal forms removed from either name, claimed name first, each once."""
        return _unique(self.claimed_legal_forms + self.found_legal_forms)

    def explain(self) -> str:
        """One line: score, band, the names compared, each feature with its weight, the detail of
        a feature that decided alone, and the legal forms removed."""
        parts = ", ".join(f"{f.name} {f.score:.2f} x{f.weight:g}" for f in self.features)
        if len(self.features) == 1:
            parts += f" ({self.features[0].detail})"
        text = (
            f"{self.score:.2f} {self.band.value}: "
            f"{self.claimed_normalised!r} vs {self.found_normalised!r}: {parts}"
        )
        if self.legal_forms:
            text += f"; legal forms removed: {', '.join(self.legal_forms)}"
        return text


# Legal forms


@dataclass(frozen=True)
class _LegalForm:
    label: str  # how people write it; what explanations show
    words: tuple[str, ...]  # one spelling, as normalise_name leaves it
    anywhere: bool  # removable anywhere in a name, not only at its end


def _forms(label: str, *spellings: str, anywhere: bool = False) -> list[_LegalForm]:
    # A spelling of single letters ("b v" from "B.V.") could be someone's initials: end only.
    return [
        _LegalForm(label, tuple(s.split()), anywhere and min(len(w) for w in s.split()) > 1)
        for s in spellings
    ]


_LATIN_LEGAL_FORMS: tuple[_LegalForm, ...] = tuple(
    sorted(
        [
            # English
            *_forms("Ltd", "ltd", anywhere=True),
            *_forms("Limited", "limited", anywhere=True),
            *_forms("PLC", "plc", "p l c", anywhere=True),
            *_forms("LLC", "llc", "l l c", anywhere=True),
            *_forms("Inc.", "inc", anywhere=True),
            *_forms("Incorporated", "incorporated", anywhere=True),
            *_forms("Corp.", "corp"),
            *_forms("Corporation", "corporation", anywhere=True),
            *_forms("Co.", "co"),
            *_forms("& Co.", "and co"),
            *_forms("Company", "company"),
            *_forms("LLP", "llp", "l l p", anywhere=True),
            *_forms("LP", "lp", "l p"),
            # German
            *_forms("GmbH", "gmbh", anywhere=True),
            *_forms(
                "GmbH & Co. KG", "gmbh and co kg", "gmbh und co kg", "gmbh co kg", anywhere=True
            ),
            *_forms("AG", "ag"),
            *_forms("KG", "kg"),
            *_forms("OHG", "ohg", anywhere=True),
            *_forms("UG", "ug"),
            *_forms("e.K.", "e k", "ek"),
            # Dutch
            *_forms("B.V.", "bv", "b v"),
            *_forms("N.V.", "nv", "n v"),
            *_forms("VOF", "vof", "v o f"),
            *_forms("C.V.", "cv", "c v"),
            # French
            *_forms("SA", "sa", "s a"),
            *_forms("SAS", "sas", "s a s"),
            *_forms("SASU", "sasu", anywhere=True),
            *_forms("SARL", "sarl", "s a r l", anywhere=True),
            *_forms("EURL", "eurl", anywhere=True),
            *_forms("SNC", "snc"),
            *_forms("SCI", "sci"),
            # Italian and Spanish
            *_forms("S.p.A.", "spa", "s p a"),
            *_forms("S.r.l.", "srl", "s r l"),
            *_forms("S.L.", "sl", "s l"),
            # Danish, Norwegian and Swedish (Maersk A/S): common enough in shipping
            *_forms("A/S", "a s"),
            *_forms("ApS", "aps"),
            *_forms("AB", "ab"),
            # Japanese, in Latin letters
            *_forms("Kabushiki Kaisha", "kabushiki kaisha", "kabushiki gaisha", anywhere=True),
            *_forms("K.K.", "kk", "k k"),
            *_forms("Co., Ltd.", "co ltd", anywhere=True),
        ],
        key=lambda form: -len(form.words),  # the longest spelling wins: "gmbh and co kg", not "kg"
    )
)

# Looked up by the word a form ends with (at the end of a name) or starts with (anywhere).
_FORMS_BY_LAST_WORD: dict[str, list[_LegalForm]] = {}
_ANYWHERE_FORMS_BY_FIRST_WORD: dict[str, list[_LegalForm]] = {}
for _form in _LATIN_LEGAL_FORMS:
    _FORMS_BY_LAST_WORD.setdefault(_form.words[-1], []).append(_form)
    if _form.anywhere:
        _ANYWHERE_FORMS_BY_FIRST_WORD.setdefault(_form.words[0], []).append(_form)
del _form

# Written without spaces, so removed as a prefix or suffix of a word; the longest first.
_CJK_LEGAL_FORMS: tuple[str, ...] = tuple(
    sorted(
        [
            # Chinese (simplified; 有限責任公司 is the traditional spelling)
            "股份有限公司",
            "有限责任公司",
            "有限責任公司",
            "有限公司",
            # Japanese
            "株式会社",
            "有限会社",
            "合同会社",
            "合資会社",
            "合名会社",
        ],
        key=len,
        reverse=True,
    )
)
# "(株)" and "(有)", also written "㈱" and "㈲", are left by the punctuation rule as words of their
# own.
_CJK_ABBREVIATIONS = {"株": "(株)", "有": "(有)"}


# Normalisation

# Hangul Jamo, CJK radicals to unified ideographs (with kana), Hangul, compatibility ideographs,
# and the supplementary ideograph planes.
_CJK = re.compile(
    "[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\U00020000-\U0003ffff]"
)
_ASCII_PUNCTUATION = re.compile("[^a-z0-9]+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc")
# Latin letters that carry no combining mark to strip, but read as these letters.
_LATIN_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "\u0131": "i",  # dotless i
    }
)


def normalise_name(name: str) -> str:
    """The name as it is compared: NFKC, casefolded, Latin accents stripped, ``&`` as "and",
    punctuation as spaces, legal forms removed, spaces collapsed.

    >>> normalise_name("Müller & Söhne GmbH & Co. KG")
    'muller and sohne'
    >>> normalise_name("华为技术有限公司")
    '华为技术'
    """
    return _analyse(name)[0]


def legal_forms_in(name: str) -> tuple[str, ...]:
    """The legal forms :func:`normalise_name` removes from a name, in the order they appear.

    >>> legal_forms_in("Toyota Jidosha Kabushiki Kaisha")
    ('Kabushiki Kaisha',)
    >>> legal_forms_in("ACME Trading Co., Ltd.")
    ('Co., Ltd.',)
    """
    return _analyse(name)[1]


def _analyse(name: str) -> tuple[str, tuple[str, ...]]:
    words: list[str] = []
    found: list[tuple[int, str]] = []  # (word position, label): sorted into reading order
    for word in _words(name):
        stripped, labels = _strip_cjk_forms(word)
        found.extend((len(words), label) for label in labels)
        if stripped:
            words.append(stripped)
    kept = [True] * len(words)
    # Forms at the end first, again and again ("co ltd", "gmbh and co kg", "b v")...
    end = len(words)
    while end > 0 and (form := _form_ending_at(words, end)):
        start = end - len(form.words)
        kept[start:end] = [False] * len(form.words)
        found.append((start, form.label))
        end = start
    # ...then the unambiguous ones wherever they stand.
    position = 0
    while position < end:
        form = _form_starting_at(words, position, end)
        if form is None:
            position += 1
            continue
        kept[position : position + len(form.words)] = [False] * len(form.words)
        found.append((position, form.label))
        position += len(form.words)
    normalised = " ".join(w for w, keep in zip(words, kept, strict=True) if keep)
    return normalised, _unique(label for _, label in sorted(found, key=lambda item: item[0]))


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name).casefold()
    if not text.isascii():
        text = _strip_latin_accents(text).translate(_LATIN_LETTERS)
    text = text.replace("&", " and ").translate(_APOSTROPHES)
    if text.isascii():
        return _ASCII_PUNCTUATION.sub(" ", text).split()
    return "".join(c if c.isalnum() or _is_mark(c) else " " for c in text).split()


def _strip_latin_accents(text: str) -> str:
    # Decompose, then drop a combining mark only when it sits on a Latin letter: the voicing mark
    # of "ガ" and the parts of a Hangul syllable are kept, and composed again below.
    kept: list[str] = []
    on_latin = False
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            if not on_latin:
                kept.append(char)
            continue
        on_latin = _is_latin(char)
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN ")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _strip_cjk_forms(word: str) -> tuple[str, list[str]]:
    if word in _CJK_ABBREVIATIONS:
        return "", [_CJK_ABBREVIATIONS[word]]
    if not _CJK.search(word):
        return word, []
    labels: list[str] = []
    stripped = True
    while stripped and word:
        stripped = False
        for form in _CJK_LEGAL_FORMS:
            if word.startswith(form):
                word, stripped = word[len(form) :], True
            elif word.endswith(form):
                word, stripped = word[: -len(form)], True
            else:
                continue
            labels.append(form)
            break
    return word, labels


def _form_ending_at(words: list[str], end: int) -> _LegalForm | None:
    for form in _FORMS_BY_LAST_WORD.get(words[end - 1], ()):
        start = end - len(form.words)
        if start >= 0 and tuple(words[start:end]) == form.words:
            return form
    return None


def _form_starting_at(words: list[str], start: int, end: int) -> _LegalForm | None:
    for form in _ANYWHERE_FORMS_BY_FIRST_WORD.get(words[start], ()):
        stop = start + len(form.words)
        if stop <= end and tuple(words[start:stop]) == form.words:
            return form
    return None


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _is_cjk_text(normalised: str) -> bool:
    letters = normalised.replace(" ", "")
    return bool(letters) and 2 * len(_CJK.findall(letters)) >= len(letters)


# Features: (claimed, found) as normalised -> (score 0..1, detail); the docstring is the public
# explanation of the feature.


def exact(claimed: str, found: str) -> tuple[float, str]:
    """The names are identical once normalised: a match, whatever the other features say."""
    return (1.0, "identical after normalisation") if claimed == found else (0.0, "not identical")


def token_sort(claimed: str, found: str) -> tuple[float, str]:
    """The words of each name sorted, then compared character by character (rapidfuzz
    ``fuzz.token_sort_ratio``): word order does not matter, spelling does."""
    score = fuzz.token_sort_ratio(claimed, found) / 100
    return score, f"sorted words {_sorted_words(claimed)!r} vs {_sorted_words(found)!r}"


def token_set(claimed: str, found: str) -> tuple[float, str]:
    """The words both names share, compared with each name's remaining words (rapidfuzz
    ``fuzz.token_set_ratio``): a name that adds or leaves out words still scores high."""
    score = fuzz.token_set_ratio(claimed, found) / 100
    claimed_words, found_words = set(claimed.split()), set(found.split())
    shared = ", ".join(sorted(claimed_words & found_words)) or "none"
    only_claimed = ", ".join(sorted(claimed_words - found_words)) or "none"
    only_found = ", ".join(sorted(found_words - claimed_words)) or "none"
    return score, f"shared: {shared}; only claimed: {only_claimed}; only found: {only_found}"


def characters(claimed: str, found: str) -> tuple[float, str]:
    """Chinese, Japanese and Korean names do not separate words with spaces, so their characters
    are compared instead (rapidfuzz ``fuzz.ratio``), spaces ignored."""
    score = fuzz.ratio(claimed.replace(" ", ""), found.replace(" ", "")) / 100
    return score, "CJK text without word spaces: characters compared with fuzz.ratio"


def empty(claimed: str, found: str) -> tuple[float, str]:
    """A name with nothing left once punctuation and legal forms are removed cannot be matched:
    the score is 0 and the band no-match, whatever the thresholds."""
    reasons = []
    for side, name in (("claimed", claimed), ("found", found)):
        if not name.strip():
            reasons.append(f"the {side} name is blank")
        elif not normalise_name(name):
            reasons.append(
                f"nothing is left of the {side} name {name!r} once punctuation and "
                "legal forms are removed"
            )
    return 0.0, "; ".join(reasons) or "neither name is empty"


# Each feature's score alone, for one claimed name against many found ones: what NameIndex ranks
# candidates by. The same scores as the features', to the last bit: rapidfuzz's batch functions
# run the same scorers as its single calls.


def _exact_scores(claimed: str, found: list[str]) -> list[float]:
    return [1.0 if name == claimed else 0.0 for name in found]


def _token_sort_scores(claimed: str, found: list[str]) -> list[float]:
    return _rapidfuzz_scores(fuzz.token_sort_ratio, claimed, found)


def _token_set_scores(claimed: str, found: list[str]) -> list[float]:
    return _rapidfuzz_scores(fuzz.token_set_ratio, claimed, found)


def _characters_scores(claimed: str, found: list[str]) -> list[float]:
    return _rapidfuzz_scores(
        fuzz.ratio, claimed.replace(" ", ""), [name.replace(" ", "") for name in found]
    )


def _rapidfuzz_scores(scorer: Callable[..., float], claimed: str, found: list[str]) -> list[float]:
    scores = [0.0] * len(found)
    for _, score, position in process.extract(claimed, found, scorer=scorer, limit=None):
        scores[position] = score / 100
    return scores


_FeatureFunction = Callable[[str, str], tuple[float, str]]
# An algorithm: its features, each with its batch score (above) and its weight.
_Algorithm = tuple[tuple[_FeatureFunction, Callable[[str, list[str]], list[float]], float], ...]
_EXACT_FEATURES: _Algorithm = ((exact, _exact_scores, 1.0),)
_WORD_FEATURES: _Algorithm = (
    (token_sort, _token_sort_scores, 0.6),
    (token_set, _token_set_scores, 0.4),
)
_CJK_FEATURES: _Algorithm = ((characters, _characters_scores, 1.0),)
_ALL_FEATURES: tuple[_FeatureFunction, ...] = (exact, token_sort, token_set, characters, empty)


def describe_features() -> dict[str, str]:
    """Every feature's public explanation (its docstring), by the name explanations give it."""
    return {f.__name__: " ".join((f.__doc__ or "").split()) for f in _ALL_FEATURES}


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def compare_names(
    claimed: str, found: str, *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> NameScore:
    """Compare a claimed name with the one a source shows, with the reasons for the score.

    >>> compare_names("Acme Trading Ltd", "Globex Corporation").band
    <Band.NO_MATCH: 'no-match'>
    """
    return _compare_analysed(claimed, found, _analyse(claimed), _analyse(found), thresholds)


def _compare_analysed(
    claimed: str,
    found: str,
    claimed_analysis: tuple[str, tuple[str, ...]],
    found_analysis: tuple[str, tuple[str, ...]],
    thresholds: Thresholds,
) -> NameScore:
    # compare_names once both names are analysed (NameIndex analyses its names when they are added).
    claimed_normalised, claimed_forms = claimed_analysis
    found_normalised, found_forms = found_analysis
    nothing_to_compare = not claimed_normalised or not found_normalised
    if nothing_to_compare:
        score, detail = empty(claimed, found)
        features: tuple[Feature, ...] = (Feature("empty", score, 1.0, detail),)
    else:
        cjk = _is_cjk_text(claimed_normalised) or _is_cjk_text(found_normalised)
        features = tuple(
            Feature(function.__name__, _clamp(score), weight, detail)
            for function, _, weight in _algorithm(claimed_normalised == found_normalised, cjk)
            for score, detail in [function(claimed_normalised, found_normalised)]
        )
    score = _total((f.score, f.weight) for f in features)
    return NameScore(
        score=score,
        band=Band.NO_MATCH if nothing_to_compare else thresholds.band(score),
        claimed=claimed,
        found=found,
        claimed_normalised=claimed_normalised,
        found_normalised=found_normalised,
        features=features,
        claimed_legal_forms=claimed_forms,
        found_legal_forms=found_forms,
    )


def _algorithm(identical: bool, cjk: bool) -> _Algorithm:
    # Which features compare two non-empty normalised names: identical ones need no other; if
    # either is mostly CJK, the characters.
    if identical:
        return _EXACT_FEATURES
    return _CJK_FEATURES if cjk else _WORD_FEATURES


# A weighted mean of features that never exceed token_ratio never exceeds it either (give or take
# the rounding of the total).
_TOKEN_RATIO_BOUNDS_WORDS = {f for f, _, _ in _WORD_FEATURES} <= {token_sort, token_set}
_ROUNDING = 1e-4


def _best_scores(
    claimed_normalised: str,
    claimed_cjk: bool,
    found: list[str],
    found_cjk: bytearray,
    keys: list[int],
    limit: int,
) -> dict[int, float]:
    # By position in `found`: the score compare_names gives each found name that can be among the
    # best `limit` keys, to the last bit, without the details that explain it. Names that share
    # an algorithm are scored together, each feature in one rapidfuzz call.
    scores: dict[int, float] = {}

    def score(positions: list[int], cjk: bool, *, identical: bool = False) -> None:
        names = [found[p] for p in positions]
        weighted = _weighted(claimed_normalised, names, cjk, identical=identical)
        scores.update(zip(positions, weighted, strict=True))

    if claimed_normalised in found:
        identical = [p for p, name in enumerate(found) if name == claimed_normalised]
        score(identical, claimed_cjk, identical=True)
    rest = [p for p in range(len(found)) if p not in scores]
    if claimed_cjk or any(found_cjk):
        score([p for p in rest if claimed_cjk or found_cjk[p]], True)
        rest = [p for p in rest if p not in scores]
    if not _TOKEN_RATIO_BOUNDS_WORDS:
        score(rest, False)
        return scores
    # Branch and bound: each word feature is at most rapidfuzz's token_ratio (the larger of
    # token_sort and token_set), and so is their weighted mean. Names are scored in growing
    # chunks, highest bound first, until no bound left can reach the limit-th best key's score.
    bounded = process.extract(
        claimed_normalised, [found[p] for p in rest], scorer=fuzz.token_ratio, limit=None
    )
    start, chunk = 0, 4 * limit
    while start < len(bounded):
        if _limit_th_best(scores, keys, limit) > bounded[start][1] / 100 + _ROUNDING:
            break
        score([rest[i] for _, _, i in bounded[start : start + chunk]], False)
        start, chunk = start + chunk, 2 * chunk
    return scores


def _limit_th_best(scores: dict[int, float], keys: list[int], limit: int) -> float:
    # The score a key must beat to be among the best `limit` keys so far (-1 while fewer).
    best: dict[int, float] = {}
    for position, score in scores.items():
        key = keys[position]
        if score > best.get(key, -1.0):
            best[key] = score
    return heapq.nlargest(limit, best.values())[-1] if len(best) >= limit else -1.0


def _weighted(
    claimed_normalised: str, found: list[str], cjk: bool, *, identical: bool = False
) -> list[float]:
    # _total's arithmetic, in the same order, down the lists (rapidfuzz scores lie in 0..100, so
    # _clamp changes nothing).
    totals = [0.0] * len(found)
    weights = 0.0
    for _, scores_of, weight in _algorithm(identical, cjk):
        totals = [
            total + score * weight
            for total, score in zip(totals, scores_of(claimed_normalised, found), strict=True)
        ]
        weights += weight
    return [round(total / weights, 4) for total in totals]


def _total(scores_and_weights: Iterable[tuple[float, float]]) -> float:
    total = weights = 0.0
    for score, weight in scores_and_weights:
        total += score * weight
        weights += weight
    # Rounded, so that float noise (0.8999999...) does not move a score across a threshold.
    return _clamp(round(total / weights, 4))


def _clamp(score: float) -> float:
    return min(1.0, max(0.0, score)) if score == score else 0.0  # NaN counts as no evidence


# Blocked search: block -> score -> band over many names


# Splitting a word with a capturing group leaves its CJK runs at the odd positions.
_CJK_RUNS = re.compile(f"({_CJK.pattern}+)")
_AFFIX_LENGTH = 4
_PAIRED_WORDS = 6  # pairs among a name's first six words: fifteen at most


class NameIndex:
    """Names by key, indexed by token for blocking: only candidates that share a token are scored.

    Blocking, as in nomenklatura's xref (block -> score -> band):

    - **Tokens.** A name is normalised (:func:`normalise_name`) and cut into tokens: its words
      (Latin and other spaced scripts); the character bigrams of each CJK run, since Chinese and
      Japanese names have no spaces ("深圳合成电子" -> 深圳, 圳合, 合成, 成电, 电子); and each
      pair of its words (of the first six), rarer than either word alone.
    - **Fuzzy keys**, so that one typo still finds its name: a word of four letters or more also
      gives its first four and its last four letters ("synthetik" shares "synt" with
      "synthetic"), and the name gives three keys of its shape: the first four letters of every
      word, sorted ("synt trad"), the last four, and the first two with the last two. One wrong,
      missing or extra letter in a word of six letters or more leaves one of the three intact.
    - **Inverted index.** token -> names (each under its key), in the order they were added.
    - **Candidates.** The query's tokens are taken rarest first (fewest names, then
      alphabetically, so that every run gives the same answer), and their names collected until
      they hold ``max_candidates`` keys: a query made only of common words ("Global Trading")
      does bounded work, at the price that when more than ``max_candidates`` keys share its
      rarest token, only those added first are scored.
    - **Scoring.** Candidates are ranked by exactly the score :func:`compare_names` gives them,
      computed without the explanation, each feature in one rapidfuzz call over many names.
      Latin names are scored highest bound first (rapidfuzz's ``token_ratio`` bounds both word
      features), until no bound left can reach the ``limit``-th best key. Each key counts with
      its best name; ties go to the smaller key. The best ``limit`` keys are then compared in
      full, so each result is an explainable :class:`NameScore`, banded by the index's
      thresholds.

    A key may carry several names (a Japanese and an English one); each distinct normalised name is
    kept. A name with nothing left once normalised ("Ltd.") is not indexed: it could never match.

    >>> index = NameIndex()
    >>> index.add(1, "Shenzhen Synthetic Electronics Co., Ltd.")
    >>> index.add(1, "深圳合成电子有限公司")
    >>> index.add(2, "Acme Trading Ltd")
    >>> [(key, result.band.value) for key, result in index.search("深圳合成电子")]
    [(1, 'match')]
    >>> key, result = index.search("SHENZHEN SYNTHETIC ELECTRONIC")[0]
    >>> print(key, result.explain())  # doctest: +NORMALIZE_WHITESPACE
    1 0.98 match: 'shenzhen synthetic electronic' vs 'shenzhen synthetic electronics':
    token_sort 0.98 x0.6, token_set 0.98 x0.4; legal forms removed: Co., Ltd.
    """

    def __init__(
        self, *, thresholds: Thresholds = DEFAULT_THRESHOLDS, max_candidates: int = 200
    ) -> None:
        if max_candidates < 1:
            raise InputError(f"max_candidates must be at least 1; got {max_candidates}")
        self.thresholds = thresholds
        self.max_candidates = max_candidates
        # One entry per name, numbered in the order added; flat lists rather than an object per
        # name, since a search reads a few fields of some 200 names scattered over the index.
        self._key = array("q")  # contiguous: blocking reads the key of every entry it meets
        self._name: list[str] = []
        self._normalised: list[str] = []
        self._legal_forms: list[tuple[str, ...]] = []
        self._cjk = bytearray()
        self._entries_by_key: dict[int, list[int]] = {}
        self._entries_by_token: dict[str, list[int]] = {}

    def add(self, key: int, name: str) -> None:
        """Index ``name`` under ``key``; a key may have several names, and each is kept."""
        if not isinstance(name, str):
            raise InputError(f"a name must be text; got {type(name).__name__}")
        normalised, legal_forms = _analyse(name)
        if not normalised:
            return
        entries = self._entries_by_key.setdefault(key, [])
        if any(self._normalised[entry] == normalised for entry in entries):
            return
        entry = len(self._key)
        entries.append(entry)
        self._key.append(key)
        self._name.append(name)
        self._normalised.append(normalised)
        self._legal_forms.append(legal_forms)
        self._cjk.append(_is_cjk_text(normalised))
        for token in _blocking_tokens(normalised):
            self._entries_by_token.setdefault(token, []).append(entry)

    def __len__(self) -> int:
        """The number of distinct keys with at least one indexed name."""
        return len(self._entries_by_key)

    def candidates(self, name: str) -> set[int]:
        """The keys blocking offers for ``name`` (the step before scoring); empty for junk."""
        normalised = _query_analysis(name)[0]
        return {self._key[entry] for entry in self._block(normalised)} if normalised else set()

    def search(self, name: str, *, limit: int = 5) -> list[tuple[int, NameScore]]:
        """The best ``limit`` keys for ``name``, best first, each with the comparison of its best
        name; only candidates from blocking are scored. Junk or empty input gives ``[]``."""
        claimed_analysis = _query_analysis(name)
        claimed_normalised = claimed_analysis[0]
        if not claimed_normalised or not isinstance(limit, int) or limit < 1:
            return []
        entries = self._block(claimed_normalised)
        keys = list(map(self._key.__getitem__, entries))
        scores = _best_scores(
            claimed_normalised,
            _is_cjk_text(claimed_normalised),
            list(map(self._normalised.__getitem__, entries)),
            bytearray(map(self._cjk.__getitem__, entries)),
            keys,
            limit,
        )
        # Best score first, then the smaller key, then the name added first.
        ranked = sorted((-score, keys[p], entries[p]) for p, score in scores.items())
        results: list[tuple[int, NameScore]] = []
        seen: set[int] = set()
        for _, key, entry in ranked:
            if key in seen:
                continue  # a key counts with its best name only
            seen.add(key)
            found_analysis = (self._normalised[entry], self._legal_forms[entry])
            found = self._name[entry]
            results.append(
                (
                    key,
                    _compare_analysed(
                        name, found, claimed_analysis, found_analysis, self.thresholds
                    ),
                )
            )
            if len(results) == limit:
                break
        return results

    def _block(self, normalised: str) -> list[int]:
        # The names that share a token with the query: tokens rarest first, until the names
        # hold max_candidates keys.
        postings = sorted(
            (len(entries), token, entries)
            for token in _blocking_tokens(normalised)
            if (entries := self._entries_by_token.get(token))
        )
        found: set[int] = set()
        keys: set[int] = set()
        for _, _, entries in postings:
            start = 0
            while start < len(entries):
                room = self.max_candidates - len(keys)
                if room == 0:
                    return list(found)
                taken = entries[start : start + room]  # each brings at most one new key
                found.update(taken)
                keys.update(map(self._key.__getitem__, taken))
                start += room
        return list(found)


def _query_analysis(name: object) -> tuple[str, tuple[str, ...]]:
    # Search never raises: anything that is not text is no name (any text normalises).
    return _analyse(name) if isinstance(name, str) else ("", ())


def _blocking_tokens(normalised: str) -> set[str]:
    # Namespaced by punctuation, which normalised words never contain: "+" a pair of words, "<"
    # and ">" a word's first and last letters; "^", "$" and "~" those of every word, sorted (the
    # shape of the whole name); bare words and CJK bigrams.
    if normalised.isascii():
        words = normalised.split()
        tokens = set(words)
    else:
        words, tokens = [], set()
        for word in normalised.split():
            for position, part in enumerate(_CJK_RUNS.split(word)):
                if position % 2:  # a CJK run
                    tokens.update(part[i : i + 2] for i in range(max(1, len(part) - 1)))
                elif part:
                    words.append(part)
                    tokens.add(part)
    long_words = [word for word in words if len(word) >= _AFFIX_LENGTH]
    tokens.update(["<" + word[:_AFFIX_LENGTH] for word in long_words])
    tokens.update([word[-_AFFIX_LENGTH:] + ">" for word in long_words])
    if words:
        paired = sorted(set(words[:_PAIRED_WORDS]))
        tokens.update([f"+{first} {second}" for first, second in combinations(paired, 2)])
        tokens.add("^" + " ".join(sorted([word[:_AFFIX_LENGTH] for word in words])))
        tokens.add("$" + " ".join(sorted([word[-_AFFIX_LENGTH:] for word in words])))
        tokens.add("~" + " ".join(sorted([word[:2] + word[-2:] for word in words])))
    return tokens


# Names across scripts: read the Chinese or Japanese name in Latin letters, then compare.

_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile("[\u2e80-\u2fdf\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_JAPANESE_PLACES = frozenset({"JP"})
_CHINESE_PLACES = frozenset({"CN", "HK", "MO", "TW"})


@dataclass(frozen=True)
class Reading:
    """A name read in Latin letters, and the romanisation that read it."""

    text: str
    system: str


def in_other_scripts(claimed: str, found: str) -> bool:
    """One name is in Latin (or another spaced) script, the other mostly in Chinese, Japanese or
    Korean characters: the words cannot be compared as they are written.

    >>> in_other_scripts("Huawei Technologies Co., Ltd.", "华为技术有限公司")
    True
    >>> in_other_scripts("Acme Ltd", "Acme Limited")
    False
    """
    first, second = normalise_name(claimed), normalise_name(found)
    return bool(first and second) and _is_cjk_text(first) != _is_cjk_text(second)


def latin_reading(name: str, jurisdiction: str | None = None) -> Reading | None:
    """The name, legal forms removed, in Latin letters: Japanese (the jurisdiction is JP, or the
    name has kana) by Hepburn romanisation with pykakasi, Chinese by toneless pinyin with
    pypinyin. None when there is nothing to read: no Chinese or Japanese characters (Hangul is
    not read).

    >>> latin_reading("华为技术有限公司").text
    'hua wei ji shu'
    >>> latin_reading("架空精機株式会社", "JP").text
    'kakuu seiki'
    """
    normalised = normalise_name(name)
    kana = bool(_KANA.search(normalised))
    if not kana and not _HAN.search(normalised):
        return None
    place = (jurisdiction or "").upper().split("-")[0]
    if place in _JAPANESE_PLACES or (kana and place not in _CHINESE_PLACES):
        words = (w["hepburn"] for part in normalised.split() for w in _kakasi().convert(part))
        return Reading(" ".join(w for w in words if w.strip()), "Hepburn, pykakasi")
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(normalised)
    return Reading(" ".join(s for s in syllables if s.strip()), "pinyin, pypinyin")


def compare_across_scripts(
    claimed: str,
    found: str,
    jurisdiction: str | None = None,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[Reading, NameScore] | None:
    """The claimed name against ``found`` when one is in Latin letters and the other in Chinese
    or Japanese characters: the other-script name is read in Latin letters, and the two compared
    with their spaces removed, since romanisations split syllables where English splits words
    ("Shanghai" against "shang hai"). None when the names are in the same script, or the other
    script cannot be read (Hangul).

    >>> reading, score = compare_across_scripts("Huawei Technologies", "华为技术有限公司")
    >>> reading.text, score.band.value
    ('hua wei ji shu', 'no-match')
    >>> reading, score = compare_across_scripts("Kakuu Seiki K.K.", "架空精機株式会社", "JP")
    >>> reading.text, score.band.value
    ('kakuu seiki', 'match')
    """
    if not in_other_scripts(claimed, found):
        return None
    latin_claimed = not _is_cjk_text(normalise_name(claimed))
    latin, other = (claimed, found) if latin_claimed else (found, claimed)
    reading = latin_reading(other, jurisdiction)
    if reading is None:
        return None
    joined_latin = normalise_name(latin).replace(" ", "")
    joined_reading = reading.text.replace(" ", "")
    score = compare_names(joined_latin, joined_reading, thresholds=thresholds)
    return reading, score


@cache
def _kakasi() -> Any:
    # Built once: pykakasi loads its dictionaries when the converter is made.
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]
