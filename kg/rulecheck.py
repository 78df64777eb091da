"""Run every rule's examples: each must fire its rule, each counter-example must not.

    check_rules(rules_dir=None) -> list[RuleResult]

An example is read as a tiny article through the whole pipeline (ingest, mentions, rules), so
a rule passes only when it works together with the gazetteer and the other rules, as it does
on real articles.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.extract import extract
from kg.ingest import parse_article
from kg.ruleset import Rule, Ruleset, load_ruleset


@dataclass(frozen=True)
class RuleResult:
    rule_id: str
    file: str
    ok: bool
    detail: str


def fired_rules(text: str, rules: Ruleset) -> set[str]:
    """Ids of every rule that produced something from `text` read as an article."""
    article = parse_article(text, "example", "example.txt", rules)
    x = extract(article, rules)
    fired = {f.evidence.rule for f in x.facts}
    fired |= {p.evidence.rule for p in x.positions}
    fired |= {q.evidence.rule for q in x.quotes}
    fired |= {m.rule for m in x.mentions}
    for e in x.entities:
        if e.prop("named_rule"):
            fired.add(e.prop("named_rule"))
    return fired


def _clutter_fires(rule: Rule, line: str) -> bool:
    count = sum(1 for _ in rule.pattern.finditer(line))
    return count >= rule.option("min_count", 1)


def check_rule(rule: Rule, rules: Ruleset) -> RuleResult:
    failures = []
    for n, example in enumerate(rule.examples, 1):
        fired = _clutter_fires(rule, example) if rule.emits == "clutter" else rule.id in fired_rules(example, rules)
        if not fired:
            failures.append(f"example {n} does not fire: {example[:70]!r}")
    for n, example in enumerate(rule.counter_examples, 1):
        fired = _clutter_fires(rule, example) if rule.emits == "clutter" else rule.id in fired_rules(example, rules)
        if fired:
            failures.append(f"counter-example {n} fires: {example[:70]!r}")
    if not rule.examples:
        failures.append("has no example")
    if failures:
        return RuleResult(rule.id, rule.file, False, "; ".join(failures))
    return RuleResult(rule.id, rule.file, True,
                      f"{len(rule.examples)} examples, {len(rule.counter_examples)} counter-examples")


def check_rules(rules_dir: str | Path | None = None) -> list[RuleResult]:
    rules = load_ruleset(rules_dir)
    all_rules = [*rules.clutter, *(r for family in rules.rules.values() for r in family)]
    return [check_rule(rule, rules) for rule in all_rules]
