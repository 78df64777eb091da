"""A built graph (rdflib) -> plain records, networkx views, and the measures taken on them.

    entities(g, kind=None) -> list[Entity]            every entity, its kind and aliases
    facts(g, entity=None) -> list[Fact]               what the graph states about an entity
    evidence(g, fact) -> list[EvidenceRecord]         the sentences that state a fact
    to_networkx(g, view="full") -> networkx graph     views: full, people, met-with, stances
    centrality(G, measure="degree") -> list[Ranked]   actors ranked by degree or betweenness
    communities(G) -> list[list[str]]                 Louvain communities, as labels
    shortest_path(G, a, b) -> list[Step]              the facts linking two entities
    export(G, path) -> Path                           GraphML or GEXF, for Gephi

Nodes of every view are keyed by the IRI relative to https://w3id.org/newskg/id/
("person/vladimir-putin"), and carry `label`, `kind`, `iri` and `aliases`. The measures
take any of the views and answer with labels, so that a table reads as names.
"""
from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from itertools import combinations, islice
from pathlib import Path
from typing import Iterable, NamedTuple

import networkx as nx
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import GraphError, QueryError
from kg.graph import ID, NKG, PROV, SCHEMA

KIND_OF_CLASS = {
    SCHEMA.Person: "Person", SCHEMA.Country: "Country", SCHEMA.City: "City",
    SCHEMA.Place: "Place", SCHEMA.AdministrativeArea: "Place", SCHEMA.Continent: "Place",
    NKG.Site: "Site", SCHEMA.Organization: "Organization",
    SCHEMA.GovernmentOrganization: "Organization", SCHEMA.PoliticalParty: "Organization",
    SCHEMA.NewsMediaOrganization: "Organization", SCHEMA.CollegeOrUniversity: "Organization",
    SCHEMA.ResearchOrganization: "Organization", NKG.Meeting: "Meeting",
    NKG.DefenseSystem: "DefenseSystem", NKG.Proposal: "Proposal",
}
KINDS = ("Person", "Country", "Organization", "City", "Place", "Site", "Meeting",
         "DefenseSystem", "Proposal")
# Who can act in a story: the subjects of nkg:opposes, nkg:supports and nkg:proposed.
ACTORS = ("Person", "Country", "Organization")
PEOPLE = ("Person",)
VIEWS = ("full", "people", "met-with", "stances")
STANCES = (NKG.opposes, NKG.supports, NKG.proposed)
# Naming and bookkeeping, not statements about the world: never a fact.
NOT_FACTS = {RDF.type, RDFS.label, SCHEMA.alternateName, OWL.sameAs, SCHEMA.mentions}
# Where a statement comes from and how it is written down, not what it says.
BOOKKEEPING = {NKG.charStart, NKG.charEnd, NKG.text, PROV.wasDerivedFrom, NKG.sourceFile,
               SCHEMA.headline, NKG.observedOn}
NAMES = {"schema": str(SCHEMA), "nkg": str(NKG), "rdfs": str(RDFS), "rdf": str(RDF),
         "owl": str(OWL), "prov": str(PROV)}
RELATION_LABELS = {
    "schema:attendee": "attended by", "schema:location": "located in", "nkg:opposes": "opposes",
    "nkg:supports": "supports", "nkg:proposed": "proposed", "nkg:partOf": "part of",
    "nkg:aimedAt": "aimed at", "nkg:successorOf": "successor of",
    "schema:affiliation": "affiliated with", "schema:containedInPlace": "located in",
    "nkg:concerns": "concerns", "schema:nationality": "national of",
    "nkg:holdsPosition": "holds office", "nkg:topic": "about", "schema:publisher": "published by",
}


class Entity(NamedTuple):
    """One node of the graph: its IRI, canonical label, kind and other names."""
    iri: URIRef
    label: str
    kind: str
    aliases: tuple[str, ...]


