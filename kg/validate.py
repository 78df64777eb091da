"""Check a built graph against the SHACL shapes of the graph contract.

Takes an rdflib graph, an rdflib dataset, or the path of a Turtle or TriG file
(or of a folder that `kg build` wrote); gives a `ValidationReport` saying whether
the graph conforms to ``ontology/shapes.ttl`` and listing each violation as
(focus node, path, message).

The ontology (``ontology/newskg.ttl``) is mixed into the data graph and no
inference is run: the ontology's rdfs:subClassOf triples are enough for the
shapes' class tests, and RDFS/OWL inference would multiply a graph of a few
thousand triples and the time pySHACL takes over it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pyshacl
import rdflib
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.errors import GraphError

__all__ = ["ValidationReport", "Violation", "ontology_dir", "validate"]

# Prefixes used to shorten result paths in violations ("schema:attendee").
_PREFIXES = {
    "schema": "https://schema.org/",
    "nkg": "https://w3id.org/newskg/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# The file `kg build` writes into its output folder (docs/graph-contract.md).
_GRAPH_FILE_IN_FOLDER = "graph.ttl"

_FORMAT_BY_SUFFIX = {".ttl": "turtle", ".trig": "trig"}
_FORMAT_NAME = {"turtle": "Turtle", "trig": "TriG"}


class Violation(NamedTuple):
    """One SHACL result: the node at fault, the property concerned, what is wrong.

    `focus` is the node's IRI (or ``_:id`` for a blank node); `path` the property
    as a prefixed name such as ``schema:attendee``, or "" when the result is about
    the node as a whole.
    """

    focus: str
    path: str
    message: str


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """What `validate` found.

    conforms: True when the graph has no violation.
    violations: the violations, sorted, so that two runs print the same.
    text: pySHACL's own report text, for a reader who wants every detail.
    """

    conforms: bool
    violations: list[Violation]
    text: str


def ontology_dir() -> Path:
    """Locate the folder holding ``newskg.ttl`` and ``shapes.ttl``.

    Returns
    -------
    Path
        ``ontology/`` in the repository root, next to the ``kg`` package.

    Raises
    ------
    GraphError
        When the folder is missing, as in an install that did not ship it.

    Example
    -------
    >>> (ontology_dir() / "shapes.ttl").is_file()
    True
    """
    folder = Path(__file__).resolve().parent.parent / "ontology"
    if not (folder / "shapes.ttl").is_file() or not (folder / "newskg.ttl").is_file():
        raise GraphError(f"{folder}: ontology folder not found (expected newskg.ttl and shapes.ttl)")
    return folder


def validate(
    data_graph: Graph | rdflib.Dataset | Path | str | os.PathLike[str],
    shapes: Path | None = None,
) -> ValidationReport:
    """Validate a graph against the newskg SHACL shapes.

    Parameters
    ----------
    data_graph
        An rdflib ``Graph``; an rdflib ``Dataset`` (the union of its graphs is
        validated, since facts and their evidence may sit in different named
        graphs); or the path of a ``.ttl`` file, a ``.trig`` file (union of its
        graphs again), or a folder holding ``graph.ttl``. The input is not changed.
    shapes
        A SHACL shapes file to use instead of ``ontology/shapes.ttl``.

    Returns
    -------
    ValidationReport
        ``conforms`` and the sorted violations.

    Raises
    ------
    GraphError
        When a file is missing or cannot be parsed, or the shapes are unusable;
        the message is one line naming the file.

    Example
    -------
    >>> g = rdflib.Graph().parse(data='''
    ...     @prefix schema: <https://schema.org/> .
    ...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ...     <https://w3id.org/newskg/id/person/sergey-lavrov> a schema:Person ;
    ...         rdfs:label "Sergey Lavrov", "Lavrov" .
    ... ''', format="turtle")
    >>> report = validate(g)
    >>> report.conforms
    False
    >>> report.violations[0].message
    'an entity must have exactly one rdfs:label (its canonical name; other spellings belong in schema:alternateName)'
    """
    graph = _as_single_graph(data_graph)
    folder = ontology_dir()
    where = Path(shapes) if shapes is not None else folder / "shapes.ttl"
    shapes_graph = _parse_file(where)
    ontology = _parse_file(folder / "newskg.ttl")
    try:
        conforms, results_graph, results_text = pyshacl.validate(
            graph,
            shacl_graph=shapes_graph,
            ont_graph=ontology,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    except ReportableRuntimeError as error:
        # A shape pySHACL cannot load: a bad sh:path, an unknown target type...
        raise GraphError(f"{where}: cannot validate with these shapes ({_one_line(error.message)})") from error
    if not isinstance(results_graph, Graph):
        # pySHACL hands back the exception itself, with conforms False, when a
        # constraint cannot be run (a SPARQL query with VALUES or MINUS...).
        raise GraphError(f"{where}: cannot validate with these shapes ({_one_line(str(results_text))})")
    return ValidationReport(
        conforms=bool(conforms),
        violations=_violations(results_graph),
        text=str(results_text),
    )


def _as_single_graph(data_graph: Graph | rdflib.Dataset | Path | str | os.PathLike[str]) -> Graph:
    """Turn any accepted input into one plain Graph (a union for datasets)."""
    if isinstance(data_graph, (str, os.PathLike)):
        data_graph = _parse_file(_graph_file(Path(data_graph)))
    if isinstance(data_graph, (rdflib.Dataset, rdflib.ConjunctiveGraph)):
        # pySHACL validates each named graph of a dataset on its own, which would
        # separate a fact from the evidence node stored beside it: merge first.
        union = Graph()
        for prefix, namespace in data_graph.namespaces():
            union.bind(prefix, namespace, override=False)
        for subject, predicate, obj, _context in data_graph.quads((None, None, None, None)):
            union.add((subject, predicate, obj))
        return union
    return data_graph


def _graph_file(path: Path) -> Path:
    """Resolve a folder written by `kg build` to the graph file inside it."""
    if path.is_dir():
        inner = path / _GRAPH_FILE_IN_FOLDER
        if not inner.is_file():
            raise GraphError(f"{path}: no {_GRAPH_FILE_IN_FOLDER} in this folder (run kg build first)")
        return inner
    return path


def _parse_file(path: Path) -> Graph:
    """Parse a Turtle file into a Graph, or a TriG file into a Dataset.

    Raises GraphError with a one-line message naming the file and, for a syntax
    error, the line.
    """
    if not path.is_file():
        raise GraphError(f"{path}: no such file")
    rdf_format = _FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if rdf_format is None:
        raise GraphError(f"{path}: unknown graph format (expected a .ttl or .trig file)")
    graph: Graph = rdflib.Dataset() if rdf_format == "trig" else Graph()
    name = _FORMAT_NAME[rdf_format]
    try:
        graph.parse(path, format=rdf_format)
    except BadSyntax as error:
        # BadSyntax counts lines from 0; its own str() spans several lines.
        raise GraphError(f"{path}: cannot parse as {name} (line {error.lines + 1}: {error._why})") from error
    except UnicodeDecodeError as error:
        raise GraphError(
            f"{path}: cannot parse as {name} (not UTF-8: byte 0x{error.object[error.start]:02x} "
            f"at offset {error.start})"
        ) from error
    except Exception as error:  # rdflib raises many kinds; none may cross the boundary bare
        reason = _one_line(str(error)) or type(error).__name__
        raise GraphError(f"{path}: cannot parse as {name} ({reason})") from error
    return graph


def _one_line(text: str) -> str:
    """Fold a multi-line message into one line."""
    return " ".join(text.split())


def _violations(results_graph: Graph) -> list[Violation]:
    """Read the sh:Violation results of a pySHACL report graph, sorted."""
    found = set()
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        if results_graph.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = results_graph.value(result, SH.focusNode)
        path = results_graph.value(result, SH.resultPath)
        messages = sorted(str(m) for m in results_graph.objects(result, SH.resultMessage))
        if not messages:
            component = results_graph.value(result, SH.sourceConstraintComponent)
            messages = [f"violates {_short(component)}"]
        found.add(Violation(_focus_text(focus), _short(path), "; ".join(messages)))
    # Results that differ only in their value node (two labels with a language
    # tag each) read the same once the value is left out; the set folds them.
    return sorted(found)


def _focus_text(node: object) -> str:
    """Give a focus node as its IRI, ``_:id`` for a blank node, or its text."""
    if node is None:
        return ""
    if isinstance(node, (URIRef, Literal)):
        return str(node)
    return f"_:{node}"


def _short(term: object) -> str:
    """Give an IRI as a prefixed name when a known prefix fits, else in full."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, namespace in _PREFIXES.items():
            if term.startswith(namespace) and len(term) > len(namespace):
                return f"{prefix}:{term[len(namespace):]}"
        return str(term)
    # A complex SHACL path (a blank node) has no short name; none of our shapes uses one.
    return f"_:{term}"
