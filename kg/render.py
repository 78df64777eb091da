"""An rdflib graph -> an interactive network page (graph.html): pyvis, self-contained, offline.

    to_networkx(g) -> networkx.MultiDiGraph      the entities and the relations drawn
    page_data(g, G) -> dict                      what the page's panels, filters and timeline show
    render_html(graph, path, *, focus=None, depth=2, kinds=None, ...) -> Path

Takes the union graph a build wrote (docs/graph-contract.md, docs/modelling.md) and gives one
HTML file that opens from disk with no network: vis-network, the page's script and style and
the graph's data are all inline. Nodes are entities, coloured and shaped by kind and sized by
degree; edges are relations, labelled and directed. Articles, quotes, positions and evidence
are not nodes (articles and quotes can be added): the side panel shows them, so each fact
comes with the sentence that states it, the article's headline and its date.

Big graphs get their layout here, in Python, and the browser's physics stays off: a
5,000-node page then opens in seconds instead of simulating for minutes. The page is a
function of the graph alone (sorted data, ids from IRIs, seeded layout): same graph, same bytes.
"""
from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from pathlib import Path

import networkx as nx
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.errors import GraphError
from kg.graph import ID, NKG, PROV, SCHEMA

ASSETS = Path(__file__).resolve().parent / "render_assets"

# kind -> (colour, vis-network shape, how the legend names it). Colours: Tableau 10, which
# stays distinguishable for the common colour-vision deficiencies when paired with shapes.
KIND_STYLE = {
    "Person": ("#e15759", "dot", "person"),
    "Country": ("#4e79a7", "square", "country"),
    "City": ("#76b7b2", "triangle", "city"),
    "Place": ("#59a14f", "triangleDown", "place"),
    "Site": ("#b07aa1", "diamond", "site"),
    "Organization": ("#f28e2b", "hexagon", "organization"),
    "Meeting": ("#edc948", "star", "meeting"),
    "DefenseSystem": ("#9c755f", "box", "defense system"),
    "Proposal": ("#bab0ac", "ellipse", "proposal"),
    "Article": ("#86bcb6", "text", "article"),
    "Quote": ("#d4a6c8", "text", "quote"),
}
CLASS_KIND = {
    SCHEMA.Person: "Person", SCHEMA.Country: "Country", SCHEMA.City: "City", SCHEMA.Place: "Place",
    SCHEMA.AdministrativeArea: "Place", SCHEMA.Continent: "Place", NKG.Site: "Site",
    SCHEMA.Organization: "Organization", NKG.Meeting: "Meeting", NKG.DefenseSystem: "DefenseSystem",
    NKG.Proposal: "Proposal",
}
# A node typed twice keeps the narrower kind: a Site is also a schema:Place.
KIND_ORDER = ["Site", "City", "Country", "Person", "Meeting", "DefenseSystem", "Proposal",
              "Organization", "Place"]
# predicate -> relation as the page names it; attendance is drawn person -> meeting.
RELATIONS = {
    SCHEMA.attendee: "attended", NKG.holdsPosition: "holds office in", NKG.opposes: "opposes",
    NKG.supports: "supports", NKG.proposed: "proposed", SCHEMA.location: "located in",
    SCHEMA.containedInPlace: "located in", NKG.partOf: "part of", NKG.aimedAt: "aimed at",
    NKG.successorOf: "successor of", SCHEMA.affiliation: "affiliated with",
    NKG.conflictsWith: "conflicts with", NKG.concerns: "concerns", SCHEMA.nationality: "nationality",
}
REVERSED = {SCHEMA.attendee}
LAYOUT_IN_PYTHON_ABOVE = 300   # nodes; below this the browser's bounded physics lays out


def node_id(iri) -> str:
    """A node's id in the page: its IRI relative to the id namespace ("person/sergey-lavrov")."""
    text = str(iri)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


def entity_kinds(g: Graph) -> dict:
    """Every entity of `g` and its kind."""
    kinds: dict = {}
    for cls, kind in CLASS_KIND.items():
        for node in g.subjects(RDF.type, cls):
            old = kinds.get(node)
            if old is None or KIND_ORDER.index(kind) < KIND_ORDER.index(old):
                kinds[node] = kind
    return kinds


