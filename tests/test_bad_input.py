"""Bad input through the real `kg build` command (docs/graph-contract.md, "bad input").

A single bad input ends with exit 2, one line naming the file and the problem, and no
graph written (an earlier build's files stay as they were). In a batch, a bad file is a
warning and a skip, the rest is built, the summary counts what was read and skipped, and
the exit status is 1; --strict turns the skip into a failure (exit 2, nothing written).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest import MAX_BYTES

KG = Path(sys.executable).parent / "kg"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
OUTPUTS = ("graph.ttl", "graph.trig", "graph.html")


def kg_build(*args: str | Path, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run([str(KG), "build", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def _png(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)


def _latin1(path: Path) -> None:
    path.write_bytes("Der Außenminister traf den Präsidenten in Moskau zu Gesprächen über Raketen.".encode("latin-1"))


def _utf16(path: Path) -> None:
    path.write_bytes("Foreign Minister Sergey Lavrov said Russia opposes the plan.".encode("utf-16"))


def _too_large(path: Path) -> None:
    line = b"Polish Foreign Minister Radoslaw Sikorski met Sergey Lavrov in Moscow.\n"
    with path.open("wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert path.stat().st_size > MAX_BYTES


# (case, make the file, pattern the error line must match after "FILE: ")
BAD_FILES = [
    ("empty", lambda p: p.write_bytes(b""), r"empty file"),
    ("whitespace-only", lambda p: p.write_bytes(b" \n\t\r\n   \n"), r"empty file"),
    ("not-utf8", _latin1, r"not UTF-8 \(byte 0xdf at offset 6\)"),
    ("lone-continuation-byte", lambda p: p.write_bytes(b"Moscow talks ended today with no deal at all" + b"\x80"),
     r"not UTF-8 \(byte 0x80 at offset 44\)"),
    ("binary-png", _png, r"binary file"),
    ("utf16", _utf16, r"UTF-16"),
    ("no-letters", lambda p: p.write_bytes(b"12345 67890 !!! ??? --- 2008-03-18\n" * 20), r"no text to read"),
    ("50MB", _too_large, r"too large"),
]


@pytest.mark.parametrize("case, make, expected", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_one_bad_file_is_one_error_line_and_exit_2(tmp_path: Path, case, make, expected) -> None:
    article = tmp_path / f"{case}.txt"
    make(article)
    out = tmp_path / "out"
    proc = kg_build(article, "--out", out, "--no-html")
    assert proc.returncode == 2, proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"kg: error: {article}: "), lines[0]
    assert re.search(expected, lines[0]), lines[0]
    assert "Traceback" not in proc.stderr
    assert not (out / "graph.ttl").exists()


def test_a_missing_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-article.txt"
    proc = kg_build(missing, "--out", tmp_path / "out", "--no-html")
    assert proc.returncode == 2
    assert error_lines(proc.stderr) == [f"kg: error: {missing}: no such file or folder"]
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_a_missing_path_beside_good_ones_stops_the_build(tmp_path: Path) -> None:
    """A typo in a path is a usage error, not a skip: nothing is built from the rest."""
    missing = tmp_path / "typo"
    proc = kg_build(SEEDS, missing, "--out", tmp_path / "out", "--no-html")
    assert proc.returncode == 2
    assert error_lines(proc.stderr) == [f"kg: error: {missing}: no such file or folder"]
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_a_folder_with_no_articles_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    (folder / ".hidden.txt").write_text("Hidden files are not articles, whatever they say.", encoding="utf-8")
    proc = kg_build(folder, "--out", tmp_path / "out", "--no-html")
    assert proc.returncode == 2
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"kg: error: {folder}: folder holds no articles"), lines


def test_a_failed_build_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert kg_build(SEEDS, "--out", out, "--no-html").returncode == 0
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig")}
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00garbage")
    proc = kg_build(bad, "--out", out, "--no-html")
    assert proc.returncode == 2
    assert {name: (out / name).read_bytes() for name in before} == before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".graph.")], "temporary files left behind"


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """The seeds plus three bad files, in one folder."""
    folder = tmp_path / "batch"
    shutil.copytree(SEEDS, folder)
    (folder / "zz_empty.txt").write_bytes(b"")
    _latin1(folder / "zz_latin1.txt")
    _png(folder / "zz_image.txt")
    return folder


def test_a_batch_skips_bad_files_names_them_and_builds_the_rest(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = kg_build(batch, "--out", out, "--no-html")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    warnings = [line for line in error_lines(proc.stderr) if line.startswith("kg: warning: skipped ")]
    assert len(warnings) == 3, proc.stderr
    assert any(f"{batch / 'zz_empty.txt'}: empty file" in w for w in warnings), warnings
    assert any(f"{batch / 'zz_latin1.txt'}: not UTF-8" in w for w in warnings), warnings
    assert any(f"{batch / 'zz_image.txt'}: binary file" in w for w in warnings), warnings
    summary = [line for line in error_lines(proc.stderr) if re.search(r"articles read", line)]
    assert summary, proc.stderr
    m = re.search(r"(\d+) articles read, (\d+) skipped, (\d+) entities, (\d+) facts", summary[-1])
    assert m, summary[-1]
    read, skipped, entities, facts = map(int, m.groups())
    assert (read, skipped) == (len(list(SEEDS.glob("*.txt"))), 3)
    assert entities > 0 and facts > 0
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "zz_latin1" not in ttl and "zz_empty" not in ttl
    assert "000_985a7a3cdeee226b" in ttl or len(ttl) > 10000


def test_a_batch_with_strict_fails_on_the_first_bad_file_and_writes_nothing(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = kg_build(batch, "--out", out, "--no-html", "--strict")
    assert proc.returncode == 2, proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and str(batch) in lines[0], lines
    assert not (out / "graph.ttl").exists()


def test_a_batch_of_only_bad_files_builds_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "all-bad"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"")
    _latin1(folder / "b.txt")
    out = tmp_path / "out"
    proc = kg_build(folder, "--out", out, "--no-html")
    assert proc.returncode == 2, proc.stderr
    assert "kg: error: " in proc.stderr and str(folder) in proc.stderr
    assert not (out / "graph.ttl").exists()


def test_a_utf8_bom_and_crlf_article_builds_with_valid_offsets(tmp_path: Path) -> None:
    """A BOM and Windows line ends are kept in the text; evidence offsets still point at the sentence."""
    from rdflib import Graph, Namespace

    text = (SEEDS / "000_985a7a3cdeee226b.txt").read_text(encoding="utf-8")
    article = tmp_path / "bom.txt"
    article.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    out = tmp_path / "out"
    proc = kg_build(article, "--out", out, "--no-html")
    assert proc.returncode == 0, proc.stderr
    decoded = article.read_bytes().decode("utf-8")
    nkg = Namespace("https://w3id.org/newskg/ontology#")
    g = Graph().parse(out / "graph.ttl")
    checked = 0
    for ev in g.subjects(nkg.sentence, None):
        start, end = g.value(ev, nkg.charStart), g.value(ev, nkg.charEnd)
        if start is None:
            continue
        assert decoded[int(start):int(end)] == str(g.value(ev, nkg.sentence))
        checked += 1
    assert checked > 0
