"""Benchmark the build: time per stage, throughput, memory and scaling, against two references.

    python bench/run.py                       N = 1,000 / 2,000 / 4,000 / 8,000 (long)
    python bench/run.py --sizes 200,400       a quick run

For each N it generates a corpus (bench/make_corpus.py, cached under --work) and runs one
`kg.api.build()` in a fresh process, timing each stage by wrapping the functions build()
calls: ingest (compiling the rules, finding inputs, reading, dedup; articles are read as
extraction asks for them, and the time spent reading is booked here), extract, resolve,
graph+ttl (making the statements and writing graph.ttl and graph.trig: one streaming pass,
article by article, so the two are one stage), store load, HTML. It prints articles/s, MB/s, the
peak RSS of that process, and the scaling exponent b of time ~ N^b between the smallest and
the largest N (1.0 is linear).

On the same corpora it measures two references, each in its own process:
  spaCy   spacy.blank("en") + sentencizer + entity_ruler holding every name of the
          gazetteer (kg/rules/gazetteer), over nlp.pipe: entity tagging alone, the speed
          of the common rule-based tool. Needs the bench extra: pip install -e '.[bench]'.
  floor   reading the files and one compiled regex pass over them.
and prints spaCy/build (>= 1.0: the whole build is at least as fast as spaCy tagging) and
build/floor.

Then, at the smallest N, the build with --workers 2 against --workers 1; and at
--incremental-n (default 10,000, the issue's size; with --sizes, the largest N) an
incremental build (one article added to a cached build) against that full build.
Nothing here is a test: the figures depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ["ingest", "extract", "resolve", "graph+ttl", "store", "html"]
TO_TTL = STAGES[:4]         # the "whole build": every stage up to graph.ttl


def _read_extract(build: dict) -> float:
    return build["stages"]["ingest"] + build["stages"]["extract"]


def _to_ttl(build: dict) -> float:
    """Seconds of the stages up to graph.ttl (they run one after another, before the rest)."""
    return sum(build["stages"][s] for s in TO_TTL)
DEFAULT_SIZES = "1000,2000,4000,8000"


# --- measurements, each run in a fresh process (`run.py --child KIND ...`) ----------------

def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: KiB


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child_build(corpus: Path, out: Path, workers: int, cache: bool, html: bool) -> dict:
    """One kg.api.build() with every stage it calls wrapped in a timer."""
    import kg.api
    import kg.dedup
    import kg.render
    import kg.store
    times = dict.fromkeys(STAGES, 0.0)

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                times[name] += time.perf_counter() - start
        return wrapper

    def timed_generator(name, fn):
        """Time spent making each item only: the build extracts articles while it reads them."""
        def wrapper(*args, **kwargs):
            items = fn(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    times[name] += time.perf_counter() - start
                yield item
        return wrapper

    kg.api.find_inputs = timed("ingest", kg.api.find_inputs)
    # reading and de-duplicating happen as extraction asks for articles: the ingest time
    # spent inside extract_many is booked as ingest, not extract
    kg.dedup.unique_articles = timed_generator("ingest", kg.dedup.unique_articles)
    ingest_before_extract = [0.0]

    def extract_many(*args, **kwargs):
        ingest_before_extract[0] = times["ingest"]
        return timed_extract(*args, **kwargs)
    timed_extract = timed("extract", kg.api.extract_many)
    kg.api.extract_many = extract_many
    kg.api.resolve = timed("resolve", kg.api.resolve)
    kg.api.write_graph = timed("graph+ttl", kg.api.write_graph)
    kg.render.render_html = timed("html", kg.render.render_html)
    kg.store.load_store_files = timed("store", kg.store.load_store_files)
    kg.store.update_store = timed("store", kg.store.update_store)
    kg.store.wait_for = timed("store", kg.store.wait_for)   # with workers: what the page did not hide

    from kg.ruleset import load_ruleset
    start = time.perf_counter()
    load_ruleset()                                   # compiling the rules is part of a build
    rules_s = time.perf_counter() - start
    start = time.perf_counter()
    result = kg.api.build([corpus], out, workers=workers, cache=cache, html=html)
    total = time.perf_counter() - start + rules_s
    times["extract"] -= times["ingest"] - ingest_before_extract[0]
    times["ingest"] += rules_s
    return {"total": total, "stages": {s: times[s] for s in STAGES},
            "articles": result.report.read, "triples": result.report.triples,
            "skipped": len(result.report.skipped), "rss_mb": _peak_rss_mb(), "cpu": _cpu_s(),
            "ttl": (out / "graph.ttl").stat().st_size}


def _texts(corpus: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]


def child_spacy(corpus: Path) -> dict:
    """spaCy's rule-based entity tagging with the same gazetteer, over nlp.pipe."""
    import spacy

    from kg.ruleset import load_ruleset
    rules = load_ruleset()
    labels = {"Person": "PERSON", "Country": "GPE", "City": "GPE", "Place": "LOC",
              "Organization": "ORG", "DefenseSystem": "PRODUCT"}
    patterns = []
    for entry in rules.entries.values():
        if entry.kind in labels:
            for form in {entry.label, *entry.aliases}:
                patterns.append({"label": labels[entry.kind], "pattern": form, "id": entry.id})
    for demonym, cid in rules.demonyms.items():
        patterns.append({"label": "NORP", "pattern": demonym, "id": cid})
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)
    start = time.perf_counter()
    entities = 0
    for doc in nlp.pipe(_texts(corpus), batch_size=64):
        entities += len(doc.ents)
    return {"total": time.perf_counter() - start, "entities": entities, "patterns": len(patterns),
            "rss_mb": _peak_rss_mb()}


