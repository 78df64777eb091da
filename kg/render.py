"""An rdflib graph -> an interactive pyvis network (graph.html), self-contained, offline.

    render_html(graph, path, *, focus=None, depth=2, kinds=None) -> Path

Nodes are the entities of the graph, coloured and shaped by kind and sized by degree; edges
are the relations between them, labelled, with the sentences that state them in the tooltip.
Article, quote, position and evidence nodes are not drawn: they are what the panels show.
"""
from __future__ import annotations

import html
import json
from collections import defaultdict
from pathlib import Path

import networkx as nx
from rdflib import RDF, RDFS, Graph

from kg.graph import ID, NKG, SCHEMA

KIND_STYLE = {
    "Person": ("#e45756", "dot"), "Country": ("#4c78a8", "square"), "City": ("#72b7b2", "triangle"),
    "Place": ("#54a24b", "triangle"), "Site": ("#b279a2", "diamond"),
    "Organization": ("#f58518", "hexagon"), "Meeting": ("#eeca3b", "star"),
    "DefenseSystem": ("#9d755d", "box"), "Proposal": ("#bab0ac", "ellipse"),
}
CLASS_KIND = {
    SCHEMA.Person: "Person", SCHEMA.Country: "Country", SCHEMA.City: "City", SCHEMA.Place: "Place",
    SCHEMA.AdministrativeArea: "Place", SCHEMA.Continent: "Place", NKG.Site: "Site",
    SCHEMA.Organization: "Organization", NKG.Meeting: "Meeting", NKG.DefenseSystem: "DefenseSystem",
    NKG.Proposal: "Proposal",
}
EDGE_LABELS = {
    SCHEMA.attendee: "attended", NKG.opposes: "opposes", NKG.supports: "supports",
    NKG.proposed: "proposed", SCHEMA.location: "located in", NKG.partOf: "part of",
    NKG.aimedAt: "aimed at", NKG.successorOf: "successor of", SCHEMA.affiliation: "affiliated with",
    SCHEMA.containedInPlace: "located in", NKG.concerns: "concerns", SCHEMA.nationality: "nationality",
}
KIND_ORDER = ["Site", "City", "Country", "Place", "Person", "Meeting", "DefenseSystem", "Proposal", "Organization"]
LAYOUT_IN_PYTHON_ABOVE = 300


def entity_kinds(g: Graph) -> dict:
    kinds: dict = {}
    for cls, kind in CLASS_KIND.items():
        for node in g.subjects(RDF.type, cls):
            old = kinds.get(node)
            if old is None or KIND_ORDER.index(kind) < KIND_ORDER.index(old):
                kinds[node] = kind
    return kinds


def to_networkx(g: Graph) -> nx.MultiDiGraph:
    """Entities as nodes, relations as edges; attendance drawn from person to meeting, offices
    as 'holds office in' edges from the person to the country or organization."""
    kinds = entity_kinds(g)
    G = nx.MultiDiGraph()
    for node, kind in kinds.items():
        G.add_node(str(node), label=str(g.value(node, RDFS.label) or node), kind=kind,
                   aliases=sorted(str(a) for a in g.objects(node, SCHEMA.alternateName)))
    evidence = defaultdict(list)
    for ev in g.subjects(RDF.type, NKG.Evidence):
        key = (g.value(ev, RDF.subject), g.value(ev, RDF.predicate), g.value(ev, RDF.object))
        evidence[key].append(str(g.value(ev, NKG.sentence) or ""))
    for pred, label in EDGE_LABELS.items():
        for s, o in g.subject_objects(pred):
            if s in kinds and o in kinds:
                a, b = (o, s) if pred == SCHEMA.attendee else (s, o)
                G.add_edge(str(a), str(b), key=label, label=label, sentences=evidence.get((s, pred, o), []))
    for person, pos in g.subject_objects(NKG.holdsPosition):
        title = str(g.value(pos, NKG.roleTitle) or "")
        where = g.value(pos, NKG.ofCountry) or g.value(pos, NKG.ofOrganization)
        if person in kinds and where in kinds:
            G.add_edge(str(person), str(where), key=f"holds office in: {title}",
                       label=f"{title} of", sentences=evidence.get((person, NKG.holdsPosition, pos), []))
    return G


def render_html(g: Graph, path: Path, *, focus: str | None = None, depth: int = 2,
                kinds: set[str] | None = None) -> Path:
    from pyvis.network import Network

    G = to_networkx(g)
    if kinds:
        G = G.subgraph([n for n, d in G.nodes(data=True) if d["kind"] in kinds]).copy()
    if focus:
        matches = [n for n, d in G.nodes(data=True)
                   if focus.casefold() in (d["label"].casefold(), *(a.casefold() for a in d["aliases"]))]
        if matches:
            keep = set()
            for m in matches:
                keep |= set(nx.ego_graph(G.to_undirected(as_view=True), m, radius=depth))
            G = G.subgraph(keep).copy()
    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line", notebook=False)
    positions = None
    if G.number_of_nodes() > LAYOUT_IN_PYTHON_ABOVE:
        positions = nx.spring_layout(nx.Graph(G), seed=7, iterations=30, scale=2000)
    for node, d in sorted(G.nodes(data=True)):
        color, shape = KIND_STYLE[d["kind"]]
        title = f"{d['label']} ({d['kind']})"
        if d["aliases"]:
            title += "\nalso: " + ", ".join(d["aliases"][:8])
        extra = {}
        if positions is not None:
            x, y = positions[node]
            extra = {"x": float(x), "y": float(y), "physics": False}
        net.add_node(node, label=d["label"], title=title, color=color, shape=shape,
                     size=10 + 3 * min(G.degree(node), 15), group=d["kind"], **extra)
    for a, b, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[1], e[2]["label"])):
        title = d["label"] + ("\n" + "\n".join(f"“{s[:200]}”" for s in d["sentences"][:3]) if d["sentences"] else "")
        net.add_edge(a, b, label=d["label"], title=title, arrows="to")
    net.toggle_physics(positions is None)
    page = net.generate_html(notebook=False)
    legend = "".join(f'<span style="color:{c}">&#9679;</span> {html.escape(k)} &nbsp;'
                     for k, (c, _) in KIND_STYLE.items())
    page = page.replace("<body>", f'<body><div id="legend" style="font:13px sans-serif;padding:4px">{legend}</div>', 1)
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


def graph_summary(g: Graph) -> str:
    return json.dumps({"entities": len(entity_kinds(g))})
