"""Name matching as a reviewer sees it: the same company written differently matches, different
companies do not, the band follows the thresholds, and every score says why."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credverify.errors import InputError
from credverify.matching import (
    Band,
    Thresholds,
    compare_names,
    describe_features,
    legal_forms_in,
    normalise_name,
)

# "Full Width" in full-width letters and an ideographic space, as East Asian forms often send it.
FULL_WIDTH_NAME = "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in "Full Width")


@pytest.mark.parametrize(
    ("claimed", "found"),
    [
        ("ACME Trading Ltd", "Acme Trading Limited"),
        ("Shenzhen Synthetic Electronics Co., Ltd.", "SHENZHEN SYNTHETIC ELECTRONICS CO LTD"),
        ("深圳合成电子有限公司", "深圳合成电子"),
        ("株式会社サンプル", "サンプル株式会社"),  # the same legal form, written before or after
        ("ｻﾝﾌﾟﾙ株式会社", "サンプル"),  # half-width katakana, as old systems export it
        ("トヨタ自動車㈱", "トヨタ自動車株式会社"),  # ㈱ is the one-character abbreviation
        ("Toyota Jidosha Kabushiki Kaisha", "TOYOTA JIDOSHA K.K."),
        ("Rotterdam Logistics B.V.", "Rotterdam Logistics BV"),
        ("Lyon Import SARL", "LYON IMPORT S.A.R.L."),
        ("Müller & Söhne GmbH & Co. KG", "MULLER AND SOHNE"),
        ("Trading Acme Ltd", "Acme Trading Ltd"),  # word order does not matter
        ("O'Reilly Media, Inc.", "OReilly Media Incorporated"),
    ],
)
def test_the_same_company_written_differently_is_a_match(claimed: str, found: str) -> None:
    result = compare_names(claimed, found)

    assert result.band is Band.MATCH, result.explain()
    assert result.score >= 0.9


def test_identical_after_normalisation_scores_exactly_one() -> None:
    result = compare_names("ACME Trading Ltd", "Acme Trading Limited")

    assert result.score == 1.0
    assert result.claimed_normalised == result.found_normalised == "acme trading"
    assert [feature.name for feature in result.features] == ["exact"]


def test_muller_and_mueller_are_a_match_just_above_the_threshold() -> None:
    # Accent stripping turns "ü" into "u", not the German "ue": "muller" against "mueller" differ
    # by one letter in seven, which scores 0.92, just inside the default match band (0.90). A
    # stricter caller sees it move to review.
    result = compare_names("Müller GmbH", "Mueller")

    assert (result.claimed_normalised, result.found_normalised) == ("muller", "mueller")
    assert result.score == pytest.approx(0.92, abs=0.01)
    assert result.band is Band.MATCH
    assert compare_names("Müller GmbH", "Mueller", thresholds=Thresholds(match=0.95)).band == (
        Band.REVIEW
    )


def test_a_chinese_group_company_is_not_its_subsidiary() -> None:
    # 集团 ("group") is kept: the group company is a different legal person.
    assert normalise_name("华为集团有限公司") == "华为集团"
    assert compare_names("华为技术有限公司", "华为集团有限公司").band is Band.NO_MATCH


@pytest.mark.parametrize(
    ("claimed", "found"),
    [
        ("Acme Trading Ltd", "Globex Corporation"),
        ("Rotterdam Logistics B.V.", "Hamburg Shipping GmbH"),
        ("深圳合成电子有限公司", "上海精密机械有限公司"),
        ("株式会社サンプル", "株式会社トヨタ"),
        ("深圳合成电子", "Shenzhen Synthetic Electronics"),  # different scripts: no transliteration
    ],
)
def test_clearly_different_names_are_no_match(claimed: str, found: str) -> None:
    result = compare_names(claimed, found)

    assert result.band is Band.NO_MATCH, result.explain()
    assert result.score < 0.5


def test_an_extra_word_puts_a_name_in_review() -> None:
    result = compare_names("Acme Trading", "Acme Trading Europe")

    assert result.band is Band.REVIEW
    assert "only found: europe" in result.features[1].detail


def test_the_band_moves_with_the_thresholds() -> None:
    claimed, found = "Acme Trading", "Acme Trading Europe"  # scores about 0.86

    assert compare_names(claimed, found).band is Band.REVIEW
    assert compare_names(claimed, found, thresholds=Thresholds(match=0.8)).band is Band.MATCH
    strict = Thresholds(match=0.99, review=0.95)
    assert compare_names(claimed, found, thresholds=strict).band is Band.NO_MATCH


@pytest.mark.parametrize(
    ("match", "review"), [(0.7, 0.8), (1.5, 0.75), (0.9, -0.1), (float("nan"), 0.5)]
)
def test_thresholds_out_of_order_or_range_are_refused(match: float, review: float) -> None:
    with pytest.raises(InputError, match="0 <= review <= match <= 1"):
        Thresholds(match=match, review=review)


def test_explain_names_the_features_their_weights_and_the_legal_forms_removed() -> None:
    result = compare_names("ACME Trading GmbH", "Acme Trading Europe Ltd")

    text = result.explain()

    assert text.startswith(f"{result.score:.2f} review: 'acme trading' vs 'acme trading europe': ")
    assert "token_sort 0.77 x0.6, token_set 1.00 x0.4" in text
    assert text.endswith("legal forms removed: GmbH, Ltd")


def test_explain_says_why_an_exact_match_scored_one() -> None:
    text = compare_names("株式会社サンプル", "サンプル株式会社").explain()

    assert text == (
        "1.00 match: 'サンプル' vs 'サンプル': exact 1.00 x1 (identical after normalisation); "
        "legal forms removed: 株式会社"
    )


def test_cjk_names_are_compared_by_characters_and_the_explanation_says_so() -> None:
    result = compare_names("深圳合成电子有限公司", "深圳合成电子科技有限公司")

    assert [feature.name for feature in result.features] == ["characters"]
    assert "characters compared with fuzz.ratio" in result.explain()
    assert result.band is Band.REVIEW  # 6 of 8 characters shared: 0.86


@pytest.mark.parametrize(
    ("claimed", "found"),
    [("", "Acme Ltd"), ("   ", "Acme Ltd"), ("Acme Ltd", "\t\n"), ("", ""), ("Ltd.", "Acme Ltd")],
)
def test_an_empty_name_scores_zero_and_no_match(claimed: str, found: str) -> None:
    result = compare_names(claimed, found, thresholds=Thresholds(match=0.0, review=0.0))

    assert result.score == 0.0
    assert result.band is Band.NO_MATCH
    assert [feature.name for feature in result.features] == ["empty"]


def test_the_explanation_of_an_empty_name_says_what_was_empty() -> None:
    assert "the claimed name is blank" in compare_names("  ", "Acme").explain()
    assert "nothing is left of the found name 'Co., Ltd.'" in (
        compare_names("Acme", "Co., Ltd.").explain()
    )


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("ACME Trading Co., Ltd.", "acme trading"),
        ("Société Générale S.A.", "societe generale"),
        ("Ørsted A/S", "orsted"),
        ("Smith & Co", "smith"),
        ("Acme Ltd (UK)", "acme uk"),  # a long form goes wherever it stands
        ("SA Power Networks", "sa power networks"),  # a short one only at the end
        ("B.V. Holding", "b v holding"),
        ("Cobalt Corp", "cobalt"),  # "co" is a word of its own or nothing
        ("华为技术有限公司", "华为技术"),
        ("株式会社トヨタ", "トヨタ"),
        ("ガス株式会社", "ガス"),  # kana voicing marks are not accents
        (FULL_WIDTH_NAME + "\u3000Ltd", "full width"),
        ("Straße GmbH", "strasse"),
    ],
)
def test_normalise_name(name: str, normalised: str) -> None:
    assert normalise_name(name) == normalised


def test_legal_forms_in_lists_what_is_removed_in_reading_order() -> None:
    assert legal_forms_in("Müller GmbH & Co. KG") == ("GmbH & Co. KG",)
    assert legal_forms_in("株式会社サンプル Ltd") == ("株式会社", "Ltd")
    assert legal_forms_in("Acme Trading") == ()


def test_every_feature_has_a_public_explanation() -> None:
    explanations = describe_features()

    assert set(explanations) == {"exact", "token_sort", "token_set", "characters", "empty"}
    assert all(len(text) > 40 for text in explanations.values())


@given(st.text(), st.text())
def test_any_pair_of_texts_scores_within_zero_and_one_and_symmetrically(
    claimed: str, found: str
) -> None:
    result = compare_names(claimed, found)

    assert 0.0 <= result.score <= 1.0
    assert all(0.0 <= feature.score <= 1.0 for feature in result.features)
    assert compare_names(found, claimed).score == result.score
    assert result.explain()


@given(st.text())
def test_normalising_twice_changes_nothing(name: str) -> None:
    assert normalise_name(normalise_name(name)) == normalise_name(name)


# -- names across scripts -----------------------------------------------------------------------


def test_a_chinese_name_is_read_in_pinyin_and_a_japanese_one_in_hepburn() -> None:
    from credverify.matching import latin_reading

    chinese = latin_reading("上海骏澜物流有限公司", "CN")
    japanese = latin_reading("ナキハ物流株式会社", "JP")

    assert chinese is not None
    assert chinese.text == "shang hai jun lan wu liu"
    assert japanese is not None
    assert japanese.text == "nakiha butsuryuu"
    assert latin_reading("Acme Ltd") is None


def test_names_in_one_script_are_not_compared_across_scripts() -> None:
    from credverify.matching import compare_across_scripts

    assert compare_across_scripts("Acme Trading Ltd", "Acme Trading Limited") is None
    assert compare_across_scripts("华为技术有限公司", "华为技术") is None


def test_a_romanised_name_matches_its_characters_whichever_side_is_claimed() -> None:
    from credverify.matching import Band, compare_across_scripts

    for claimed, found in (
        ("Shanghai Junlan Wuliu Co., Ltd.", "上海骏澜物流有限公司"),
        ("上海骏澜物流有限公司", "Shanghai Junlan Wuliu Co., Ltd."),
    ):
        compared = compare_across_scripts(claimed, found, "CN")
        assert compared is not None
        assert compared[1].band is Band.MATCH
