"""How big graph.html gets and how soon it answers, for synthetic graphs of ~500 and ~5,000 nodes.

    .venv/bin/python bench/html_bench.py [--sizes 500 5000] [--out /tmp/html/bench] [--json FILE]

For each size: builds a synthetic graph that follows docs/graph-contract.md (people attending
meetings, offices with evidence, stances, sites, articles with dates), renders it with
kg.render.render_html, opens it in Debian's headless chromium (Playwright) and reports:

- render: seconds Python takes to write the page (layout included);
- size: the HTML file's size;
- interactive: seconds from navigation start until the page says it is ready
  (window.kgReadyAt: drawn, clicks, search and filters wired), and the wall time Playwright saw;
- search+panel and filter: in-page milliseconds (median of 3) for finding a node by name and
  opening its panel, and for hiding one kind, each until two frames are drawn.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal

from kg.graph import ID, NKG, PROV, SCHEMA

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
# share of the nodes per kind (meetings and people dominate news graphs)
MIX = {"person": 0.38, "organization": 0.14, "country": 0.04, "city": 0.08, "place": 0.03,
       "site": 0.04, "meeting": 0.22, "system": 0.01, "proposal": 0.06}
CLASSES = {"person": SCHEMA.Person, "organization": SCHEMA.Organization, "country": SCHEMA.Country,
           "city": SCHEMA.City, "place": SCHEMA.Place, "site": NKG.Site, "meeting": NKG.Meeting,
           "system": NKG.DefenseSystem, "proposal": NKG.Proposal}


def synthetic_graph(n: int, seed: int = 0) -> Graph:
    """A graph of about `n` entities shaped like a news graph, the same for the same seed."""
    rnd = random.Random(seed)
    g = Graph()
    ents: dict[str, list] = {}
    for kind, share in MIX.items():
        ents[kind] = []
        for i in range(max(2, round(n * share))):
            node = ID[f"{'system' if kind == 'system' else kind}/{kind}-{i}"]
            g.add((node, RDF.type, CLASSES[kind]))
            if kind == "site":
                g.add((node, RDF.type, SCHEMA.Place))
            g.add((node, RDFS.label, Literal(f"{kind.title()} {i}")))
            if kind == "person":
                g.add((node, SCHEMA.alternateName, Literal(f"Mr. {kind.title()}{i}")))
            ents[kind].append(node)
    articles = []
    for i in range(max(3, n // 20)):
        art = ID[f"article/a{i}"]
        g.add((art, RDF.type, SCHEMA.NewsArticle))
        g.add((art, SCHEMA.headline, Literal(f"Headline number {i} on the shield")))
        if i % 7:
            g.add((art, SCHEMA.datePublished, Literal(f"{2007 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}", datatype=XSD.date)))
        g.add((art, NKG.sourceFile, Literal(f"a{i}.txt")))
        articles.append(art)
    counter = 0

    def fact(s, p, o):
        nonlocal counter
        counter += 1
        g.add((s, p, o))
        art = rnd.choice(articles)
        ev = ID[f"evidence/e{counter}"]
        for t in ((RDF.type, NKG.Evidence), (RDF.subject, s), (RDF.predicate, p), (RDF.object, o),
                  (PROV.wasDerivedFrom, art), (NKG.rule, Literal("synthetic.rule")),
                  (NKG.sentence, Literal(f"Sentence {counter}: {g.value(s, RDFS.label)} and {g.value(o, RDFS.label) or 'an office'}.")),
                  (NKG.charStart, Literal(counter)), (NKG.charEnd, Literal(counter + 40))):
            g.add((ev, *t))
        g.add((art, SCHEMA.mentions, s))
        if (o, RDF.type, NKG.Position) not in g:
            g.add((art, SCHEMA.mentions, o))

    people, places = ents["person"], ents["city"] + ents["place"] + ents["country"]
    for i, m in enumerate(ents["meeting"]):
        if i % 5:
            g.add((m, SCHEMA.startDate, Literal(f"{2007 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}", datatype=XSD.date)))
        for p in rnd.sample(people, rnd.randint(2, 4)):
            fact(m, SCHEMA.attendee, p)
        fact(m, SCHEMA.location, rnd.choice(places))
    for i, p in enumerate(people):
        if rnd.random() < 0.5:
            where = rnd.choice(ents["country"] + ents["organization"])
            pos = ID[f"position/p{i}"]
            g.add((pos, RDF.type, NKG.Position))
            g.add((pos, NKG.roleTitle, Literal(rnd.choice(["foreign minister", "president", "envoy"]))))
            g.add((pos, NKG.ofCountry if (where, RDF.type, SCHEMA.Country) in g else NKG.ofOrganization, where))
            fact(p, NKG.holdsPosition, pos)
        if rnd.random() < 0.3:
            fact(p, SCHEMA.affiliation, rnd.choice(ents["organization"]))
    targets = ents["system"] + ents["proposal"] + ents["site"]
    for actor in rnd.sample(people + ents["country"], len(people) // 4):
        fact(actor, rnd.choice([NKG.opposes, NKG.supports]), rnd.choice(targets))
    for site in ents["site"]:
        fact(site, NKG.partOf, rnd.choice(ents["system"]))
        fact(site, SCHEMA.containedInPlace, rnd.choice(ents["country"]))
    for prop in ents["proposal"]:
        fact(prop, NKG.concerns, rnd.choice(ents["system"]))
        fact(rnd.choice(people), NKG.proposed, prop)
    for system in ents["system"]:
        fact(system, NKG.aimedAt, rnd.choice(ents["country"]))
    return g


# Type a name, press Enter, wait until the panel shows the node and two frames are drawn.
SEARCH_JS = """name => new Promise(function (done) {
  var t = performance.now(), box = document.getElementById("kg-search");
  box.value = name; box.dispatchEvent(new Event("input"));
  box.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter"}));
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    if (!document.getElementById("kg-panel").textContent.startsWith(name)) throw new Error("search failed: " + name);
    done(performance.now() - t); }); });
})"""
# Toggle one kind off in the legend and wait for two drawn frames; then toggle it back.
FILTER_JS = """kind => new Promise(function (done) {
  var box = document.querySelector('input[data-kind="' + kind + '"]'), t = performance.now();
  box.click();
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    var ms = performance.now() - t; box.click(); setTimeout(function () { done(ms); }, 50); }); });
})"""


def measure(n: int, out: Path, browser) -> dict:
    from kg.render import render_html, to_networkx
    g = synthetic_graph(n, seed=n)
    G = to_networkx(g)
    t0 = time.perf_counter()
    path = render_html(g, out / f"graph-{n}.html", title=f"synthetic graph, {n} nodes")
    render_s = time.perf_counter() - t0
    page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)  # for wait_for_function
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    t0 = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_function("window.kgReady === true", timeout=120_000, polling=50)
    wall_s = time.perf_counter() - t0
    interactive_s = page.evaluate("window.kgReadyAt") / 1000
    # In-page timings, median of three: the machine's load shows in single runs.
    search_ms = statistics.median(page.evaluate(SEARCH_JS, f"Person {i}") for i in (17, 18, 19))
    filter_ms = statistics.median(page.evaluate(FILTER_JS, "Organization") for _ in range(3))
    page.screenshot(path=str(out / f"graph-{n}.png"))
    page.close()
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "render_s": round(render_s, 2),
            "html_bytes": path.stat().st_size, "interactive_s": round(interactive_s, 2),
            "load_wall_s": round(wall_s, 2),
            "search_panel_ms": round(search_ms), "filter_ms": round(filter_ms), "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--out", type=Path, default=Path("/tmp/html/bench"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in args.sizes:
            rows.append(measure(n, args.out, browser))
            r = rows[-1]
            print(f"{r['nodes']:>6} nodes {r['edges']:>6} edges  html {r['html_bytes'] / 1e6:6.2f} MB  "
                  f"render {r['render_s']:5.2f} s  interactive {r['interactive_s']:5.2f} s (wall {r['load_wall_s']:5.2f} s)  "
                  f"search+panel {r['search_panel_ms']:>5} ms  filter {r['filter_ms']:>5} ms"
                  + (f"  ERRORS {r['errors']}" if r["errors"] else ""), flush=True)
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
