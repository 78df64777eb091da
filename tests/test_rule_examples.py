"""Every example of every rule file fires its rule; every counter-example does not."""
import pytest

from kg.rulecheck import check_rule
from kg.ruleset import load_ruleset

RULES = load_ruleset()
ALL = [*RULES.clutter, *(r for family in RULES.rules.values() for r in family)]


@pytest.mark.parametrize("rule", ALL, ids=[r.id for r in ALL])
def test_rule_fires_on_its_examples_and_not_on_its_counter_examples(rule):
    result = check_rule(rule, RULES)
    assert result.ok, f"{rule.file}: {rule.id}: {result.detail}"


def test_kg_rules_test_reports_every_rule_and_passes():
    from conftest import run_kg
    result = run_kg("rules", "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(ALL)} passed, 0 failed" in result.stdout


def test_a_rule_whose_example_no_longer_matches_is_reported(tmp_path):
    import shutil
    from conftest import run_kg
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    path = rules / "stances.toml"
    path.write_text(path.read_text().replace("(?:critical|wary|suspicious)\\s+of", "(?:wary|suspicious)\\s+of"))
    result = run_kg("rules", "test", "--rules", rules)
    assert result.returncode == 1
    assert "FAIL stance.critical-of" in result.stdout


from kg.ruleset import RULES_DIR  # noqa: E402