class Fact(NamedTuple):
    """One triple, with readable names: `kg.evidence(fact)` takes it (or any (s, p, o))."""
    subject: URIRef
    predicate: URIRef
    object: Node
    subject_label: str
    relation: str           # the predicate as a CURIE, e.g. "nkg:opposes"
    object_label: str


class EvidenceRecord(NamedTuple):
    """Where a fact is stated: article id, sentence and offsets, and the rule that found it."""
    node: URIRef
    article: str
    sentence: str | None
    start: int | None
    end: int | None
    rule: str


class Ranked(NamedTuple):
    label: str
    kind: str
    score: float


class Step(NamedTuple):
    """One hop of a path: `source` -relation-> `target` as the graph states it."""
    source: str
    relation: str
    target: str
    sentences: tuple[str, ...]


def curie(iri: Node) -> str:
    """`https://schema.org/attendee` -> `schema:attendee` (other IRIs unchanged)."""
    text = str(iri)
    for prefix, ns in NAMES.items():
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def node_key(iri: Node) -> str:
    """The key of an entity in every networkx view: its IRI relative to the id namespace."""
    text = str(iri)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


def entity_kinds(g: Graph) -> dict[URIRef, str]:
    """Every entity of `g` and its kind (a node typed Site and Place is a Site)."""
    kinds: dict[URIRef, str] = {}
    for cls, kind in KIND_OF_CLASS.items():
        for node in g.subjects(RDF.type, cls):
            old = kinds.get(node)
            if old is None or _specificity(kind) < _specificity(old):
                kinds[node] = kind
    return kinds


def _specificity(kind: str) -> int:
    # A node with two classes keeps the narrower kind: Site before Place, City before Place.
    return ("Site", "City", "Country", "Person", "Meeting", "DefenseSystem", "Proposal",
            "Organization", "Place").index(kind)


def label_of(g: Graph, node: Node) -> str:
    """The rdfs:label of a node; a position reads "foreign minister of Russia"; a literal its value."""
    if isinstance(node, Literal):
        return str(node)
    label = g.value(node, RDFS.label)
    if label is not None:
        return str(label)
    title = g.value(node, NKG.roleTitle)
    if title is not None:
        where = g.value(node, NKG.ofCountry) or g.value(node, NKG.ofOrganization)
        return f"{title} of {label_of(g, where)}" if where is not None else str(title)
    text = g.value(node, NKG.text)
    if text is not None:
        return f"“{text}”"
    return node_key(node)


def entities(g: Graph, kind: str | None = None) -> list[Entity]:
    """The entities of `g`, sorted by kind and label; `kind` keeps one kind ("Person", ...).

    Example
    -------
    >>> [e.label for e in entities(graph, "Person")][:2]    # doctest: +SKIP
    ['Bill Clinton', 'Condoleezza Rice']
    """
    if kind is not None and kind not in KINDS:
        raise QueryError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    found = [Entity(node, label_of(g, node), k, tuple(sorted(str(a) for a in g.objects(node, SCHEMA.alternateName))))
             for node, k in entity_kinds(g).items() if kind in (None, k)]
    return sorted(found, key=lambda e: (KINDS.index(e.kind), e.label.casefold(), str(e.iri)))


def find_entity(g: Graph, name: str | Node) -> URIRef:
    """The entity named `name`: an IRI, a view key ("person/vladimir-putin"), a label, an alias
    or a surname ("Lavrov"), case-insensitive. A label wins over an alias, an alias over a
    surname; a name shared by several entities is an error naming them.
    """
    kinds = entity_kinds(g)
    text = str(name)
    for candidate in (URIRef(text), ID[text]):
        if candidate in kinds:
            return candidate
    nodes = {node_key(n): n for n in kinds}
    named = {key: (label_of(g, n), [str(a) for a in g.objects(n, SCHEMA.alternateName)], kinds[n])
             for key, n in nodes.items()}
    return nodes[match_name(text, named)]


