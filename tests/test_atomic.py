"""A build killed at any moment (kill -9) leaves the previous output whole, and the next
build succeeds. Output files appear only whole: each is written to a temporary file beside
it and renamed (kg.files).

The build under test reads the seeds and the fixtures, so that its output differs from the
previous one (the seeds alone); after every kill, each output file must hold either the old
bytes or the new bytes in full, never a mixture or a truncated file.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

KG = Path(sys.executable).parent / "kg"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
FILES = ("graph.ttl", "graph.trig", "graph.html")


def _run(*args, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run([str(KG), "build", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)


def _corpus(folder: Path) -> Path:
    """The seeds and the fixtures, several times over under different names: a longer build."""
    folder.mkdir()
    sources = sorted(SEEDS.glob("*.txt")) + sorted(FIXTURES.glob("fx*.txt"))
    for copy in range(3):
        for src in sources:
            text = src.read_text(encoding="utf-8")
            (folder / f"c{copy}_{src.name}").write_text(text + f"\n\nCopy {copy}.\n" if copy else text, encoding="utf-8")
    return folder


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_whole_files_and_the_next_build_succeeds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run(SEEDS, "--out", out, "--no-cache").returncode == 0
    old = _snapshot(out)
    corpus = _corpus(tmp_path / "corpus")
    reference = tmp_path / "reference"
    assert _run(corpus, "--out", reference, "--no-cache").returncode == 0
    new = _snapshot(reference)
    assert all(new[name] != old[name] for name in FILES)

    kills = []
    # at fixed moments, and as soon as a temporary output file shows up (mid-write)
    for delay in (0.3, 1.0, 2.0, 3.0, "write", "write", "write"):
        proc = subprocess.Popen([str(KG), "build", str(corpus), "--out", str(out), "--no-cache"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONHASHSEED": "0"})
        started = time.monotonic()
        if delay == "write":
            while proc.poll() is None and time.monotonic() - started < 120:
                if any(p.name.startswith(".graph.") for p in out.iterdir()):
                    break
                time.sleep(0.002)
        else:
            time.sleep(delay)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills.append((delay, finished))
        current = _snapshot(out)
        for name in FILES:
            assert current[name] in (old[name], new[name]), f"{name} is neither the old nor the new file after kill at {delay}"
        # put the old output back, so that the next kill meets it again
        for name in FILES:
            (out / name).write_bytes(old[name])
    assert any(not finished for _, finished in kills), "every build finished before the kill"

    proc = _run(corpus, "--out", out, "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert _snapshot(out) == new
    leftovers = sorted(p.name for p in out.iterdir() if p.name.startswith((".graph.", ".store", "tmp")))
    assert not leftovers, f"temporary files left after a successful build: {leftovers}"


def test_write_replacing_leaves_no_temporary_file_on_failure(tmp_path: Path, monkeypatch) -> None:
    from kg import files

    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError):
        files.write_replacing(target, b"new", durable=True)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_that_fails_after_making_its_store_leaves_the_old_store_with_the_old_files(
        tmp_path: Path, monkeypatch, workers: int) -> None:
    """The new store is put in place with the files, at the end: a page that cannot be drawn
    used to leave the new build's store beside the old build's graph files."""
    import kg
    import kg.render
    from kg.errors import GraphError
    from kg.store import open_store, store_path

    out = tmp_path / "out"
    kg.build([SEEDS / "002_7991666e000a840c.txt"], out, html=False)

    def quads() -> set:
        store = open_store(out)
        try:
            return {str(q) for q in store}
        finally:
            del store
    old_quads, old_files = quads(), {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig")}

    def broken_page(*args, **kwargs):
        raise GraphError("graph.html: cannot draw the page (a test)")
    monkeypatch.setattr(kg.render, "render_html", broken_page)
    with pytest.raises(GraphError, match="a test"):
        kg.build([SEEDS], out, workers=workers, cache=False)
    assert quads() == old_quads
    assert {name: (out / name).read_bytes() for name in old_files} == old_files
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    monkeypatch.undo()
    kg.build([SEEDS], out, html=False)
    assert quads() != old_quads and store_path(out).is_dir()


def test_a_store_folder_left_by_a_killed_build_is_removed_by_the_next(tmp_path: Path) -> None:
    import kg

    out = tmp_path / "out"
    for stale in (out / ".store.k1ll3d", out / ".store-old.k1ll3d" / "store"):
        stale.mkdir(parents=True)
        (stale / "000001.sst").write_bytes(b"\0" * 1024)
    kg.build([SEEDS / "002_7991666e000a840c.txt"], out, html=False)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    assert (out / "store" / "CURRENT").exists()
