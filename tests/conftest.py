"""Shared fixtures: one build of the seeds per test session, and the `kg` command."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLD = Path(__file__).resolve().parent / "gold"


def kg_command() -> list[str]:
    """The installed console script beside this Python, as a user runs it."""
    exe = Path(sys.executable).with_name("kg")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("kg")
    assert found, "the kg command is not installed (pip install -e .)"
    return [found]


def run_kg(*args: str, cwd: Path | None = None, timeout: int = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*kg_command(), *map(str, args)], cwd=cwd or ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory) -> Path:
    """out/ of `kg build seeds`, built once for the session."""
    out = tmp_path_factory.mktemp("seeds") / "out"
    result = run_kg("build", SEEDS, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(KnowledgeGraph, out folder) of the seeds built once through the API, without HTML.

    Shared by the query, serve and push tests, which only read it (they copy what they change).
    """
    from kg.api import build
    out = tmp_path_factory.mktemp("seeds-api") / "out"
    return build([SEEDS], out, html=False), out