def _position_place(g: Graph, pos):
    return g.value(pos, NKG.ofCountry) or g.value(pos, NKG.ofOrganization)


def to_networkx(g: Graph, *, articles: bool = False, quotes: bool = False) -> nx.MultiDiGraph:
    """The graph the page draws: entities as nodes, relations as edges.

    Attendance is drawn from the person to the meeting ("attended"); an office is a
    "holds office in" edge from the person to the country or organization, one per position.
    Each edge keeps `facts`, the (s, p, o) triples it stands for, to find their evidence.

    Parameters
    ----------
    g : the union graph of a build.
    articles : also draw articles, with a "mentions" edge to each entity they mention.
    quotes : also draw quotes, with a "said" edge from the speaker.

    Returns
    -------
    networkx.MultiDiGraph keyed by page ids; nodes carry label, kind, aliases, iri.

    Example
    -------
    >>> from rdflib import Graph, Literal
    >>> g = Graph()
    >>> _ = g.add((ID["person/a"], RDF.type, SCHEMA.Person)).add((ID["person/a"], RDFS.label, Literal("A")))
    >>> G = to_networkx(g)
    >>> G.nodes["person/a"]["label"], G.number_of_edges()
    ('A', 0)
    """
    kinds = entity_kinds(g)
    if articles:
        kinds.update({a: "Article" for a in g.subjects(RDF.type, SCHEMA.NewsArticle)})
    if quotes:
        kinds.update({q: "Quote" for q in g.subjects(RDF.type, NKG.Quote)})
    G = nx.MultiDiGraph()
    for node, kind in sorted(kinds.items()):
        if kind == "Article":
            label = str(g.value(node, SCHEMA.headline) or g.value(node, NKG.sourceFile) or node_id(node))
        elif kind == "Quote":
            text = str(g.value(node, NKG.text) or "")
            label = "“" + (text if len(text) <= 40 else text[:39] + "…") + "”"
        else:
            label = str(g.value(node, RDFS.label) or node_id(node))
        G.add_node(node_id(node), label=label, kind=kind, iri=str(node),
                   aliases=sorted({str(a) for a in g.objects(node, SCHEMA.alternateName)} - {label}))

    def add(a, b, relation, fact, qualifier="", label=None):
        key = f"{relation}|{qualifier}"
        ia, ib = node_id(a), node_id(b)
        if G.has_edge(ia, ib, key):
            G.edges[ia, ib, key]["facts"].append(fact)
        else:
            G.add_edge(ia, ib, key=key, relation=relation, qualifier=qualifier,
                       label=label or relation, facts=[fact])

    for pred, relation in RELATIONS.items():
        if pred == NKG.holdsPosition:
            continue
        for s, o in g.subject_objects(pred):
            if s in kinds and o in kinds:
                a, b = (o, s) if pred in REVERSED else (s, o)
                add(a, b, relation, (s, pred, o))
    for person, pos in g.subject_objects(NKG.holdsPosition):
        where = _position_place(g, pos)
        if person in kinds and where in kinds:
            title = str(g.value(pos, NKG.roleTitle) or "office")
            add(person, where, "holds office in", (person, NKG.holdsPosition, pos),
                qualifier=node_id(pos), label=f"holds office in\n({title})")
    if articles:
        for art, ent in g.subject_objects(SCHEMA.mentions):
            if kinds.get(art) == "Article" and ent in kinds:
                add(art, ent, "mentions", (art, SCHEMA.mentions, ent))
    if quotes:
        for quote, speaker in g.subject_objects(NKG.speaker):
            if kinds.get(quote) == "Quote" and speaker in kinds:
                add(speaker, quote, "said", (quote, NKG.speaker, speaker))
    return G


def _name_score(name: str, query: str) -> float:
    """How well `query` names `name`: 0 exactly, 1 its start, 1.5 its last words (a surname:
    "Lavrov" is Sergey Lavrov before "talks of Lavrov and Rice"), 2 a word, 3 inside, 9 not."""
    if name == query:
        return 0
    if name.startswith(query):
        return 1
    if name.endswith(" " + query):
        return 1.5
    if (" " + query) in (" " + name):
        return 2
    return 3 if query in name else 9


