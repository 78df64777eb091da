"""The embedded SPARQL store: an rdflib Dataset -> a pyoxigraph store on disk, beside graph.ttl.

    write_store(dataset, out) -> Path | None    DIR/store, written atomically
    open_store(out) -> pyoxigraph.Store          read-only: many readers (kg query, kg serve) at once
    store_quads(dataset) -> iterator of pyoxigraph.Quad

Layout of the store: one named graph per article (`https://w3id.org/newskg/id/graph/<article>`)
holding what that article states, and a default graph holding every triple of the build, as
graph.ttl does. The union is stored rather than computed at query time so that the store
answers plain SPARQL the same way whatever server or client reads it, with no union-default-graph
setting to remember; it costs one more copy of each triple on disk. rdflib stays the in-memory
API: kg.query runs the same queries on an rdflib Dataset laid out the same way.
"""
from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef, XSD

from kg.errors import GraphError

STORE_DIR = "store"
ARTICLE_GRAPH_PREFIX = "https://w3id.org/newskg/id/graph/"


def store_path(out: str | Path) -> Path:
    """Where `kg build` puts the store of the build folder `out`."""
    return Path(out) / STORE_DIR


def article_graphs(dataset: Dataset):
    """The named graphs of `dataset` that hold one article each, sorted by IRI."""
    graphs = [g for g in dataset.graphs() if str(g.identifier).startswith(ARTICLE_GRAPH_PREFIX)]
    return sorted(graphs, key=lambda g: str(g.identifier))


class _TermConverter:
    """rdflib terms -> pyoxigraph terms, caching IRIs: a build repeats the same few thousand."""

    def __init__(self) -> None:
        self.iris: dict[str, ox.NamedNode] = {}

    def iri(self, value: str) -> ox.NamedNode:
        node = self.iris.get(value)
        if node is None:
            node = self.iris[value] = ox.NamedNode(value)
        return node

    def term(self, term):
        if isinstance(term, URIRef):
            return self.iri(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None and term.datatype != XSD.string:
                return ox.Literal(str(term), datatype=self.iri(str(term.datatype)))
            return ox.Literal(str(term))
        raise GraphError(f"store: cannot store the term {term!r}")


def store_quads(dataset: Dataset) -> Iterator[ox.Quad]:
    """Every quad the store holds for `dataset`: article graphs as named graphs, all in the default.

    Example
    -------
    >>> from rdflib import Dataset, URIRef
    >>> ds = Dataset()
    >>> _ = ds.graph(URIRef(ARTICLE_GRAPH_PREFIX + "a1")).add((URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o")))
    >>> sorted(str(q.graph_name) for q in store_quads(ds))
    ['<https://w3id.org/newskg/id/graph/a1>', 'DEFAULT']
    """
    conv = _TermConverter()
    default = ox.DefaultGraph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        triple = (conv.term(s), conv.term(p), conv.term(o))
        name = str(g) if g is not None else ""
        if name.startswith(ARTICLE_GRAPH_PREFIX):
            yield ox.Quad(*triple, conv.iri(name))
        yield ox.Quad(*triple, default)   # the store is a set: a triple of two articles is kept once


def write_store(dataset: Dataset, out: Path) -> Path | None:
    """Load `dataset` into a new pyoxigraph store and rename it into `out`/store.

    The store is filled in a temporary folder beside the old one, closed, and only then
    renamed into place, so a reader never opens half a store and no lock is left behind.

    Parameters
    ----------
    dataset : the build's rdflib Dataset (named graph per article, entity triples in the default).
    out : the build folder.

    Returns the store's folder. Raises GraphError when it cannot be written.
    """
    out = Path(out)
    target = store_path(out)
    tmp = Path(tempfile.mkdtemp(prefix=".store.", dir=out))
    try:
        store = ox.Store(str(tmp))
        store.bulk_extend(store_quads(dataset))
        store.flush()
        del store
        gc.collect()     # pyoxigraph closes the database (and its lock) when the Store is dropped
        os.chmod(tmp, 0o755)
        _swap_into_place(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GraphError)):
            raise
        raise GraphError(f"{target}: cannot write the store ({str(exc).splitlines()[0]})") from None
    return target


def _swap_into_place(new: Path, target: Path) -> None:
    """Rename `new` to `target`; an old `target` is moved aside first and then deleted."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=".store-old.", dir=target.parent))
        os.replace(target, old / "store")
    try:
        os.replace(new, target)
    except BaseException:
        if old is not None:
            os.replace(old / "store", target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def open_store(out: str | Path) -> ox.Store:
    """Open the store of the build folder `out` read-only.

    Raises GraphError when the folder has no store.
    """
    path = store_path(out)
    if not (path / "CURRENT").exists():
        raise GraphError(f"{path}: no SPARQL store here (run kg build first)")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise GraphError(f"{path}: cannot open the store ({str(exc).splitlines()[0]})") from None