def match_name(name: str, named: dict[str, tuple[str, list[str], str]]) -> str:
    """The key (of {key: (label, aliases, kind)}) whose label, else alias, else surname (the
    last word of a person's label: the gazetteer's bare surnames are not always aliases) is `name`."""
    folded = name.strip().casefold()
    tiers = (lambda label, aliases, kind: label.casefold() == folded,
             lambda label, aliases, kind: any(a.casefold() == folded for a in aliases),
             lambda label, aliases, kind: kind == "Person" and label.casefold().split()[-1:] == [folded])
    for tier in tiers:
        found = sorted(key for key, (label, aliases, kind) in named.items() if tier(label, aliases, kind))
        if len(found) == 1:
            return found[0]
        if found:
            raise QueryError(f"{name!r} names several entities: {', '.join(found)}; give one of these keys")
    raise QueryError(f"no entity named {name!r}")


def facts(g: Graph, entity: str | Node | None = None) -> list[Fact]:
    """What the graph states about `entity` (as subject or object); None: every fact.

    Naming triples (type, label, alternateName, sameAs, mentions), sources and offsets
    (wasDerivedFrom, charStart, a quote's text...) and the evidence nodes' own triples are
    left out: they are how the graph names and sources facts.

    Example
    -------
    >>> [f.relation for f in facts(graph, "Lavrov")]    # doctest: +SKIP
    ['schema:attendee', 'nkg:holdsPosition', 'nkg:proposed', ...]
    """
    evidence_nodes = set(g.subjects(RDF.type, NKG.Evidence))
    if entity is None:
        triples: Iterable = g.triples((None, None, None))
    else:
        node = find_entity(g, entity)
        triples = list(g.triples((node, None, None))) + list(g.triples((None, None, node)))
    found = {Fact(s, p, o, label_of(g, s), curie(p), label_of(g, o))
             for s, p, o in triples if p not in NOT_FACTS and p not in BOOKKEEPING
             and s not in evidence_nodes and o not in evidence_nodes}
    return sorted(found, key=lambda f: (f.subject_label, f.relation, f.object_label, str(f.object)))


def evidence(g: Graph, fact) -> list[EvidenceRecord]:
    """The evidence nodes of a fact (a `Fact` or any (subject, predicate, object) triple).

    A fact stated by no article (a label, a gazetteer-free date) has none: an empty list.
    """
    s, p, o = fact[0], fact[1], fact[2]
    records = []
    for node in set(g.subjects(RDF.subject, s)) & set(g.subjects(RDF.predicate, p)) & set(g.subjects(RDF.object, o)):
        start, end = g.value(node, NKG.charStart), g.value(node, NKG.charEnd)
        sentence = g.value(node, NKG.sentence)
        records.append(EvidenceRecord(
            node, node_key(g.value(node, PROV.wasDerivedFrom) or "").removeprefix("article/"),
            str(sentence) if sentence is not None else None,
            int(start) if start is not None else None, int(end) if end is not None else None,
            str(g.value(node, NKG.rule) or "")))
    return sorted(records, key=lambda r: (r.article, r.start if r.start is not None else -1, r.rule))


def _sentences(g: Graph) -> dict[tuple, list[tuple[str, str]]]:
    """(s, p, o) -> [(article id, sentence)] of every evidence node."""
    found: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for node in g.subjects(RDF.type, NKG.Evidence):
        key = (g.value(node, RDF.subject), g.value(node, RDF.predicate), g.value(node, RDF.object))
        article = node_key(g.value(node, PROV.wasDerivedFrom) or "").removeprefix("article/")
        found[key].append((article, str(g.value(node, NKG.sentence) or "")))
    for value in found.values():
        value.sort()
    return found


