"""Predecessor schemes: before 2021-01-01 a UK AEO was an EU AEO authorisation issued by the UK,
so an earlier claim is judged as one, and the assessment says so; the knowledge base refuses a
predecessor it cannot resolve."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from credverify import knowledge
from credverify.errors import KnowledgeBaseError
from credverify.recognition import assess
from credverify.records import Claim, Outcome, Target, TraceVerdict

IN_NL = Target("NL", "aeo-security-benefits")
UK_AEOS_2019 = Claim(
    scheme="gb.aeo", tier="AEOS", identifier="GBAEOS1234567", valid_from=date(2019, 3, 1)
)


def test_gb_aeo_names_eu_aeo_as_its_predecessor_until_2021() -> None:
    predecessor = knowledge.load().scheme("gb.aeo").predecessor
    assert predecessor is not None
    assert (predecessor.scheme, predecessor.until) == ("eu.aeo", date(2021, 1, 1))
    assert predecessor.url
    assert predecessor.url.startswith("https://")


def test_a_uk_aeo_of_2019_is_recognised_in_the_netherlands_in_2019_as_an_eu_aeo() -> None:
    verdict = assess([UK_AEOS_2019], IN_NL, date(2019, 6, 1))

    assert verdict.outcome is Outcome.RECOGNIZED
    assert verdict.bases[0].scheme == "eu.aeo"
    assert "before 2021-01-01: eu.aeo" in verdict.bases[0].message
    step = next(s for s in verdict.trace if s.rule == "scheme:gb.aeo#predecessor")
    assert step.verdict is TraceVerdict.APPLIED
    assert "judged as eu.aeo" in step.message
    assert "not-in-force" not in {g.code.value for g in verdict.gaps}


def test_the_same_authorisation_counts_as_a_uk_aeo_after_2021() -> None:
    verdict = assess([UK_AEOS_2019], IN_NL, date(2022, 6, 1))

    assert verdict.outcome is Outcome.RECOGNIZED
    assert verdict.bases[0].scheme == "gb.aeo"
    step = next(s for s in verdict.trace if s.rule == "scheme:gb.aeo#predecessor")
    assert "held as gb.aeo from 2021-01-01" in step.message


def test_a_uk_customs_simplifications_aeo_stays_outside_security_benefits_in_2019() -> None:
    claim = Claim(scheme="gb.aeo", tier="AEOC")

    verdict = assess([claim], IN_NL, date(2019, 6, 1))

    assert verdict.outcome is Outcome.NOT_RECOGNIZED
    assert "tier-not-covered" in {g.code.value for g in verdict.blockers}
    assert any(g.facts.get("claimed_scheme") == "gb.aeo" for g in verdict.gaps)


SCHEME = """
id = "xx.new"
name = "A successor scheme"
authority = "Test authority"
kind = "trade"
jurisdiction = "NL"
citation = "A test citation"
checked = 2026-11-29
"""


def write_scheme(root: Path, predecessor: str) -> None:
    (root / "schemes").mkdir(parents=True, exist_ok=True)
    (root / "schemes" / "xx.new.toml").write_text(SCHEME + predecessor, encoding="utf-8")


def test_a_predecessor_the_knowledge_base_lacks_is_refused_with_a_suggestion(
    tmp_path: Path,
) -> None:
    write_scheme(
        tmp_path, '[predecessor]\nscheme = "eu.ao"\nuntil = 2021-01-01\ncitation = "Law 1"\n'
    )
    with pytest.raises(KnowledgeBaseError, match=r"predecessor\.scheme.*did you mean 'eu\.aeo'"):
        knowledge.load(tmp_path)


def test_a_predecessor_without_its_end_date_is_refused(tmp_path: Path) -> None:
    write_scheme(tmp_path, '[predecessor]\nscheme = "eu.aeo"\ncitation = "Law 1"\n')
    with pytest.raises(KnowledgeBaseError, match=r"predecessor\.until"):
        knowledge.load(tmp_path)
