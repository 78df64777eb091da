"""A built graph (rdflib) -> its counts, as data and as the text `kg stats` prints.

    graph_stats(graph, top=10) -> GraphStats
    format_stats(stats) -> str

Counts: entities by kind, facts by relation (every statement but naming, sources and
offsets), per article (entities mentioned, facts with evidence there, quotes), and
the most connected entities of the full networkx view.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import RDF, Graph

from kg.analyze import BOOKKEEPING, KINDS, NOT_FACTS, curie, entity_kinds, node_key, to_networkx, undirected
from kg.graph import NKG, PROV, SCHEMA


@dataclass(frozen=True)
class ArticleCounts:
    article: str            # article id (the file stem)
    headline: str
    entities: int           # entities it mentions
    facts: int              # distinct facts with evidence from it
    quotes: int


@dataclass(frozen=True)
class GraphStats:
    triples: int
    kinds: dict[str, int]                        # kind -> entities, in KINDS order
    relations: dict[str, int]                    # CURIE -> triples, most frequent first
    articles: list[ArticleCounts]                # by article id
    most_connected: list[tuple[str, str, int]]   # (label, kind, distinct neighbours)
    evidence: int                                # evidence nodes


def graph_stats(graph: Graph, top: int = 10) -> GraphStats:
    """Count what a built graph holds.

    Parameters
    ----------
    graph : the union rdflib Graph (`KnowledgeGraph.graph`).
    top : how many of the most connected entities to keep.

    Example
    -------
    >>> stats = graph_stats(kg.load("out").graph)      # doctest: +SKIP
    >>> stats.kinds["Person"]                            # doctest: +SKIP
    14
    """
    kinds = entity_kinds(graph)
    by_kind = Counter(kinds.values())
    evidence_nodes = set(graph.subjects(RDF.type, NKG.Evidence))
    relations = Counter(curie(p) for s, p, _ in graph
                        if p not in NOT_FACTS and p not in BOOKKEEPING and s not in evidence_nodes)
    facts_of: dict[str, set] = {}
    for node in evidence_nodes:
        article = graph.value(node, PROV.wasDerivedFrom)
        triple = (graph.value(node, RDF.subject), graph.value(node, RDF.predicate), graph.value(node, RDF.object))
        facts_of.setdefault(str(article), set()).add(triple)
    quotes = Counter(str(a) for q in graph.subjects(RDF.type, NKG.Quote) for a in graph.objects(q, PROV.wasDerivedFrom))
    articles = [ArticleCounts(node_key(a).removeprefix("article/"), str(graph.value(a, SCHEMA.headline) or ""),
                              sum(1 for e in graph.objects(a, SCHEMA.mentions) if e in kinds),
                              len(facts_of.get(str(a), ())), quotes[str(a)])
                for a in graph.subjects(RDF.type, SCHEMA.NewsArticle)]
    H = undirected(to_networkx(graph, "full"))
    connected = sorted(((H.nodes[n]["label"], H.nodes[n]["kind"], H.degree(n)) for n in H),
                       key=lambda row: (-row[2], row[0]))
    return GraphStats(
        triples=len(graph),
        kinds={k: by_kind[k] for k in KINDS if by_kind[k]},
        relations=dict(sorted(relations.items(), key=lambda item: (-item[1], item[0]))),
        articles=sorted(articles, key=lambda a: a.article),
        most_connected=[row for row in connected if row[2] > 0][:top],
        evidence=len(evidence_nodes),
    )


def format_stats(stats: GraphStats) -> str:
    """The text `kg stats` prints: four small tables."""
    lines = [f"{stats.triples} triples, {sum(stats.kinds.values())} entities, {stats.evidence} evidence nodes", ""]
    lines += ["entities by kind"] + [f"  {kind:<16}{n:>6}" for kind, n in stats.kinds.items()] + [""]
    lines += ["facts by relation"] + [f"  {rel:<28}{n:>6}" for rel, n in stats.relations.items()] + [""]
    lines.append(f"per article{'':<16}{'entities':>9}{'facts':>7}{'quotes':>8}  headline")
    for a in stats.articles:
        headline = a.headline if len(a.headline) <= 60 else a.headline[:59] + "…"
        lines.append(f"  {a.article:<25}{a.entities:>9}{a.facts:>7}{a.quotes:>8}  {headline}")
    lines += ["", "most connected (distinct neighbours)"]
    lines += [f"  {label:<36}{kind:<14}{degree:>4}" for label, kind, degree in stats.most_connected]
    return "\n".join(lines)


def duplicate_lines(graph: Graph, build_dir=None) -> list[str]:
    """How many copies of a story the build met: exact ones (built once, from the folder's
    build-report.json) and near ones (linked in the graph by nkg:duplicateOf)."""
    import json
    from pathlib import Path

    near = len(set(graph.subjects(NKG.duplicateOf, None)))
    exact = 0
    report = Path(build_dir) / "build-report.json" if build_dir else None
    if report is not None and report.exists():
        try:
            exact = int(json.loads(report.read_text(encoding="utf-8")).get("duplicates", {}).get("exact", 0))
        except (ValueError, AttributeError):
            exact = 0
    return [f"duplicates: {exact} exact (built once), {near} near (linked by nkg:duplicateOf)"]