def child_floor(corpus: Path) -> dict:
    """Reading the files and one compiled regex pass: what no build can beat."""
    import re
    names = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")
    start = time.perf_counter()
    found = sum(len(names.findall(t)) for t in _texts(corpus))
    return {"total": time.perf_counter() - start, "matches": found, "rss_mb": _peak_rss_mb()}


def _child_main(argv: list[str]) -> None:
    kind, corpus = argv[0], Path(argv[1])
    if kind == "build":
        out, workers, cache, html = Path(argv[2]), int(argv[3]), argv[4] == "1", argv[5] == "1"
        result = child_build(corpus, out, workers, cache, html)
    elif kind == "spacy":
        result = child_spacy(corpus)
    else:
        result = child_floor(corpus)
    print(json.dumps(result))


def _child(*args) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *map(str, args)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench: {args[0]} on {args[1]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the run -------------------------------------------------------------------------------

def _corpus(work: Path, n: int) -> Path:
    sys.path.insert(0, str(HERE))
    from make_corpus import make_corpus
    folder = work / f"corpus-{n}"
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        make_corpus(n, folder)
        marker.write_text("")
    return folder


def _mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.glob("*.txt")) / 1e6


def _exponent(n1: int, t1: float, n2: int, t2: float) -> float:
    return math.log(t2 / t1) / math.log(n2 / n1) if n1 != n2 and t1 > 0 and t2 > 0 else float("nan")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child_main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description="Benchmark kg build against spaCy and a regex floor.")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"article counts (default {DEFAULT_SIZES})")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "newskg-bench",
                        help="folder for corpora and outputs (corpora are kept and reused)")
    parser.add_argument("--no-spacy", action="store_true", help="skip the spaCy reference")
    parser.add_argument("--no-html", action="store_true", help="skip graph.html (its own stage)")
    parser.add_argument("--no-extras", action="store_true", help="skip the workers and incremental runs")
    parser.add_argument("--incremental-n", type=int,
                        help="corpus size of the incremental run (default 10000; with --sizes, the largest)")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.incremental_n is None:
        args.incremental_n = 10_000 if args.sizes == DEFAULT_SIZES else sizes[-1]
    args.work.mkdir(parents=True, exist_ok=True)
    html = not args.no_html
    print(f"newskg benchmark: sizes {sizes}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}, work folder {args.work}", flush=True)

    rows = []
    for n in sizes:
        corpus = _corpus(args.work, n)
        out = args.work / f"out-{n}"
        shutil.rmtree(out, ignore_errors=True)
        build = _child("build", corpus, out, 1, 0, int(html))
        floor = _child("floor", corpus)
        spacy_ = None if args.no_spacy else _child("spacy", corpus)
        rows.append({"n": n, "mb": _mb(corpus), "build": build, "floor": floor, "spacy": spacy_})
        print(f"  N={n}: build {build['total']:.1f} s, floor {floor['total']:.2f} s"
              + (f", spaCy {spacy_['total']:.1f} s" if spacy_ else ""), file=sys.stderr, flush=True)

    print()
    print("Wall time per stage (s), one process, cache off; CPU s: CPU time of the build process and\n"
          "its finished children (above total: work overlapped; far below: other programs had the CPU)")
    head = f"{'N':>6} {'MB':>6} " + " ".join(f"{s:>9}" for s in STAGES) + \
        f" {'to ttl':>8} {'total':>8} {'CPU s':>8} {'art/s':>7} {'MB/s':>6} {'RSS MB':>7} {'triples':>9}"
    print(head)
    for r in rows:
        b = r["build"]
        print(f"{r['n']:>6} {r['mb']:>6.1f} " + " ".join(f"{b['stages'][s]:>9.2f}" for s in STAGES)
              + f" {_to_ttl(b):>8.2f} {b['total']:>8.2f} {b['cpu']:>8.2f} {r['n'] / b['total']:>7.1f} {r['mb'] / b['total']:>6.2f}"
              f" {b['rss_mb']:>7.0f} {b['triples']:>9}")
    lo, hi = rows[0], rows[-1]
    if len(rows) > 1:
        print(f"{'b':>13} " + " ".join(
            f"{_exponent(lo['n'], lo['build']['stages'][s], hi['n'], hi['build']['stages'][s]):>9.2f}"
            if lo['build']['stages'][s] > 0.01 else f"{'-':>9}" for s in STAGES)
            + f" {_exponent(lo['n'], _to_ttl(lo['build']), hi['n'], _to_ttl(hi['build'])):>8.2f}"
            + f" {_exponent(lo['n'], lo['build']['total'], hi['n'], hi['build']['total']):>8.2f}"
            "   (scaling exponent, time ~ N^b)")

    print()
    print("References on the same corpora (s) and ratios; \"to ttl\": the build up to graph.ttl,\n"
          "\"build\": everything, with the SPARQL store and graph.html")
    print(f"{'N':>6} {'to ttl':>8} {'build':>8} {'spaCy':>8} {'floor':>8} {'spaCy/to ttl':>13} {'spaCy/build':>12} {'build/floor':>12}")
    for r in rows:
        b, t, f, s = r["build"]["total"], _to_ttl(r["build"]), r["floor"]["total"], r["spacy"]
        print(f"{r['n']:>6} {t:>8.2f} {b:>8.2f} " + (f"{s['total']:>8.2f}" if s else f"{'-':>8}")
              + f" {f:>8.2f} " + (f"{s['total'] / t:>13.2f} {s['total'] / b:>12.2f}" if s else f"{'-':>13} {'-':>12}")
              + f" {b / f:>12.1f}")

    exponent = _exponent(lo["n"], lo["build"]["total"], hi["n"], hi["build"]["total"])
    slope = ((hi["build"]["rss_mb"] - lo["build"]["rss_mb"]) / (hi["n"] - lo["n"])) if len(rows) > 1 else 0
    rss_10k = lo["build"]["rss_mb"] + slope * (10_000 - lo["n"])
    summary = {"sizes": sizes, "rows": rows, "exponent": exponent, "rss_10k_mb": rss_10k}
    print()
    exponent_ttl = _exponent(lo["n"], _to_ttl(lo["build"]), hi["n"], _to_ttl(hi["build"]))
    summary["exponent_to_ttl"] = exponent_ttl
    print(f"scaling exponent (N={lo['n']}..{hi['n']}): to graph.ttl {exponent_ttl:.2f}, "
          f"whole build {exponent:.2f}   target <= 1.1")
    peaks = ", ".join(f"{r['build']['rss_mb']:.0f} MB at {r['n']}" for r in rows)
    print(f"peak RSS: {peaks}; "
          f"{slope * 1000:.0f} MB per 1,000 articles; linear estimate at 10,000: {rss_10k:.0f} MB   target < 1024")
    if rows[0]["spacy"]:
        worst = min(r["spacy"]["total"] / r["build"]["total"] for r in rows)
        worst_ttl = min(r["spacy"]["total"] / _to_ttl(r["build"]) for r in rows)
        print(f"spaCy/build (worst over N): to graph.ttl {worst_ttl:.2f}, whole build {worst:.2f}   target >= 1.0")

    if not args.no_extras:
        n = lo["n"]
        corpus = _corpus(args.work, n)
        print()
        out2 = args.work / f"out-{n}-w2"
        shutil.rmtree(out2, ignore_errors=True)
        two = _child("build", corpus, out2, 2, 0, int(html))
        one = lo["build"]
        same = (out2 / "graph.ttl").read_bytes() == (args.work / f"out-{n}" / "graph.ttl").read_bytes()
        print(f"--workers 2 at N={n}: {two['total']:.2f} s against {one['total']:.2f} s: "
              f"{one['total'] / two['total']:.2f}x (to graph.ttl {_to_ttl(one) / _to_ttl(two):.2f}x, ingest and extract "
              f"{_read_extract(one) / _read_extract(two):.2f}x: they overlap); "
              f"graph.ttl identical: {same}   target >= 1.7x")
        summary["workers"] = {"one": one, "two": two, "identical": same}

        # incremental: a cached build of N articles, then the same folder plus one new article
        n = args.incremental_n
        corpus = _corpus(args.work, n)
        inc = args.work / f"incremental-{n}"
        shutil.rmtree(inc, ignore_errors=True)
        shutil.copytree(corpus, inc / "corpus")
        out3 = args.work / f"out-{n}-inc"
        shutil.rmtree(out3, ignore_errors=True)
        full = _child("build", inc / "corpus", out3, 1, 1, int(html))
        sys.path.insert(0, str(HERE))
        from make_corpus import World, make_article
        (inc / "corpus" / f"article-{n:05d}.txt").write_text(make_article(n, World()), encoding="utf-8")
        again = _child("build", inc / "corpus", out3, 1, 1, int(html))
        print(f"incremental at N={n}: +1 article rebuilt in {again['total']:.2f} s against a full "
              f"build of {full['total']:.2f} s: {100 * again['total'] / full['total']:.1f} % "
              f"(to graph.ttl {100 * _to_ttl(again) / _to_ttl(full):.0f} %) "
              f"(extract stage {again['stages']['extract']:.2f} s against {full['stages']['extract']:.2f} s)"
              "   target < 10 %")
        print("   incremental stages: " + ", ".join(f"{s} {again['stages'][s]:.2f}" for s in STAGES))
        summary["incremental"] = {"full": full, "again": again}
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
