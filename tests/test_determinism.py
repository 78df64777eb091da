"""Two builds of the same input give byte-identical files, whatever PYTHONHASHSEED says.

Each build runs the real `kg build` in its own process (a fresh hash seed, no cache), so
set or dict order that leaks into the output shows up as a difference.
"""
from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

KG = Path(sys.executable).parent / "kg"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
FILES = ("graph.ttl", "graph.trig", "graph.html")


def _build(out: Path, seed: str, *inputs: Path) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run([str(KG), "build", *map(str, inputs), "--out", str(out), "--no-cache"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return {name: (out / name).read_bytes() for name in FILES}


def _first_difference(a: bytes, b: bytes) -> str:
    diff = difflib.unified_diff(a.decode("utf-8", "replace").splitlines(),
                                b.decode("utf-8", "replace").splitlines(), lineterm="", n=0)
    return "\n".join(list(diff)[:12])


def test_builds_with_different_hash_seeds_are_byte_identical(tmp_path: Path) -> None:
    inputs = (SEEDS, *sorted(FIXTURES.glob("fx*.txt")))
    builds = [_build(tmp_path / f"out-{seed}", seed, *inputs) for seed in ("0", "1", "4242")]
    for name in FILES:
        assert builds[0][name], f"{name} is empty"
        for other in builds[1:]:
            assert other[name] == builds[0][name], f"{name} differs:\n" + _first_difference(builds[0][name], other[name])


def test_a_second_build_into_the_same_folder_changes_nothing(tmp_path: Path) -> None:
    """Building again over an earlier output (cache on) gives the same bytes."""
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    runs = []
    for _ in range(2):
        proc = subprocess.run([str(KG), "build", str(SEEDS), "--out", str(out)], capture_output=True,
                              text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr
        runs.append({name: (out / name).read_bytes() for name in FILES})
    for name in FILES:
        assert runs[0][name] == runs[1][name], f"{name} differs:\n" + _first_difference(runs[0][name], runs[1][name])


def test_the_layout_of_a_big_graph_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Above LAYOUT_IN_PYTHON_ABOVE nodes the page carries positions from kg.render.layout;
    they must not follow set order. A skeleton smaller than the graph takes the path where
    networkx's subgraph views list nodes in set order."""
    out = tmp_path / "out"
    _build(out, "0", SEEDS)
    script = ("import json, sys; from pathlib import Path; from kg.render import layout, to_networkx; "
              "from kg.store import graph_of_file; "
              "print(json.dumps(sorted(layout(to_networkx(graph_of_file(Path(sys.argv[1]))), skeleton=20).items())))")
    layouts = []
    for seed in ("0", "1", "4242", "77"):
        proc = subprocess.run([sys.executable, "-c", script, str(out / "graph.ttl")], capture_output=True,
                              text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        layouts.append(proc.stdout)
    assert len(json.loads(layouts[0])) > 40
    assert all(other == layouts[0] for other in layouts[1:])