def _add_nodes(G: nx.Graph, g: Graph, kinds: dict[URIRef, str], keep: Iterable[str] | None = None) -> None:
    for node, kind in sorted(kinds.items(), key=lambda item: str(item[0])):
        if keep is None or kind in keep:
            G.add_node(node_key(node), label=label_of(g, node), kind=kind, iri=str(node),
                       aliases=sorted(str(a) for a in g.objects(node, SCHEMA.alternateName)))


def to_networkx(g: Graph, view: str = "full") -> nx.Graph:
    """A networkx view of `g`.

    Parameters
    ----------
    view : "full"     MultiDiGraph: every entity; an edge per relation between two entities
                      (key and `relation`: the CURIE; `label`, `sentences`, `articles`,
                      `weight`: how many articles state it, at least 1); an office is an
                      edge person -> country or organization
                      (relation "nkg:holdsPosition", `title`).
           "people"   Graph of persons; an edge when one article mentions both
                      (`weight`: how many articles, `articles`).
           "met-with" Graph of persons; an edge when both attended one meeting
                      (`weight`: how many meetings, `meetings`: their labels, `dates`).
           "stances"  MultiDiGraph actor -> target, key and `stance`: opposes, supports or
                      proposed; `sentences` that state it.

    Returns
    -------
    A networkx graph whose nodes are keyed "kind/slug" and carry label, kind, iri, aliases.

    Example
    -------
    >>> G = to_networkx(graph, "met-with")                       # doctest: +SKIP
    >>> G["person/condoleezza-rice"]["person/sergey-lavrov"]["weight"]   # doctest: +SKIP
    2
    """
    if view not in VIEWS:
        raise QueryError(f"unknown view {view!r} (one of {', '.join(VIEWS)})")
    kinds = entity_kinds(g)
    sentences = _sentences(g)
    if view == "full":
        return _full_view(g, kinds, sentences)
    if view == "stances":
        return _stances_view(g, kinds, sentences)
    if view == "met-with":
        return _met_with_view(g, kinds)
    return _people_view(g, kinds)


def _edge_data(relation: str, found: list[tuple[str, str]], **extra) -> dict:
    return {"relation": relation, "label": RELATION_LABELS.get(relation, relation.split(":")[-1]),
            "sentences": [s for _, s in found], "articles": sorted({a for a, _ in found}),
            "weight": max(1, len({a for a, _ in found})), **extra}


def _full_view(g: Graph, kinds: dict, sentences: dict) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    _add_nodes(G, g, kinds)
    for s, p, o in sorted(g.triples((None, None, None))):
        if s in kinds and o in kinds and p not in NOT_FACTS:
            relation = curie(p)
            G.add_edge(node_key(s), node_key(o), key=relation, **_edge_data(relation, sentences.get((s, p, o), [])))
    for person, position in sorted(g.subject_objects(NKG.holdsPosition)):
        where = g.value(position, NKG.ofCountry) or g.value(position, NKG.ofOrganization)
        if person in kinds and where in kinds:
            title = str(g.value(position, NKG.roleTitle) or "")
            G.add_edge(node_key(person), node_key(where), key=f"nkg:holdsPosition {title}",
                       **_edge_data("nkg:holdsPosition", sentences.get((person, NKG.holdsPosition, position), []),
                                    title=title))
    return G


def _stances_view(g: Graph, kinds: dict, sentences: dict) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for predicate in STANCES:
        for actor, target in sorted(g.subject_objects(predicate)):
            if kinds.get(actor) in ACTORS and target in kinds:
                for node in (actor, target):
                    if node_key(node) not in G:
                        G.add_node(node_key(node), label=label_of(g, node), kind=kinds[node], iri=str(node),
                                   aliases=sorted(str(a) for a in g.objects(node, SCHEMA.alternateName)))
                stance = curie(predicate).split(":")[1]
                G.add_edge(node_key(actor), node_key(target), key=stance, stance=stance,
                           **_edge_data(curie(predicate), sentences.get((actor, predicate, target), [])))
    return G


