"""Two builds -> the facts one has and the other lacks, by rule id and by article.

    diff_builds(old_dir, new_dir) -> GraphDiff
    diff_graphs(old_graph, new_graph) -> GraphDiff
    format_diff(diff) -> str          the text `kg diff` prints

A fact is what an evidence node states: subject, predicate, object, the article, the
sentence, and the rule that read it. Comparing evidence rather than bare triples shows what a rule change
did: a triple that a second rule still states is no loss for the graph, but it is a loss
for the rule that was changed. Subjects and objects are compared by label (a position by
its title and country), so that a renamed IRI scheme does not read as every fact lost.
This is how a rule author checks a rule change before committing it:

    kg build seeds --out /tmp/before
    (edit kg/rules/stances.toml)
    kg build seeds --out /tmp/after
    kg diff /tmp/before /tmp/after
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace

NKG = Namespace("https://w3id.org/newskg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
_SHORT = {"https://schema.org/": "schema:", "https://w3id.org/newskg/ontology#": "nkg:",
          "http://www.w3.org/2000/01/rdf-schema#": "rdfs:"}

__all__ = ["FactRow", "GraphDiff", "diff_builds", "diff_graphs", "format_diff"]


@dataclass(frozen=True, slots=True, order=True)
class FactRow:
    rule: str
    article: str                 # the article's source file (or its IRI's last part)
    subject: str
    predicate: str               # "nkg:opposes"
    object: str
    sentence: str = ""           # the sentence, or for gazetteer facts the gazetteer entry

    def key(self) -> tuple[str, str, str, str, str, str]:
        # the sentence belongs to the key: a rule that still reads a fact from one sentence
        # but no longer from another has lost something
        return (self.rule, self.article, self.subject, self.predicate, self.object, self.sentence)


@dataclass
class GraphDiff:
    gained: list[FactRow] = field(default_factory=list)
    lost: list[FactRow] = field(default_factory=list)
    entities_gained: list[str] = field(default_factory=list)
    entities_lost: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.gained or self.lost or self.entities_gained or self.entities_lost)

    def by_rule(self) -> dict[str, dict[str, list[tuple[str, FactRow]]]]:
        """rule id -> article -> [("+" or "-", fact)], sorted."""
        out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for sign, rows in (("-", self.lost), ("+", self.gained)):
            for r in rows:
                out[r.rule][r.article].append((sign, r))
        return {rule: {a: sorted(v, key=lambda x: (x[1].subject, x[1].predicate, x[1].object, x[0]))
                       for a, v in sorted(arts.items())} for rule, arts in sorted(out.items())}

    def summary(self) -> str:
        rules = {r.rule for r in (*self.gained, *self.lost)}
        articles = {r.article for r in (*self.gained, *self.lost)}
        return (f"{len(self.gained)} facts gained, {len(self.lost)} lost, in {len(rules)} rules and "
                f"{len(articles)} articles; entities: +{len(self.entities_gained)} -{len(self.entities_lost)}")


def _short(iri) -> str:
    text = str(iri)
    for long, short in _SHORT.items():
        if text.startswith(long):
            return short + text[len(long):]
    return text


def _name(g: Graph, node) -> str:
    if isinstance(node, Literal):
        return str(node)
    if (node, RDF.type, NKG.Position) in g:
        title = g.value(node, NKG.roleTitle)
        of = g.value(node, NKG.ofCountry) or g.value(node, NKG.ofOrganization)
        return f"{title} of {_name(g, of)}" if of is not None else str(title)
    label = g.value(node, RDFS.label)
    return str(label) if label is not None else str(node).rsplit("/", 1)[-1]


def facts_of(g: Graph) -> dict[tuple, FactRow]:
    """Every evidence node of the graph as a FactRow, keyed by FactRow.key()."""
    out: dict[tuple, FactRow] = {}
    for ev in g.subjects(RDF.type, NKG.Evidence):
        s, p, o = g.value(ev, RDF.subject), g.value(ev, RDF.predicate), g.value(ev, RDF.object)
        if s is None or p is None or o is None:
            continue
        article = g.value(ev, PROV.wasDerivedFrom)
        source = g.value(article, NKG.sourceFile) if article is not None else None
        sentence = g.value(ev, NKG.sentence) or g.value(ev, NKG.gazetteer) or ""
        row = FactRow(str(g.value(ev, NKG.rule) or "?"),
                      str(source) if source is not None else str(article or "?").rsplit("/", 1)[-1],
                      _name(g, s), _short(p), _name(g, o), " ".join(str(sentence).split()))
        out.setdefault(row.key(), row)
    return out


def _entities(g: Graph) -> set[str]:
    kinds = {SCHEMA.Person, SCHEMA.Country, SCHEMA.City, SCHEMA.Place, NKG.Site, SCHEMA.Organization,
             NKG.DefenseSystem, NKG.Proposal, NKG.Meeting}
    return {f"{_short(k).split(':')[1]} {_name(g, s)}" for k in kinds for s in g.subjects(RDF.type, k)}


def diff_graphs(old: Graph, new: Graph) -> GraphDiff:
    """What `new` states that `old` does not (gained), and the reverse (lost).

    Example
    -------
    >>> from rdflib import Graph
    >>> diff_graphs(Graph(), Graph()).summary()
    '0 facts gained, 0 lost, in 0 rules and 0 articles; entities: +0 -0'
    """
    a, b = facts_of(old), facts_of(new)
    ea, eb = _entities(old), _entities(new)
    return GraphDiff(sorted(b[k] for k in b.keys() - a.keys()), sorted(a[k] for k in a.keys() - b.keys()),
                     sorted(eb - ea), sorted(ea - eb))


def diff_builds(old_dir: str | Path, new_dir: str | Path) -> GraphDiff:
    """Compare two build folders (what `kg build --out` wrote). Raises GraphError if one is missing."""
    from kg.api import load
    return diff_graphs(load(old_dir).graph, load(new_dir).graph)


def format_diff(diff: GraphDiff, *, sentences: bool = True) -> str:
    """Facts gained (+) and lost (-), by rule id, then by article, each with its sentence;
    then the entities gained and lost; the last line is the summary."""
    lines = []
    for rule, articles in diff.by_rule().items():
        plus = sum(1 for rows in articles.values() for sign, _ in rows if sign == "+")
        minus = sum(1 for rows in articles.values() for sign, _ in rows if sign == "-")
        lines.append(f"rule {rule}: +{plus} -{minus}")
        for article, rows in articles.items():
            lines.append(f"  {article}")
            for sign, r in rows:
                lines.append(f"    {sign} {r.subject}  {r.predicate}  {r.object}")
                if sentences and r.sentence:
                    lines.append(f"        \"{r.sentence}\"")
    if diff.entities_gained or diff.entities_lost:
        lines.append("entities")
        lines += [f"  - {e}" for e in diff.entities_lost] + [f"  + {e}" for e in diff.entities_gained]
    lines.append(diff.summary())
    return "\n".join(lines)
