"""A malformed rule or gazetteer file stops `kg build` before any article is read.

Each case copies kg/rules/ to a temporary folder, breaks one file in one way, and runs
`kg build --rules DIR`. The build must exit 2 with one error line that names the broken
file (and the line, where the loader can know it) and says what is wrong; nothing may be
written to the output folder.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import RuleFileError
from kg.ruleset import RULES_DIR, load_ruleset

KG = Path(sys.executable).parent / "kg"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}; update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _bad_toml(rules: Path) -> str:
    _replace_once(rules / "offices.toml", 'id = "office.title-before-name"', 'id = "office.title-before-name')
    return "offices.toml"


def _unknown_key(rules: Path) -> str:
    _replace_once(rules / "offices.toml", 'id = "office.title-before-name"',
                  'id = "office.title-before-name"\nweight = 3')
    return "offices.toml"


def _duplicate_id(rules: Path) -> str:
    _replace_once(rules / "offices.toml", 'id = "office.title-comma-name"', 'id = "office.title-before-name"')
    return "offices.toml"


def _bad_regex(rules: Path) -> str:
    path = rules / "stances.toml"
    text = path.read_text(encoding="utf-8")
    # the first rule's pattern loses its closing parenthesis: an unbalanced group
    new = re.sub(r"(pattern = ')", r"\1(?P<broken>", text, count=1)
    assert new != text
    path.write_text(new, encoding="utf-8")
    return "stances.toml"


def _unknown_macro(rules: Path) -> str:
    path = rules / "offices.toml"
    text = path.read_text(encoding="utf-8")
    new = text.replace("(?P<title>{TITLE})", "(?P<title>{TITEL})", 1)
    assert new != text
    path.write_text(new, encoding="utf-8")
    return "offices.toml"


def _unknown_emits(rules: Path) -> str:
    _replace_once(rules / "offices.toml", 'emits = "nkg:holdsPosition"', 'emits = "nkg:holdsPositon"')
    return "offices.toml"


def _bad_id(rules: Path) -> str:
    _replace_once(rules / "offices.toml", 'id = "office.title-before-name"', 'id = "Office Title"')
    return "offices.toml"


def _missing_gazetteer_key(rules: Path) -> str:
    _replace_once(rules / "gazetteer" / "people.toml", 'name = "Vladimir Putin"\n', "")
    return "people.toml"


def _gazetteer_bad_toml(rules: Path) -> str:
    _replace_once(rules / "gazetteer" / "systems.toml", "[[system]]", "[[system]")
    return "systems.toml"


def _missing_rule_file(rules: Path) -> str:
    (rules / "quotes.toml").unlink()
    return "quotes.toml"


def _words_not_strings(rules: Path) -> str:
    path = next(p for p in sorted(rules.glob("*.toml")) if "[words]" not in p.read_text(encoding="utf-8"))
    path.write_text(path.read_text(encoding="utf-8") + "\n[words]\nBROKEN = [1, 2]\n", encoding="utf-8")
    return path.name


def _clutter_bad_action(rules: Path) -> str:
    _replace_once(rules / "clutter.toml", 'action = "strip-tail"', 'action = "strip-tails"')
    return "clutter.toml"


def _not_utf8(rules: Path) -> str:
    path = rules / "dates.toml"
    path.write_bytes(path.read_bytes() + b"\n# caf\xe9\n")
    return "dates.toml"


# (case id, breaker, what the message must say, whether a line number is expected)
BREAKAGES = [
    ("bad-toml", _bad_toml, r"not valid TOML", True),
    ("unknown-key", _unknown_key, r"unknown key 'weight'", True),
    ("duplicate-id", _duplicate_id, r"duplicate id", True),
    ("bad-regex", _bad_regex, r"bad pattern", True),
    ("unknown-macro", _unknown_macro, r"bad pattern .*TITEL", True),
    ("unknown-emits", _unknown_emits, r"emits 'nkg:holdsPositon'", True),
    ("bad-id", _bad_id, r"id must read family\.name", True),
    ("missing-gazetteer-key", _missing_gazetteer_key, r"missing key 'name'", True),
    ("gazetteer-bad-toml", _gazetteer_bad_toml, r"not valid TOML", True),
    ("missing-rule-file", _missing_rule_file, r"missing rule file", False),
    ("words-not-strings", _words_not_strings, r"\[words\] BROKEN must be a list of strings", False),
    ("clutter-bad-action", _clutter_bad_action, r"action must be one of", True),
    ("not-utf8", _not_utf8, r"not UTF-8|cannot read", False),
]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_the_copied_rules_load(rules_copy: Path) -> None:
    """The unbroken copy loads: every failure below is the breakage's doing."""
    assert load_ruleset(rules_copy).rules["offices"]


@pytest.mark.parametrize("case, breaker, expected, with_line", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_a_broken_rule_file_names_file_line_and_problem(rules_copy: Path, case, breaker, expected, with_line) -> None:
    broken = breaker(rules_copy)
    with pytest.raises(RuleFileError) as info:
        load_ruleset(rules_copy)
    message = str(info.value)
    assert "\n" not in message, message
    assert broken in message, message
    assert re.search(expected, message), message
    if with_line:
        assert re.search(rf"{re.escape(broken)}:[1-9]\d*\b|line [1-9]\d*", message), \
            f"no line number in: {message}"


@pytest.mark.parametrize("case, breaker, expected, with_line",
                         [b for b in BREAKAGES if b[0] in ("bad-toml", "unknown-key", "duplicate-id", "bad-regex",
                                                          "unknown-emits", "missing-gazetteer-key")],
                         ids=lambda v: v if isinstance(v, str) and "-" in v else "")
def test_kg_build_with_a_broken_rule_file_exits_2_before_reading_articles(
        rules_copy: Path, tmp_path: Path, case, breaker, expected, with_line) -> None:
    broken = breaker(rules_copy)
    # The only input is a binary file: if articles were read first, the error would name it.
    article = tmp_path / "binary.txt"
    article.write_bytes(b"\x00\x01\x02 not an article \xff" * 10)
    out = tmp_path / "out"
    proc = subprocess.run([str(KG), "build", str(article), "--rules", str(rules_copy), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("kg: error: ") and broken in lines[0], lines[0]
    assert re.search(expected, lines[0]), lines[0]
    assert "binary.txt" not in lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists() or not any(out.iterdir()), f"written: {sorted(out.iterdir())}"
