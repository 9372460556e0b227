"""Closed rule vocabularies: a typo in the knowledge base is a load error that names the file, the
key and the closest valid value, never a rule the engine silently skips."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from credverify import knowledge
from credverify.cli import main
from credverify.errors import KnowledgeBaseError
from credverify.knowledge import Condition, ConditionCheck
from credverify.recognition import CONDITION_JUDGES, assess
from credverify.records import Claim, Outcome, Target

BUNDLED = knowledge.bundled_registries_dir()
EU_AEOS_IN_CHINA = (Claim(scheme="eu.aeo", tier="AEOS", jurisdiction="DE"),)
IN_CHINA = Target("CN", "aeo-security-benefits")
DAY = date(2026, 11, 29)


def _write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _bundled_with(name: str, old: str, new: str) -> str:
    """A bundled file's text with one change, as a reviewer's typo would make it."""
    text = (BUNDLED / name).read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {name}"
    return text.replace(old, new, 1)


def _load_error(root: Path) -> str:
    with pytest.raises(KnowledgeBaseError) as caught:
        knowledge.load(root)
    return str(caught.value)


def test_a_condition_typo_in_a_bundled_style_file_is_a_load_error(tmp_path: Path) -> None:
    text = _bundled_with("arrangements/eu-cn-mra.toml", 'check = "confirm"', 'check = "confrim"')
    path = _write(tmp_path, "arrangements/eu-cn-mra.toml", text)
    message = _load_error(tmp_path)
    assert message.startswith(f"{path}: grants[2].conditions[0].check: unknown check 'confrim'")
    assert "did you mean 'confirm'?" in message
    assert "valid: confirm, home-state-member, issued-in-area" in message


def test_without_the_typo_a_denied_condition_still_blocks() -> None:
    """What the typo used to undo: a denied consent makes the EU AEO not recognised in China."""
    denied = assess(EU_AEOS_IN_CHINA, IN_CHINA, DAY, facts={"data-sharing-consent": False})
    assert denied.outcome is Outcome.NOT_RECOGNIZED
    assert any("data exchange" in (g.remedy or "") for g in denied.blockers)


ARRANGEMENT = """
id = "xx-test-mra"
kind = "{kind}"
title = "A test arrangement"
parties = ["EU", "{party}"]
citation = "A test citation"
checked = 2026-11-29

[[grants]]
id = "g"
holder = {{ scheme = "{scheme}", tiers = ["{tier}"] }}
recognized_in = "{recognized_in}"
benefits = ["{benefit}"]

[[grants.conditions]]
id = "c"
description = "A condition"
check = "{check}"
"""
GOOD = {
    "kind": "mutual-recognition",
    "party": "CN",
    "scheme": "eu.aeo",
    "tier": "AEOS",
    "recognized_in": "CN",
    "benefit": "aeo-security-benefits",
    "check": "confirm",
}


def test_a_well_formed_arrangement_loads(tmp_path: Path) -> None:
    _write(tmp_path, "arrangements/xx-test-mra.toml", ARRANGEMENT.format(**GOOD))
    assert knowledge.load(tmp_path).arrangement("xx-test-mra").grants[0].id == "g"


@pytest.mark.parametrize(
    ("field", "typo", "key", "expected"),
    [
        ("kind", "mutual-recogniton", "kind", "did you mean 'mutual-recognition'?"),
        ("check", "confrim", "grants[0].conditions[0].check", "did you mean 'confirm'?"),
        ("scheme", "eu.aoe", "grants[0].holder.scheme", "did you mean 'eu.aeo'?"),
        ("tier", "AEOSS", "grants[0].holder.tiers[0]", "did you mean 'AEOS'?"),
        ("benefit", "aeo-security-benefit", "grants[0].benefits[0]", "did you mean"),
        ("recognized_in", "membres", "grants[0].recognized_in", "did you mean 'members'?"),
        ("recognized_in", "Eu", "grants[0].recognized_in", "unknown jurisdiction 'Eu'"),
        ("party", "XZ", "parties[1]", "unknown jurisdiction 'XZ'"),
    ],
)
def test_an_unknown_value_names_the_file_the_key_and_the_closest_valid_one(
    tmp_path: Path, field: str, typo: str, key: str, expected: str
) -> None:
    text = ARRANGEMENT.format(**{**GOOD, field: typo})
    path = _write(tmp_path, "arrangements/xx-test-mra.toml", text)
    message = _load_error(tmp_path)
    assert message.startswith(f"{path}: {key}: "), message
    assert expected in message
    assert "\n" not in message


def test_a_us_state_code_is_checked_against_iso_3166_2(tmp_path: Path) -> None:
    text = _bundled_with("arrangements/psypact.toml", 'code = "US-AZ"', 'code = "US-AX"')
    path = _write(tmp_path, "arrangements/psypact.toml", text)
    message = _load_error(tmp_path)
    assert message.startswith(f"{path}: members[1].code: unknown jurisdiction 'US-AX'")
    assert "did you mean" in message


def test_a_condition_that_could_not_be_judged_is_refused(tmp_path: Path) -> None:
    area_missing = ARRANGEMENT.format(**{**GOOD, "check": "issued-in-area"})
    _write(tmp_path, "arrangements/xx-test-mra.toml", area_missing)
    assert "needs an 'area'" in _load_error(tmp_path)


def test_a_home_state_condition_needs_a_companion_issued_in_members(tmp_path: Path) -> None:
    text = _bundled_with(
        "arrangements/psypact.toml",
        'requires = [{ scheme = "us.licence.psychologist", issued_in = "members" }]',
        'requires = [{ scheme = "us.licence.psychologist" }]',
    )
    path = _write(tmp_path, "arrangements/psypact.toml", text)
    message = _load_error(tmp_path)
    assert message.startswith(f"{path}: grants[0]: ")
    assert "issued_in = 'members'" in message


ACTIVITY = """
[[activities]]
id = "xx-activity"
kind = "{kind}"
title = "A test activity"
unrecognized_gap = "{gap}"

