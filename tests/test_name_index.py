"""The blocked name index as a batch run uses it: a supplier's name, written however the supplier
wrote it, finds the registry entry it belongs to among thousands, best first, and every result
explains itself like any other name comparison."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from credverify.errors import InputError
from credverify.matching import Band, NameIndex, Thresholds, compare_names, normalise_name

# Synthetic names from word lists: distinctive words made of syllables, places, sectors and legal
# forms, as a supplier list mixes them.
SYLLABLES = (
    "ka", "lo", "mi", "ra", "ten", "vor", "sel", "dan", "bri", "qua", "zen", "tor", "mar", "pel",
    "nix", "gal", "ber", "sun", "hol", "wex", "fin", "dro", "sta", "lum", "cor", "vin", "tal",
    "rus", "bel", "om",
)  # fmt: skip
PLACES = (
    "shenzhen", "shanghai", "ningbo", "rotterdam", "hamburg", "antwerp", "lyon", "milano",
    "madrid", "osaka", "busan", "gdansk",
)  # fmt: skip
SECTORS = (
    "trading", "international", "global", "logistics", "electronics", "industrial", "holdings",
    "shipping", "textile", "import", "export", "technology", "services", "machinery", "chemicals",
    "foods", "metal", "precision", "pacific",
)  # fmt: skip
LEGAL_FORMS = ("Ltd", "Limited", "Co., Ltd.", "GmbH", "B.V.", "S.A.", "Inc.", "LLC", "S.r.l.", "")


def synthetic_names(count: int, seed: int) -> list[str]:
    """`count` different company names (different once normalised), always the same for a seed."""
    rng = random.Random(seed)
    distinctive = sorted(
        {"".join(rng.choices(SYLLABLES, k=rng.choice((2, 3, 3, 4)))) for _ in range(count)}
    )
    names: dict[str, str] = {}
    while len(names) < count:
        words = [rng.choice(PLACES)] if rng.random() < 0.3 else []
        words += rng.sample(distinctive, k=2 if rng.random() < 0.25 else 1)
        words += rng.sample(SECTORS, k=rng.choice((1, 1, 2)))
        name = " ".join(word.title() for word in words) + " " + rng.choice(LEGAL_FORMS)
        names.setdefault(normalise_name(name), name.strip())
    return list(names.values())


def with_one_typo(name: str, rng: random.Random) -> str:
    """The name with one letter replaced, dropped, doubled or swapped with its neighbour."""
    position = rng.choice([i for i, char in enumerate(name[:-1]) if char.isalpha()])
    letter = rng.choice(string.ascii_lowercase)
    return rng.choice(
        (
            name[:position] + letter + name[position + 1 :],
            name[:position] + name[position + 1 :],
            name[:position] + name[position] + name[position:],
            name[:position] + name[position + 1] + name[position] + name[position + 2 :],
        )
    )


def with_legal_form_noise(name: str, rng: random.Random) -> str:
    """The same company as a form or another registry writes it: case and legal form change."""
    bare = name
    for form in sorted(LEGAL_FORMS, key=len, reverse=True):
        if form and bare.endswith(" " + form):
            bare = bare[: -len(form) - 1]
            break
    return rng.choice((str.upper, str.lower, str.title))(bare) + " " + rng.choice(LEGAL_FORMS)


def index_of(names: list[str], *, max_candidates: int = 200) -> NameIndex:
    index = NameIndex(max_candidates=max_candidates)
    for key, name in enumerate(names):
        index.add(key, name)
    return index


@pytest.fixture(scope="module")
def suppliers() -> NameIndex:
    index = NameIndex()
    for key, name in [
        (1, "Müller & Söhne GmbH & Co. KG"),
        (2, "ACME Trading Ltd"),
        (3, "Acme Trading Europe B.V."),
        (4, "Globex Corporation"),
        (5, "Société Générale S.A."),
        (6, "深圳合成电子有限公司"),
        (7, "深圳精密机械有限公司"),
        (8, "上海合成化工有限公司"),
        (9, "株式会社サンプル"),
        (10, "Toyota Jidosha Kabushiki Kaisha"),
        (10, "トヨタ自動車株式会社"),  # one company, its English and its Japanese name
        (11, "Rotterdam Logistics B.V."),
    ]:
        index.add(key, name)
    return index


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("MULLER AND SOHNE", 1),  # accents, "&" and the legal form
        ("Acme Trading Limited", 2),  # "Ltd" and "Limited" are one legal form
        ("acme trading", 2),  # case
        ("SOCIETE GENERALE", 5),
        ("Rotterdam Logistics BV", 11),
    ],
)
def test_a_name_written_differently_finds_its_entry_first(
    suppliers: NameIndex, query: str, key: int
) -> None:
    found_key, result = suppliers.search(query)[0]

    assert found_key == key
    assert result.score == 1.0
    assert result.band is Band.MATCH


def test_a_typo_in_a_rare_word_finds_its_entry_among_ten_thousand_names() -> None:
    # Half the other names say "Trading" too, so that word alone would offer thousands of
    # candidates; "Synthetik" shares its first letters and the shape of the name with "Synthetic".
    names = [*synthetic_names(10_000, seed=1), "Syntax Trading Co.", "Synthesis Foods Ltd"]
    names = [name if i % 2 else f"{name} Trading" for i, name in enumerate(names)]
    index = index_of([*names, "Synthetic Trading Ltd"])
    target = len(names)

    results = index.search("Synthetik Trading")

    assert target in index.candidates("Synthetik Trading")
    assert results[0][0] == target
    assert results[0][1].band is Band.MATCH
    assert results[0][1].found == "Synthetic Trading Ltd"


def test_a_chinese_name_is_found_by_its_character_bigrams(suppliers: NameIndex) -> None:
    # No spaces to cut words at: "深圳合成电子" is blocked as 深圳, 圳合, 合成, 成电, 电子.
    results = suppliers.search("深圳合成电子")

    assert results[0][0] == 6
    assert results[0][1].band is Band.MATCH
    assert results[0][1].found == "深圳合成电子有限公司"
    # Names sharing only "深圳" or "合成" come after it, far below the match band.
    assert {key for key, _ in results[1:]} <= {7, 8}
    assert all(result.band is Band.NO_MATCH for _, result in results[1:])


def test_a_chinese_name_with_an_extra_word_is_found_for_review(suppliers: NameIndex) -> None:
    key, result = suppliers.search("深圳合成电子科技有限公司")[0]

    assert key == 6
    assert result.band is Band.REVIEW


@pytest.mark.parametrize("query", ["サンプル株式会社", "株式会社サンプル", "ｻﾝﾌﾟﾙ(株)", "サンプル"])
def test_a_japanese_name_is_found_whatever_side_its_legal_form_is_on(
    suppliers: NameIndex, query: str
) -> None:
    key, result = suppliers.search(query)[0]

    assert key == 9
    assert result.score == 1.0
    assert result.legal_forms in {(), ("株式会社",), ("(株)", "株式会社")}


@pytest.mark.parametrize(
    "query", ["TOYOTA JIDOSHA K.K.", "Toyota Jidosha", "トヨタ自動車㈱", "トヨタ自動車"]
)
def test_a_key_with_an_english_and_a_japanese_name_is_found_by_either(
    suppliers: NameIndex, query: str
) -> None:
    results = suppliers.search(query)

    assert results[0][0] == 10
    assert results[0][1].band is Band.MATCH
    assert [key for key, _ in results].count(10) == 1  # once, with its best name


def test_the_index_counts_keys_not_names(suppliers: NameIndex) -> None:
    assert len(suppliers) == 11


def test_results_come_best_first_up_to_the_limit(suppliers: NameIndex) -> None:
    results = suppliers.search("Acme Trading", limit=2)

    assert [key for key, _ in results] == [2, 3]
    assert results[0][1].score == 1.0
    assert results[1][1].band is Band.REVIEW  # "Europe" is an extra word
    assert len(suppliers.search("Acme Trading", limit=1)) == 1


def test_scores_are_ordered_and_explained_like_compare_names() -> None:
    names = synthetic_names(2_000, seed=2)
    index = index_of(names)
    query = with_one_typo(names[123], random.Random(3))

    results = index.search(query, limit=10)

    scores = [result.score for _, result in results]
    assert scores == sorted(scores, reverse=True)
    assert len({key for key, _ in results}) == len(results)
    for key, result in results:
        assert result.found == names[key]
        assert result.score == compare_names(query, names[key]).score
        assert result.explain() == compare_names(query, names[key]).explain()


def test_the_index_thresholds_decide_the_band() -> None:
    strict = NameIndex(thresholds=Thresholds(match=0.99, review=0.95))
    strict.add(1, "Acme Trading Europe")

    ((_, result),) = strict.search("Acme Trading")

    assert result.band is Band.NO_MATCH  # about 0.86: review by default, not here


def test_a_query_of_common_words_only_does_bounded_work() -> None:
    names = [f"{name} Trading" for name in synthetic_names(3_000, seed=4)]
    index = index_of(names, max_candidates=50)

    assert len(index.candidates("Trading")) == 50
    assert len(index.search("Trading", limit=5)) == 5


@pytest.mark.parametrize(
    "junk", ["", "   ", "Ltd.", "Co., Ltd.", "!!!", "🙂", "\x00", None, b"Acme", 42, ["Acme"]]
)
def test_junk_finds_nothing_and_raises_nothing(suppliers: NameIndex, junk: object) -> None:
    assert suppliers.search(junk) == []  # type: ignore[arg-type]
    assert suppliers.candidates(junk) == set()  # type: ignore[arg-type]


def test_a_limit_below_one_finds_nothing(suppliers: NameIndex) -> None:
    assert suppliers.search("Acme Trading", limit=0) == []


def test_a_name_with_nothing_left_once_normalised_is_not_indexed() -> None:
    index = NameIndex()
    index.add(1, "Co., Ltd.")
    index.add(2, "Acme Ltd")
    index.add(2, "ACME LIMITED")  # the same name once normalised: kept once

    assert len(index) == 1
    assert [key for key, _ in index.search("Acme")] == [2]


def test_bad_settings_are_refused() -> None:
    with pytest.raises(InputError, match="max_candidates"):
        NameIndex(max_candidates=0)
    with pytest.raises(InputError, match="a name must be text"):
        NameIndex().add(1, None)  # type: ignore[arg-type]


@given(st.text())
def test_any_text_searches_without_error(query: str) -> None:
    index = NameIndex()
    for key, name in enumerate(["Acme Trading Ltd", "深圳合成电子有限公司", "株式会社サンプル"]):
        index.add(key, name)

    results = index.search(query, limit=2)

    assert len(results) <= 2
    assert all(0.0 <= result.score <= 1.0 for _, result in results)


def exhaustive_top_key(query: str, names: list[str], normalised: list[str]) -> tuple[int, float]:
    """The key of the best ``compare_names`` score over every name (ties: the smaller key).

    Calling compare_names 5,000 times per query would take minutes for 300 queries, so names are
    visited by an upper bound of their score, best first, and the visit stops once no bound left
    can beat the best score found: for two different Latin names, compare_names is a weighted mean
    of rapidfuzz's token_sort_ratio and token_set_ratio, so it never exceeds token_ratio (the
    larger of the two). The bound itself is checked in the test below.
    """
    query_normalised = normalise_name(query)
    bounds = process.extract(query_normalised, normalised, scorer=fuzz.token_ratio, limit=None)
    best_key, best_score = -1, -1.0
    for _, bound, key in bounds:
        if bound / 100 + 1e-4 < best_score:
            break
        score = compare_names(query, names[key]).score
        if (score, -key) > (best_score, -best_key):
            best_key, best_score = key, score
    return best_key, best_score


@pytest.mark.slow  # 5,000 names, 300 queries each compared exhaustively
def test_the_index_agrees_with_exhaustive_comparison_on_99_percent_of_queries() -> None:
    names = synthetic_names(5_000, seed=5)
    normalised = [normalise_name(name) for name in names]
    index = index_of(names)
    rng = random.Random(6)
    queries = [
        (with_one_typo if i % 2 else with_legal_form_noise)(rng.choice(names), rng)
        for i in range(300)
    ]

    agreed = 0
    for query in queries:
        expected_key, expected_score = exhaustive_top_key(query, names, normalised)
        results = index.search(query, limit=1)
        agreed += bool(results) and results[0][0] == expected_key
        if results:
            assert results[0][1].score <= expected_score  # never better than the exhaustive best

    assert agreed >= 0.99 * len(queries), f"{agreed} of {len(queries)}"


def test_compare_names_never_exceeds_token_ratio_for_latin_names() -> None:
    # The premise of exhaustive_top_key's shortcut, on pairs of synthetic names.
    names = synthetic_names(400, seed=7)
    rng = random.Random(8)
    for _ in range(2_000):
        claimed, found = with_one_typo(rng.choice(names), rng), rng.choice(names)
        bound = fuzz.token_ratio(normalise_name(claimed), normalise_name(found)) / 100
        assert compare_names(claimed, found).score <= bound + 1e-4