def _met_with_view(g: Graph, kinds: dict) -> nx.Graph:
    G = nx.Graph()
    _add_nodes(G, g, kinds, keep=("Person",))
    meetings = sorted((m for m, k in kinds.items() if k == "Meeting"), key=str)
    for meeting in meetings:
        people = sorted(node_key(p) for p in g.objects(meeting, SCHEMA.attendee) if kinds.get(p) == "Person")
        date = g.value(meeting, SCHEMA.startDate)
        for a, b in combinations(people, 2):
            if not G.has_edge(a, b):
                G.add_edge(a, b, weight=0, meetings=[], dates=[])
            edge = G[a][b]
            edge["weight"] += 1
            edge["meetings"].append(label_of(g, meeting))
            if date is not None:
                edge["dates"].append(str(date))
    return G


def _people_view(g: Graph, kinds: dict) -> nx.Graph:
    G = nx.Graph()
    _add_nodes(G, g, kinds, keep=("Person",))
    for article in sorted(g.subjects(RDF.type, SCHEMA.NewsArticle), key=str):
        people = sorted({node_key(p) for p in g.objects(article, SCHEMA.mentions) if kinds.get(p) == "Person"})
        for a, b in combinations(people, 2):
            if not G.has_edge(a, b):
                G.add_edge(a, b, weight=0, articles=[])
            G[a][b]["weight"] += 1
            G[a][b]["articles"].append(node_key(article).removeprefix("article/"))
    return G


def undirected(G: nx.Graph) -> nx.Graph:
    """A simple undirected graph of any view; parallel edges add their weights."""
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    for a, b, data in G.edges(data=True):
        if a == b:
            continue
        if H.has_edge(a, b):
            H[a][b]["weight"] += data.get("weight", 1)
        else:
            H.add_edge(a, b, weight=data.get("weight", 1))
    return H


def centrality(G: nx.Graph, measure: str = "degree", *, kinds: Iterable[str] | None = PEOPLE,
               weight: str | None = "weight", top: int | None = None) -> list[Ranked]:
    """Rank the actors of a view by centrality (default: the people of the story).

    Parameters
    ----------
    G : any view (directions are ignored, parallel edges add their weights).
    measure : "degree": the facts a node takes part in, each counted once per article that
        states it (`weight`; None counts distinct neighbours), divided by n - 1;
        "betweenness": the share of shortest paths through the node (unweighted).
        Both are computed over the whole view, then filtered to `kinds`.
    kinds : kinds to rank: ("Person",) by default, ACTORS adds countries and organizations,
        None ranks every node.
    top : keep the first `top`.

    Returns
    -------
    [Ranked(label, kind, score)], highest first, ties by label.

    Example
    -------
    >>> [r.label for r in centrality(to_networkx(graph), top=3)]    # doctest: +SKIP
    ['Vladimir Putin', 'George W. Bush', 'Sergey Lavrov']
    """
    unknown = sorted(set(kinds or ()) - set(KINDS))
    if unknown:
        raise QueryError(f"unknown kind {unknown[0]!r} (one of {', '.join(KINDS)})")
    H = undirected(G)
    if measure == "degree":
        scale = 1 / (len(H) - 1) if len(H) > 1 else 1.0
        scores = {n: d * scale for n, d in H.degree(weight=weight)}
    elif measure == "betweenness":
        scores = nx.betweenness_centrality(H)
    else:
        raise QueryError(f"unknown measure {measure!r} (degree or betweenness)")
    keep = set(kinds) if kinds is not None else None
    ranked = [Ranked(H.nodes[n].get("label", n), H.nodes[n].get("kind", ""), round(score, 6))
              for n, score in scores.items() if keep is None or H.nodes[n].get("kind") in keep]
    ranked.sort(key=lambda r: (-r.score, r.label))
    return ranked[:top] if top is not None else ranked


