"""The knowledge base: every scheme of DESIGN.md, dated legal bases, unions over time, overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from credverify import knowledge
from credverify.errors import KnowledgeBaseError, UnknownName

DESIGN_SCHEME_IDS = {
    "eu.aeo", "gb.aeo", "cn.aeo", "jp.aeo", "us.ctpat", "eu.eori", "gb.eori", "us.npi",
    "us.licence.psychologist", "us.licence.counselor", "us.licence.social-worker",
    "us.licence.mft", "us.psypact", "us.counseling-compact", "gb.hcpc", "gb.bacp", "gb.ukcp",
    "gb.babcp", "gb.swe", "au.ahpra", "us.oig.leie",
}  # fmt: skip
DESIGN_ADAPTER_IDS = {
    "gb.hmrc.eori", "eu.eos.eori", "eu.eos.aeo", "us.nppes.npi", "us.oig.leie", "jp.customs.aeo",
    "cn.gacc.credit", "gb.hcpc.register", "gb.bacp.register", "us.psypact.register",
    "us.cbp.ctpat", "demo.snapshot",
}  # fmt: skip


@pytest.fixture(scope="module")
def kb() -> knowledge.KnowledgeBase:
    return knowledge.load()


def test_every_design_scheme_is_in_the_knowledge_base(kb: knowledge.KnowledgeBase) -> None:
    assert set(kb.schemes) >= DESIGN_SCHEME_IDS


def test_every_scheme_is_sourced_and_names_only_known_adapters(
    kb: knowledge.KnowledgeBase,
) -> None:
    for scheme in kb.schemes.values():
        assert scheme.citation, scheme.id
        assert scheme.checked, scheme.id
        assert set(scheme.adapters) <= DESIGN_ADAPTER_IDS, scheme.id
        for basis in scheme.legal_basis:
            assert basis.citation, (scheme.id, basis.id)


def test_china_aeo_follows_the_gacc_orders_over_time(kb: knowledge.KnowledgeBase) -> None:
    cn = kb.scheme("cn.aeo")
    orders = {b.id: b for b in cn.legal_basis}
    assert list(orders) == ["gacc-order-225", "gacc-order-237", "gacc-order-251", "gacc-order-282"]
    assert orders["gacc-order-225"].start == date(2014, 12, 1)
    assert orders["gacc-order-251"].start == date(2021, 11, 1)
    assert orders["gacc-order-282"].start == date(2026, 4, 1)
    assert cn.tier("general").until == date(2021, 11, 1)
    assert cn.tier("certified").start == date(2026, 4, 1)
    basis_2019 = cn.basis_on(date(2019, 6, 1))
    assert basis_2019 is not None
    assert basis_2019.id == "gacc-order-237"
    assert "general" in basis_2019.tiers
    basis_2022 = cn.basis_on(date(2022, 1, 1))
    assert basis_2022 is not None
    assert basis_2022.tiers == ("advanced",)


def test_an_unknown_scheme_suggests_the_nearest(kb: knowledge.KnowledgeBase) -> None:
    with pytest.raises(UnknownName, match=r"did you mean 'cn\.aeo'"):
        kb.scheme("cn.aoe")


def test_union_membership_follows_the_dates(kb: knowledge.KnowledgeBase) -> None:
    assert kb.within("NL", "EU", date(2026, 11, 29))
    assert kb.within("GB", "EU", date(2020, 6, 1))  # withdrawn, but in the transition period
    assert not kb.within("GB", "EU", date(2021, 1, 1))
    assert not kb.within("HR", "EU", date(2013, 6, 30))
    assert kb.within("HR", "EU", date(2013, 7, 1))
    assert kb.within("NO", "EEA", date(2026, 1, 1))
    assert not kb.within("NO", "EU", date(2026, 1, 1))
    assert kb.areas_of("US-CA", date(2026, 1, 1)) == ["US-CA", "US"]
    assert kb.country_of("XI") == "GB"
    assert "EU" in kb.areas_of("XI", date(2022, 1, 1))


def _write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL_SCHEME = """
id = "{id}"
name = "{name}"
authority = "Test authority"
kind = "trade"
jurisdiction = "NL"
citation = "A test citation"
checked = 2026-11-29
"""


def test_overrides_add_and_replace_entries_by_id(tmp_path: Path) -> None:
    _write(tmp_path, "schemes/us.npi.toml", MINIMAL_SCHEME.format(id="us.npi", name="Replaced"))
    _write(tmp_path, "schemes/xx.test.toml", MINIMAL_SCHEME.format(id="xx.test", name="Added"))
    kb = knowledge.load(tmp_path)
    assert kb.scheme("us.npi").name == "Replaced"
    assert kb.scheme("xx.test").name == "Added"
    assert kb.scheme("eu.aeo").tiers  # the rest still comes from the bundled files


def test_overrides_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, "schemes/xx.env.toml", MINIMAL_SCHEME.format(id="xx.env", name="From env"))
    monkeypatch.setenv("CREDVERIFY_REGISTRIES", str(tmp_path))
    assert knowledge.load().scheme("xx.env").name == "From env"


def test_a_misspelt_key_is_reported_with_path_key_and_suggestion(tmp_path: Path) -> None:
    text = MINIMAL_SCHEME.format(id="xx.bad", name="Bad") + (
        '\n[[tiers]]\nid = "t1"\nname = "Tier"\nform = 2020-01-01\n'
    )
    path = _write(tmp_path, "schemes/xx.bad.toml", text)
    with pytest.raises(KnowledgeBaseError) as caught:
        knowledge.load(tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert "tiers[0].form" in message
    assert "did you mean 'from'" in message


def test_a_file_whose_name_differs_from_its_id_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "schemes/xx.one.toml", MINIMAL_SCHEME.format(id="xx.two", name="Odd"))
    with pytest.raises(KnowledgeBaseError, match="does not match the file name"):
        knowledge.load(tmp_path)


def test_an_unknown_identifier_kind_is_refused(tmp_path: Path) -> None:
    text = MINIMAL_SCHEME.format(id="xx.kind", name="K") + 'identifier_kinds = ["us.np"]\n'
    _write(tmp_path, "schemes/xx.kind.toml", text)
    with pytest.raises(KnowledgeBaseError, match=r"did you mean 'us\.npi'"):
        knowledge.load(tmp_path)


def test_a_legal_basis_naming_a_missing_tier_is_refused(tmp_path: Path) -> None:
    text = MINIMAL_SCHEME.format(id="xx.tier", name="T") + (
        '\n[[legal_basis]]\nid = "law"\ntitle = "Law"\ntiers = ["gold"]\ncitation = "Law 1"\n'
    )
    _write(tmp_path, "schemes/xx.tier.toml", text)
    with pytest.raises(KnowledgeBaseError, match="unknown tier 'gold'"):
        knowledge.load(tmp_path)


def test_broken_toml_is_reported_with_its_path(tmp_path: Path) -> None:
    path = _write(tmp_path, "schemes/xx.broken.toml", "id = \n")
    with pytest.raises(KnowledgeBaseError, match="not valid TOML") as caught:
        knowledge.load(tmp_path)
    assert str(path) in str(caught.value)