def _neighbourhood(G: nx.MultiDiGraph, focus: str, depth: int) -> tuple[nx.MultiDiGraph, list[str]]:
    """The nodes within `depth` links of every node named `focus` (label or alias)."""
    wanted = " ".join(focus.casefold().split())
    scores = {n: min(_name_score(name.casefold(), wanted) for name in [d["label"], *d["aliases"]])
              for n, d in G.nodes(data=True)}
    best = min(scores.values(), default=9)
    if best == 9:
        raise GraphError(f"--focus {focus!r}: no entity has this name or alias")
    matches = sorted(n for n, score in scores.items() if score == best)
    undirected = G.to_undirected(as_view=True)
    keep: set[str] = set()
    for m in matches:
        keep |= set(nx.ego_graph(undirected, m, radius=depth))
    return G.subgraph(keep).copy(), sorted(matches)


def _normalise_kinds(kinds) -> set[str]:
    by_name = {k.casefold(): k for k in KIND_STYLE}
    by_name.update({style[2].casefold(): k for k, style in KIND_STYLE.items()})
    chosen = set()
    for kind in kinds:
        key = kind.casefold().strip().replace("_", " ")
        key = by_name.get(key) or by_name.get(key.replace(" ", "")) or by_name.get(key.rstrip("s"))
        if key is None:
            raise GraphError(f"--kind {kind!r}: not a kind; choose from "
                             + ", ".join(style[2] for style in KIND_STYLE.values()))
        chosen.add(key)
    return chosen