[[activities.requirements]]
in = "{area}"
native = [{{ scheme = "eu.aeo", issued_in = "{issued_in}" }}]
citation = "A test citation"
checked = 2026-11-29
remedy = "Get one."
route = "{route}"
"""
GOOD_ACTIVITY = {
    "kind": "trade",
    "gap": "no-arrangement",
    "area": "EU",
    "issued_in": "EU",
    "route": "gb-hcpc-international-route",
}


@pytest.mark.parametrize(
    ("field", "typo", "key", "expected"),
    [
        ("kind", "trades", "activities[0].kind", "did you mean 'trade'?"),
        ("gap", "no-arrangment", "activities[0].unrecognized_gap", "did you mean 'no-arrangement'"),
        ("gap", "tier-not-covered", "activities[0].unrecognized_gap", "valid: no-arrangement"),
        ("area", "EUR", "activities[0].requirements[0].in", "unknown jurisdiction 'EUR'"),
        ("issued_in", "members", "activities[0].requirements[0].native[0].issued_in", "jurisd"),
        ("route", "eu-cn-mra", "activities[0].requirements[0].route", "not a route"),
        ("route", "gb-hcpc-route", "activities[0].requirements[0].route", "unknown route"),
    ],
)
def test_an_activity_with_an_unknown_value_is_refused(
    tmp_path: Path, field: str, typo: str, key: str, expected: str
) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"  # load() is cached per directory
    _write(good, "activities.toml", ACTIVITY.format(**GOOD_ACTIVITY))
    assert knowledge.load(good).activity("xx-activity").requirements[0].area == "EU"
    path = _write(bad, "activities.toml", ACTIVITY.format(**{**GOOD_ACTIVITY, field: typo}))
    message = _load_error(bad)
    assert message.startswith(f"{path}: {key}: "), message
    assert expected in message


def test_a_scheme_naming_a_missing_successor_basis_is_refused(tmp_path: Path) -> None:
    text = _bundled_with(
        "schemes/cn.aeo.toml", 'superseded_by = "gacc-order-237"', 'superseded_by = "gacc-237"'
    )
    path = _write(tmp_path, "schemes/cn.aeo.toml", text)
    message = _load_error(tmp_path)
    assert str(path) in message
    assert "did you mean 'gacc-order-237'?" in message


def test_every_condition_check_has_exactly_one_judge() -> None:
    assert set(CONDITION_JUDGES) == set(ConditionCheck)


def test_the_engine_refuses_a_check_it_has_no_judge_for() -> None:
    """A knowledge base built in code, past the load checks, still cannot skip a condition."""
    kb = knowledge.load()
    arrangement = kb.arrangement("eu-cn-mra")
    grant = arrangement.grants[2]
    typo = Condition.model_construct(
        id="data-sharing-consent", description="Consent", remedy="", check="confrim", area=None
    )
    broken_grant = grant.model_copy(update={"conditions": (typo,)})
    broken = arrangement.model_copy(update={"grants": (*arrangement.grants[:2], broken_grant)})
    patched = knowledge.KnowledgeBase(
        kb.schemes,
        kb.unions,
        kb.territories,
        kb.sources,
        {**kb.arrangements, "eu-cn-mra": broken},
        kb.activities,
    )
    with pytest.raises(KnowledgeBaseError, match=r"unknown condition check 'confrim'.*'confirm'"):
        assess(EU_AEOS_IN_CHINA, IN_CHINA, DAY, knowledge=patched)


def test_the_home_state_condition_gives_its_remedy() -> None:
    claims = [
        Claim(scheme="us.licence.psychologist", jurisdiction="US-CA"),
        Claim(scheme="us.psypact", tier="apit"),
    ]
    a = assess(claims, Target("US-TX", "telehealth:psychology"), DAY)
    assert a.outcome is Outcome.NOT_RECOGNIZED
    home = next(g for g in a.blockers if "home state US-CA" in g.message)
    assert "PSYPACT member state" in (home.remedy or "")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ("schemes", "list"),
        ("assess", "--scheme", "eu.aeo", "--tier", "AEOS", "--from", "DE", "--to", "CN"),
    ],
)
def test_a_condition_typo_in_an_override_directory_exits_2_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    text = _bundled_with("arrangements/eu-cn-mra.toml", 'check = "confirm"', 'check = "confrim"')
    path = _write(tmp_path, "arrangements/eu-cn-mra.toml", text)
    code, err = _cli(capsys, "--registries", str(tmp_path), *command)
    assert code == 2
    assert err.strip().count("\n") == 0, err
    assert re.search(
        re.escape(f"{path}: grants[2].conditions[0].check: unknown check 'confrim'"),
        err.replace("\n", ""),
    )
    assert "Traceback" not in err
