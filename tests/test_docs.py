"""The README and the command line agree: every command is documented and every documented
`kg` command runs."""
import os
import re
import shlex
import subprocess

import pytest

from conftest import ROOT, kg_command, run_kg

README = (ROOT / "README.md").read_text(encoding="utf-8")
# commands shown in ```console blocks, in order; long-running servers and pushes are tested elsewhere
SHOWN = [line[2:].strip() for block in re.findall(r"```console\n(.*?)```", README, re.S)
         for line in block.splitlines() if line.startswith("$ kg ")]
SKIP = ("kg serve", "kg push", "kg build --engine dask --scheduler")


def commands() -> list[str]:
    result = run_kg("--help")
    return re.findall(r"^│ (\w+)\s", result.stdout, re.M)


def test_every_command_has_help_and_is_in_the_readme():
    names = commands()
    assert {"build", "evaluate", "validate", "render", "stats", "explain", "rules"} <= set(names)
    for name in names:
        result = run_kg(name, "--help")
        assert result.returncode == 0, name
        assert "Example:" in result.stdout or name == "rules", name
        assert f"kg {name}" in README, f"kg {name} is not documented in README.md"


def test_readme_gives_the_two_fresh_machine_commands():
    assert "$ make seeds" in README and "$ make test" in README
    assert "out/graph.ttl" in README and "out/graph.html" in README


def test_every_kg_command_shown_in_the_readme_runs(tmp_path):
    # run them as a user would, from a folder holding the repository's seeds and tests
    for name in ("seeds", "tests", "notebooks", "bench", "docs"):
        if (ROOT / name).exists():
            os.symlink(ROOT / name, tmp_path / name)
    ran = 0
    for line in SHOWN:
        command, _, comment = line.partition("#")
        command = command.strip()
        if command.startswith(SKIP):
            continue
        expected = int(re.search(r"exits (\d)", comment).group(1)) if "exits" in comment else 0
        args = shlex.split(command)[1:]
        result = subprocess.run([*kg_command(), *args], cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert result.returncode == expected, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        ran += 1
    assert ran >= 8