def communities(G: nx.Graph, *, seed: int = 7, resolution: float = 1.0) -> list[list[str]]:
    """Louvain communities of `G` (networkx), as sorted lists of labels, largest first.

    The seed fixes Louvain's random order, so the same graph gives the same communities.
    Nodes without an edge are left out: each would be a community of one.
    """
    H = undirected(G)
    H.remove_nodes_from([n for n in list(H) if H.degree(n) == 0])
    if H.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(H, weight="weight", seed=seed, resolution=resolution)
    groups = [sorted(H.nodes[n].get("label", n) for n in group) for group in found]
    return sorted(groups, key=lambda group: (-len(group), group))


def resolve_node(G: nx.Graph, name: str) -> str:
    """The node of `G` named `name`: its key, label, an alias or a surname (case-insensitive)."""
    if name in G:
        return name
    return match_name(name, {n: (d.get("label", n), d.get("aliases", []), d.get("kind", ""))
                             for n, d in G.nodes(data=True)})


def shortest_path(G: nx.Graph, source: str, target: str) -> list[Step]:
    """The shortest chain of facts linking two entities (any direction), with their sentences.

    Parameters
    ----------
    G : a view, usually `to_networkx(g, "full")`.
    source, target : keys, labels or aliases ("Rice", "Sergey Lavrov").

    Returns
    -------
    [Step(source, relation, target, sentences)], in the direction each fact is stated;
    empty when source and target are one entity. No path: QueryError.
    """
    a, b = resolve_node(G, source), resolve_node(G, target)
    H = undirected(G)
    # Of the shortest paths (ties are common), take the one whose facts are stated by the most
    # articles, then the first by labels: the same graph always answers the same path.
    try:
        candidates = list(islice(nx.all_shortest_paths(H, a, b), 1000))
    except nx.NetworkXNoPath:
        raise QueryError(f"no path between {G.nodes[a]['label']!r} and {G.nodes[b]['label']!r}") from None

    def rank(nodes):
        weight = sum(H[u][v]["weight"] for u, v in zip(nodes, nodes[1:]))
        return (-weight, [G.nodes[n]["label"] for n in nodes])

    nodes = min(candidates, key=rank)
    return [_step(G, u, v) for u, v in zip(nodes, nodes[1:])]


def _step(G: nx.Graph, u: str, v: str) -> Step:
    """The best-attested fact between two adjacent nodes, in the direction it is stated."""
    edges = []
    for x, y in ((u, v), (v, u)) if G.is_directed() else ((u, v),):
        data = G.get_edge_data(x, y)
        if data is None:
            continue
        for edge in (data.values() if G.is_multigraph() else [data]):
            edges.append((-edge.get("weight", 1), str(edge.get("relation", "")), x, y, edge))
    *_, x, y, edge = min(edges, key=lambda e: e[:4])
    relation = edge.get("label") or edge.get("relation") or ", ".join(edge.get("meetings", [])) or "linked to"
    return Step(G.nodes[x]["label"], relation, G.nodes[y]["label"], tuple(edge.get("sentences", ())))


def export(G: nx.Graph, path: str | Path) -> Path:
    """Write a view as GraphML (.graphml) or GEXF (.gexf), for Gephi; lists become "; "-joined text."""
    path = Path(path)
    writers = {".graphml": nx.write_graphml, ".gexf": nx.write_gexf}
    if path.suffix not in writers:
        raise QueryError(f"{path}: export writes .graphml or .gexf")
    H = G.copy()
    for _, data in H.nodes(data=True):
        _flatten(data)
    for *_, data in H.edges(data=True):
        _flatten(data)
    if not path.parent.is_dir():
        raise GraphError(f"{path.parent}: no such folder")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        writers[path.suffix](H, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _flatten(data: dict) -> None:
    # GraphML and GEXF hold scalars only.
    for key, value in list(data.items()):
        if isinstance(value, (list, tuple, set)):
            data[key] = "; ".join(str(v) for v in value)
        elif value is None:
            del data[key]
