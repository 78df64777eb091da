"""SPARQL benchmark: load time and median latency of the query library, embedded store vs rdflib.

    python bench/sparql_bench.py [--triples 1000000] [--repeat 5] [--json FILE]

No corpus generator of that size exists, so the graph is made by copying the seeds' graph:
each copy gets its own articles, evidence nodes, quotes, meetings and positions (the evidence-like
bulk of a real build), and every twentieth copy shares one "world" of entities, so entities are
mentioned by many articles as in a real corpus. Copy 0 keeps the seeds' names, so the library's
default parameters ("Vladimir Putin", "Condoleezza Rice") still find rows.

Reported, in one run: triples; rdflib's time to parse graph.trig; the store's time to load the
same Dataset (kg.store.write_store) and to bulk-load graph.trig itself; then per library query the
median latency on the store and with rdflib (rdflib runs in a child process stopped at --rdflib-budget seconds, and once only when slow).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.api import SEEDS, build
from kg.query import library, prepare, query_dataset, run_rdflib, run_store
from kg.store import open_store, write_store

ID = "https://w3id.org/newskg/id/"
PER_COPY = ("article/", "graph/", "evidence/", "quote/", "position/", "meeting/")
WORLDS = 20
NAMES = {URIRef("http://www.w3.org/2000/01/rdf-schema#label"), URIRef("https://schema.org/alternateName")}


def synthetic_dataset(target: int) -> tuple[Dataset, int]:
    seeds = build([SEEDS], None, html=False).rdf
    quads = list(seeds.quads((None, None, None, None)))
    out = Dataset()
    union: set = set()
    copy = 0
    while len(union) < target:
        world = copy % WORLDS

        def iri(term):
            if not isinstance(term, URIRef) or not str(term).startswith(ID):
                return term
            local = str(term)[len(ID):]
            if local.startswith(PER_COPY):
                return URIRef(f"{term}-c{copy}")
            return URIRef(f"{term}-w{world}") if world else term

        for s, p, o, g in quads:
            s2, o2 = iri(s), iri(o)
            if world and p in NAMES and isinstance(o, Literal):
                o2 = Literal(f"{o} (w{world})")
            gid = iri(g.identifier if hasattr(g, "identifier") else g)
            graph = out.graph(gid if gid != DATASET_DEFAULT_GRAPH_ID else DATASET_DEFAULT_GRAPH_ID)
            graph.add((s2, p, o2))
            union.add((s2, p, o2))
        copy += 1
    return out, len(union)


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def run_capped(dataset, text: str, budget: float) -> float:
    """Seconds rdflib takes for `text`, run in a forked child that is killed at `budget`
    (some queries take hours with rdflib at this size; the bench must end)."""
    import multiprocessing as mp
    ctx = mp.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)

    def child():
        writer.send(timed(run_rdflib, dataset, text)[0])

    proc = ctx.Process(target=child)
    proc.start()
    took = reader.recv() if reader.poll(budget) else budget
    proc.kill()
    proc.join()
    return took


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rdflib-budget", type=float, default=30.0,
                    help="seconds one rdflib run may take before it is stopped (reported as over budget)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    t, (dataset, triples) = timed(synthetic_dataset, args.triples)
    print(f"generated {triples:,} triples in {t:.1f} s", file=sys.stderr)
    report = {"triples": triples, "queries": {}}
    with tempfile.TemporaryDirectory(prefix="sparql-bench.") as tmp:
        out = Path(tmp)
        trig = out / "graph.trig"
        dataset.serialize(trig, format="trig")
        report["rdflib_parse_trig_s"], parsed = timed(lambda: Dataset().parse(trig, format="trig"))
        report["rdflib_query_dataset_s"], qd = timed(query_dataset, parsed)
        report["store_write_store_s"], _ = timed(write_store, dataset, out)
        import pyoxigraph as ox
        report["store_bulk_load_trig_s"], _ = timed(
            lambda: ox.Store(str(out / "bulk")).bulk_load(path=str(trig), format=ox.RdfFormat.TRIG))
        del dataset, parsed
        store = open_store(out)
        for k in ("rdflib_parse_trig_s", "rdflib_query_dataset_s", "store_write_store_s", "store_bulk_load_trig_s"):
            print(f"{k:<26} {report[k]:8.2f}", file=sys.stderr)
        for name in library():
            text = prepare(name).text
            store_times = [timed(run_store, store, text)[0] for _ in range(args.repeat)]
            rows = len(run_store(store, text).rows)
            rdflib_times = []
            for _ in range(args.repeat):
                took = run_capped(qd, text, args.rdflib_budget)
                rdflib_times.append(took)
                if took >= args.rdflib_budget / 3:
                    break
            capped = rdflib_times[-1] >= args.rdflib_budget
            entry = {"rows": rows, "store_median_s": statistics.median(store_times),
                     "rdflib_median_s": statistics.median(rdflib_times), "rdflib_runs": len(rdflib_times),
                     "rdflib_stopped_at_budget": capped}
            report["queries"][name] = entry
            shown = f">{args.rdflib_budget:.0f} s (stopped)" if capped else f"{entry['rdflib_median_s'] * 1000:10.1f} ms"
            print(f"{name:<20} rows={rows:<7} store={entry['store_median_s'] * 1000:9.1f} ms  "
                  f"rdflib={shown} (x{entry['rdflib_runs']})", file=sys.stderr)
    store_all = statistics.median(q["store_median_s"] for q in report["queries"].values())
    rdflib_all = statistics.median(q["rdflib_median_s"] for q in report["queries"].values())
    report["median_store_s"], report["median_rdflib_s"] = store_all, rdflib_all
    print(f"median over the library: store {store_all * 1000:.1f} ms, rdflib {rdflib_all * 1000:.1f} ms",
          file=sys.stderr)
    text = json.dumps(report, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