def layout(G: nx.MultiDiGraph, *, skeleton: int = 150, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions for a big graph, in linear time after a small spring layout.

    Force-directed layouts cost O(n²) per step (a 5,000-node spring_layout takes minutes),
    so only the `skeleton` best-connected nodes get one; every other node is placed, breadth
    first, on a sunflower spiral around its best-connected placed neighbour, and each further
    connected component starts its own spiral outside the drawing. Deterministic for a seed.
    """
    H = nx.Graph(G)
    order = sorted(H.nodes, key=lambda n: (-H.degree(n), n))
    top = order[:skeleton]
    spread = 110.0 * math.sqrt(H.number_of_nodes())
    pos: dict[str, tuple[float, float]] = {}
    if top:
        # a graph of its own, nodes in `order`: a subgraph view lists its nodes in the order
        # of a set, which changes with PYTHONHASHSEED, and spring_layout's start depends on it
        in_top = set(top)
        skeleton_graph = nx.Graph()
        skeleton_graph.add_nodes_from(top)
        skeleton_graph.add_edges_from(sorted((a, b) for a in top for b in H[a] if b in in_top and a < b))
        core = nx.spring_layout(skeleton_graph, seed=seed, iterations=40, scale=spread)
        pos = {n: (float(x), float(y)) for n, (x, y) in core.items()}
    satellites: dict[str, int] = defaultdict(int)
    golden = math.pi * (3 - math.sqrt(5))

    def place_around(anchor: str, node: str) -> None:
        k = satellites[anchor] = satellites[anchor] + 1
        r = 65.0 * math.sqrt(k)
        ax, ay = pos[anchor]
        pos[node] = (ax + r * math.cos(k * golden), ay + r * math.sin(k * golden))

    frontier = [n for n in order if n in pos]
    outer = 0
    for start in order:
        if start not in pos:     # a component the skeleton missed: its own spiral, outside
            outer += 1
            angle, radius = outer * golden, spread * (1.1 + 0.05 * math.sqrt(outer))
            pos[start] = (radius * math.cos(angle), radius * math.sin(angle))
            frontier = [start]
        while frontier:
            following = []
            for anchor in frontier:
                for nb in sorted(H[anchor], key=lambda n: (-H.degree(n), n)):
                    if nb not in pos:
                        place_around(anchor, nb)
                        following.append(nb)
            frontier = following
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}


def _evidence_index(g: Graph) -> dict:
    """(s, p, o) -> evidence rows: (article IRI, sentence, rule, start).

    One pass per property (`subject_objects`), which an rdflib Graph and a kg.store.StoreGraph
    both answer from their predicate index; a lookup per value and evidence node cost
    several times more."""
    def column(prop) -> dict:
        return dict(g.subject_objects(prop))
    subjects, predicates, objects = column(RDF.subject), column(RDF.predicate), column(RDF.object)
    articles, sentences = column(PROV.wasDerivedFrom), column(NKG.sentence)
    rules, starts = column(NKG.rule), column(NKG.charStart)
    index = defaultdict(list)
    for ev in g.subjects(RDF.type, NKG.Evidence):
        start = starts.get(ev)
        index[(subjects.get(ev), predicates.get(ev), objects.get(ev))].append(
            (str(articles.get(ev) or ""), str(sentences.get(ev) or ""), str(rules.get(ev) or ""),
             int(start) if start is not None else -1))
    return index


def page_data(g: Graph, G: nx.MultiDiGraph, *, focus: list[str] | None = None) -> dict:
    """Everything the page's panels, filters and timeline need, as plain sorted JSON data.

    Articles are listed once and referred to by index; each edge's evidence is
    [article index, sentence, rule]; each node lists the articles that mention it.
    """
    evidence = _evidence_index(g)
    art_iris = sorted({str(a) for a in g.subjects(RDF.type, SCHEMA.NewsArticle)},
                      key=lambda a: (str(g.value(URIRef(a), SCHEMA.datePublished) or "9999"), a))
    art_index = {a: i for i, a in enumerate(art_iris)}
    articles = []
    for a in art_iris:
        node = URIRef(a)
        articles.append({"headline": str(g.value(node, SCHEMA.headline) or g.value(node, NKG.sourceFile) or node_id(a)),
                         "date": str(g.value(node, SCHEMA.datePublished) or ""),
                         "file": str(g.value(node, NKG.sourceFile) or "")})

    def evidence_rows(facts):
        rows = set()
        for fact in facts:
            for art, sentence, rule, start in evidence.get(fact, ()):
                rows.add((art_index.get(art, -1), start, sentence, rule))
        return [[i, sentence, rule] for i, _, sentence, rule in sorted(rows)]

    iri_of = {n: URIRef(d["iri"]) for n, d in G.nodes(data=True)}
    nodes = {}
    for n, d in sorted(G.nodes(data=True)):
        iri = iri_of[n]
        info = {"label": d["label"], "kind": d["kind"], "aliases": d["aliases"],
                "articles": sorted(art_index[str(a)] for a in g.subjects(SCHEMA.mentions, iri)
                                   if str(a) in art_index)}
        wikidata = sorted(str(o) for o in g.objects(iri, OWL.sameAs) if "wikidata.org/" in str(o))
        if wikidata:
            info["wikidata"] = wikidata[0]
        if d["kind"] == "Site" and g.value(iri, NKG.siteKind):
            info["detail"] = str(g.value(iri, NKG.siteKind))
        if d["kind"] == "Meeting":
            info["detail"] = str(g.value(iri, NKG.meetingKind) or "meeting")
            info["date"] = str(g.value(iri, SCHEMA.startDate) or "")
        if d["kind"] == "Article":
            info["date"] = str(g.value(iri, SCHEMA.datePublished) or "")
            if str(iri) in art_index:
                info["articles"] = [art_index[str(iri)]]
        if d["kind"] == "Quote":
            info["text"] = str(g.value(iri, NKG.text) or "")
        offices = []
        for pos in sorted(g.objects(iri, NKG.holdsPosition)):
            where = _position_place(g, pos)
            offices.append({"id": node_id(pos), "title": str(g.value(pos, NKG.roleTitle) or "office"),
                            "of": str(g.value(where, RDFS.label) or "") if where is not None else "",
                            "ofId": node_id(where) if where is not None else "",
                            "conflicts": sorted(node_id(c) for c in g.objects(pos, NKG.conflictsWith)),
                            "evidence": evidence_rows([(iri, NKG.holdsPosition, pos)])})
        if offices:
            info["offices"] = offices
        said = []
        for quote in sorted(g.subjects(NKG.speaker, iri)):
            source = g.value(quote, PROV.wasDerivedFrom)
            said.append([art_index.get(str(source), -1), str(g.value(quote, NKG.text) or "")])
        if said:
            info["quotes"] = sorted(said)
        nodes[n] = info

    edges = []
    for a, b, key, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        rows = evidence_rows(d["facts"])
        edges.append({"from": a, "to": b, "relation": d["relation"], "label": d["label"],
                      "evidence": rows, "articles": sorted({r[0] for r in rows if r[0] >= 0})})

    # Who met whom: two people are linked by every meeting both attended.
    attendees = defaultdict(set)
    for meeting, person in g.subject_objects(SCHEMA.attendee):
        m, p = node_id(meeting), node_id(person)
        if m in nodes and p in nodes:
            attendees[m].add(p)
    met = defaultdict(list)
    for m, people in sorted(attendees.items()):
        ordered = sorted(people)
        for i, p in enumerate(ordered):
            for q in ordered[i + 1:]:
                met[(p, q)].append(m)
    meetings = sorted((info.get("date") or "9999", info["label"], n)
                      for n, info in nodes.items() if info["kind"] == "Meeting")
    kinds_present = sorted({info["kind"] for info in nodes.values()}, key=list(KIND_STYLE).index)
    return {
        "articles": articles,
        "nodes": nodes,
        "edges": edges,
        "met": [[p, q, ms] for (p, q), ms in sorted(met.items())],
        "timeline": [n for _, _, n in meetings],
        "kinds": [{"id": k, "name": KIND_STYLE[k][2], "color": KIND_STYLE[k][0], "shape": KIND_STYLE[k][1]}
                  for k in kinds_present],
        "relations": sorted({e["relation"] for e in edges}),
        "focus": focus or [],
    }


def _script_json(data) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' can close it or start markup."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _darker(color: str) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#%02x%02x%02x" % (int(r * 0.7), int(g * 0.7), int(b * 0.7))


def _vis_options(big: bool) -> dict:
    # Colour and shape come from the node's group (its kind): one entry here, not per node.
    groups = {kind: {"shape": shape, "color": {"background": color, "border": _darker(color),
                                               "highlight": {"background": color, "border": "#1f2933"},
                                               "hover": {"background": color, "border": "#1f2933"}}}
              for kind, (color, shape, _) in KIND_STYLE.items()}
    for kind in ("Article", "Quote"):
        groups[kind]["font"] = {"color": "#334e68"}
    options = {
        "groups": {"useDefaultGroups": False, **groups},
        "autoResize": True,
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                  "color": {"color": "#9aa5b1", "highlight": "#1f2933", "hover": "#52606d"},
                  "font": {"size": 10, "color": "#3e4c59", "strokeWidth": 3, "align": "middle"},
                  "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.2},
                  "width": 1, "selectionWidth": 2},
        "nodes": {"font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "borderWidth": 1, "borderWidthSelected": 3},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False,
                        "hideEdgesOnDrag": big, "hideEdgesOnZoom": big, "multiselect": False},
        "layout": {"randomSeed": 7, "improvedLayout": not big},
        "physics": {"enabled": not big, "solver": "barnesHut",
                    # strong central gravity keeps the isolated entities near the rest,
                    # so fitting the view leaves the labels readable
                    "barnesHut": {"gravitationalConstant": -3500, "centralGravity": 0.9,
                                  "springLength": 110, "springConstant": 0.04, "avoidOverlap": 0.3},
                    "stabilization": {"enabled": not big, "iterations": 300, "updateInterval": 50,
                                      "fit": True}},
    }
    return options


def render_html(g: Graph, path: Path, *, focus: str | None = None, depth: int = 2,
                kinds: set[str] | None = None, articles: bool = False, quotes: bool = False,
                title: str = "newskg graph", layout_above: int = LAYOUT_IN_PYTHON_ABOVE) -> Path:
    """Write the interactive network page for `g` to `path` and return the path.

    Parameters
    ----------
    g : the union graph of a build (rdflib Graph).
    path : the HTML file to write.
    focus, depth : only the entity with this name or alias and what lies within `depth` links.
    kinds : only these kinds ("person", "Organization", "defense system", ...).
    articles, quotes : also draw articles and quotes as nodes.
    title : the page's title.
    layout_above : graphs with more nodes than this are laid out in Python, physics off.

    Raises GraphError when `focus` names no entity or `kinds` holds an unknown kind.

    Example
    -------
    >>> import kg                                                  # doctest: +SKIP
    >>> kg.load("out").render("lavrov.html", focus="Lavrov", depth=1)  # doctest: +SKIP
    """
    from jinja2 import Environment, FileSystemLoader
    from pyvis.network import Network

    G = to_networkx(g, articles=articles, quotes=quotes)
    if kinds:
        wanted = _normalise_kinds(kinds)
        G = G.subgraph([n for n, d in G.nodes(data=True) if d["kind"] in wanted]).copy()
    matches: list[str] = []
    if focus:
        G, matches = _neighbourhood(G, focus, depth)
    big = G.number_of_nodes() > layout_above
    positions = layout(G) if big else {}

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    degree = dict(nx.Graph(G).degree())
    for n, d in sorted(G.nodes(data=True)):
        _, shape, kind_name = KIND_STYLE[d["kind"]]
        tip = f"{d['label']} · {kind_name} · {degree[n]} link{'s' * (degree[n] != 1)}"
        if d["aliases"]:
            tip += "\nalso: " + ", ".join(d["aliases"][:6]) + (" …" if len(d["aliases"]) > 6 else "")
        extra = {"x": positions[n][0], "y": positions[n][1]} if n in positions else {}
        net.add_node(n, label=d["label"], shape=shape, group=d["kind"], title=tip,
                     size=round(10 + 5 * math.sqrt(min(degree[n], 60)), 1), **extra)
    # pyvis checks each edge's ends against a list of every node, O(n) per edge; the
    # page's edges are built here directly, in pyvis' own edge format.
    parallel: dict[tuple[str, str], int] = defaultdict(int)
    for i, (a, b, key, d) in enumerate(sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))):
        pair = (min(a, b), max(a, b))
        k = parallel[pair]
        parallel[pair] += 1
        edge = {"id": f"e{i}", "from": a, "to": b, "label": d["label"], "arrows": "to",
                "title": f"{G.nodes[a]['label']} — {d['label'].replace(chr(10), ' ')} → {G.nodes[b]['label']}",
                "relation": d["relation"]}
        if big:
            # Thousands of edge labels cost the browser half of every redraw and cannot be read
            # at that density anyway: the page labels only the selected node's edges.
            del edge["label"]
        if d["relation"] == "holds office in" and (ID[d["qualifier"]], NKG.conflictsWith, None) in g:
            # Two offices that cannot both be true (nkg:conflictsWith): drawn dashed, in red.
            edge.update(dashes=True, color={"color": "#b42318", "highlight": "#7a1a10"})
            edge["title"] += "\nconflicts with another office of the same person"
        if k:   # a second fact between the same two nodes: bend it so both stay visible
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": round(0.25 * k, 2)}
        net.edges.append(edge)
    net.options = _vis_options(big)

    pyvis_templates = Path(os.path.dirname(__import__("pyvis").__file__)) / "templates"
    env = Environment(loader=FileSystemLoader([str(ASSETS)]), autoescape=True)
    env.globals.update(
        kg_title=title,
        kg_data=_script_json(page_data(g, G, focus=matches)),
        kg_css=(ASSETS / "page.css").read_text(encoding="utf-8"),
        kg_js=(ASSETS / "page.js").read_text(encoding="utf-8"),
        vis_js=(pyvis_templates / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8"),
        kg_counts={"nodes": G.number_of_nodes(), "edges": G.number_of_edges()},
        kg_big=big,
    )
    net.templateEnv = env
    net.path = "page.html"
    page = net.generate_html()
    path = Path(path)
    path.write_text(page, encoding="utf-8", newline="\n")
    return path
