"""`kg diff OLD NEW`: what a rule change did to the graph, by rule id and article (kg/diff.py).

The rule author's loop: build, change a rule file, build again, read the diff."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run_kg
from kg.api import build
from kg.diff import diff_builds, format_diff
from kg.ruleset import RULES_DIR

TIME = Path(__file__).parent / "fixtures" / "time"


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r} not found once"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Three builds of the dated fixtures: the package's rules, the same rules again, and the
    rules with stance.opposed-to renamed (its meaning changed, so its id changes)."""
    base = tmp_path_factory.mktemp("diff")
    rules = base / "rules"
    shutil.copytree(RULES_DIR, rules)
    build([TIME], base / "old", rules_dir=rules, html=False)
    build([TIME], base / "same", rules_dir=rules, html=False)
    _replace_once(rules / "stances.toml", 'id = "stance.opposed-to"', 'id = "stance.opposed-to-v2"')
    build([TIME], base / "new", rules_dir=rules, html=False)
    return base


def test_renaming_a_rule_moves_its_facts_from_the_old_id_to_the_new(builds):
    d = diff_builds(builds / "old", builds / "new")
    assert d.lost and {r.rule for r in d.lost} == {"stance.opposed-to"}
    assert {r.rule for r in d.gained} == {"stance.opposed-to-v2"}
    assert {(r.article, r.subject, r.predicate, r.object) for r in d.lost} == \
           {(r.article, r.subject, r.predicate, r.object) for r in d.gained}
    assert all(r.sentence and r.predicate in ("nkg:opposes", "nkg:supports") for r in d.lost)
    assert ("ru_2008_11_kaliningrad.txt", "Russia", "nkg:opposes", "US missile defense system in Europe") in \
           {(r.article, r.subject, r.predicate, r.object) for r in d.lost}
    assert d.summary() == (f"{len(d.gained)} facts gained, {len(d.lost)} lost, in 2 rules and "
                           f"{len({r.article for r in d.lost})} articles; entities: +0 -0")


def test_identical_builds_have_an_empty_diff(builds):
    d = diff_builds(builds / "old", builds / "same")
    assert d.empty and format_diff(d) == "0 facts gained, 0 lost, in 0 rules and 0 articles; entities: +0 -0"


def test_kg_diff_prints_facts_by_rule_then_article_with_sentences_and_a_summary(builds):
    result = run_kg("diff", builds / "old", builds / "new")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rule stance.opposed-to: +0 -")
    assert any(l.startswith("rule stance.opposed-to-v2: +") and l.endswith(" -0") for l in lines)
    assert "  ru_2008_11_kaliningrad.txt" in lines
    assert any(l.startswith("    - Russia  nkg:opposes  US missile defense system in Europe") for l in lines)
    assert any("Moscow remains opposed to the US missile shield" in l for l in lines)
    assert lines[-1].endswith("entities: +0 -0") and " facts gained, " in lines[-1]


def test_kg_diff_exit_code_option_and_a_missing_build(builds, tmp_path):
    assert run_kg("diff", builds / "old", builds / "new", "--exit-code").returncode == 1
    assert run_kg("diff", builds / "old", builds / "same", "--exit-code").returncode == 0
    missing = run_kg("diff", builds / "old", tmp_path / "nothing")
    assert missing.returncode == 2 and "nothing" in missing.stderr
