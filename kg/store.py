"""The embedded SPARQL store: a build's graph.trig and graph.ttl -> a pyoxigraph store on disk.

    load_store_files(out, trig=, ttl=) -> Path    DIR/store from the files, written atomically
    start_loading / wait_for                       the same in a process of its own
    update_store(out, changes, layout_file)        DIR/store of an earlier build brought up to date
                                                   (None: it cannot be, load in full)
    publish_store / discard_store                  a store made with publish=False put in place, or dropped
    write_layout(layout, path) / read_layout(out)  the kg.graph.Layout a store was loaded from
    write_store(dataset, out) -> Path | None       DIR/store from an rdflib Dataset
    open_store(out) -> pyoxigraph.Store            read-only: many readers (kg query, kg serve) at once
    StoreGraph(store)                              a store read through rdflib Graph methods (the page)

Layout of the store: one named graph per article (`https://w3id.org/newskg/id/graph/<article>`)
holding what that article states, and a default graph holding every triple of the build, as
graph.ttl does. The union is stored rather than computed at query time so that the store
answers plain SPARQL the same way whatever server or client reads it, with no union-default-graph
setting to remember; it costs one more copy of each triple on disk. rdflib stays the in-memory
API: kg.query runs the same queries on an rdflib Dataset laid out the same way.

Beside its database files the store keeps LAYOUT_FILE, the kg.graph.Layout of the graph files
it holds, so that the next build into the same folder can change only what changed.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef, XSD

from kg.errors import GraphError
from kg.graph import ARTICLE_OWN, Changes, Layout, prefix_lines

STORE_DIR = "store"
LOAD_PIECE = 5_000_000    # bytes of graph.trig or graph.ttl per bulk load (see load_store_files)
ARTICLE_GRAPH_PREFIX = "https://w3id.org/newskg/id/graph/"
LAYOUT_FILE = "newskg-layout.pickle"   # RocksDB leaves files it does not know alone
LAYOUT_VERSION = 3                   # raise when the store's layout changes: older stores are reloaded
# an article's own subjects in the default graph: its node, its evidence and its quotes (kg.graph)
_OWN_PREFIXES = tuple(prefix[1:] for prefix in ARTICLE_OWN)


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

    Parameters
    ----------
    dataset : an rdflib Dataset laid out as a build's (named graph per article, entity
        triples in the default graph).
    out : the build folder.

    Returns the store's folder. Raises GraphError when it cannot be written.
    """
    return _fill_store(Path(out), lambda store: store.bulk_extend(store_quads(dataset)))


def load_store_files(out: Path, *, trig: Path, ttl: Path, layout_file: Path | None = None,
                     publish: bool = True) -> Path | None:
    """The store of a build from its files: graph.trig gives the article graphs (and the
    entities in the default graph), graph.ttl every triple in the default graph.

    Oxigraph parses the files itself, in pieces of about LOAD_PIECE bytes: its bulk loader
    holds a whole input in memory while it sorts (about 0.5 MB per article), pieces keep the
    peak flat. The files are kg.graph's: statements never span a blank line, and each article
    graph of graph.trig starts after one, so both cut there into valid documents once the
    prefix lines are put before each piece (1,000 articles: 5.2 s and 200 MB, against 5.8 s
    and 430 MB in 20 MB pieces, 6.0 s through Python quads).

    `layout_file`, the files' kg.graph.Layout as write_layout wrote it, is copied into the
    store for update_store. `publish=False` leaves the new store beside the old one and
    returns its folder, for publish_store once the rest of the build is done."""
    def fill(store: ox.Store) -> None:
        for path, fmt, cut in ((trig, ox.RdfFormat.TRIG, b"\n\n<" + ARTICLE_GRAPH_PREFIX.encode()),
                               (ttl, ox.RdfFormat.TURTLE, b"\n\n")):
            for piece in _pieces(Path(path), cut):
                store.bulk_load(input=piece, format=fmt)
    return _fill_store(Path(out), fill, layout_file, publish=publish)


def update_store(out: Path, changes: Changes, layout_file: Path, *, publish: bool = True) -> Path | None:
    """The store of the earlier build in `out` brought up to date with a new build's graph files,
    of which `changes` (filled by kg.graph.write_graph against read_layout(out), then finished)
    holds what differs; written beside the old store and renamed into place, as
    load_store_files does, with `layout_file` (the new files' layout) copied into it.
    Returns None, having changed nothing, when there is no earlier store to start from or the
    change is too large to be worth it: the caller then loads the files in full.
    `publish`: as for load_store_files.

    The old database is copied as a RocksDB checkpoint (hard links to its immutable files),
    so the cost is that of the change: an article added to thousands is a few hundred quads.
    Every article graph that changed or went is cleared, and the default graph loses its own
    statements (subjects of kg.graph's ARTICLE_OWN kinds: one article states them) and every
    shared statement that changed or went, subject by subject; then the new blocks and
    statements are loaded.
    """
    if changes.overflow:
        return None
    target = store_path(out)
    if not (changes.graphs or changes.shared or changes.removed_graphs or changes.removed_statements):
        try:
            shutil.copyfile(layout_file, target / LAYOUT_FILE)    # the same files: the store stands
        except OSError:
            return None
        return target

    def apply(store: ox.Store) -> None:
        default = ox.DefaultGraph()
        stale: set[ox.NamedNode] = set()
        for name in sorted(changes.graphs.keys() | set(changes.removed_graphs)):
            graph = ox.NamedNode(name)
            stale.update(q.subject for q in store.quads_for_pattern(None, None, None, graph)
                         if q.subject.value.startswith(_OWN_PREFIXES))
            store.remove_graph(graph)
        stale.update(ox.NamedNode(s[1:-1]) for s in (*changes.shared, *changes.removed_statements))
        for subject in sorted(stale, key=lambda n: n.value):
            for quad in list(store.quads_for_pattern(subject, None, None, default)):
                store.remove(quad)
        prefixes = prefix_lines().encode()
        blocks = [changes.graphs[name] for name in sorted(changes.graphs)]
        store.load(input=prefixes + b"".join(block for block, _ in blocks), format=ox.RdfFormat.TRIG)
        statements = [own for _, own in blocks if own] + [changes.shared[s] for s in sorted(changes.shared)]
        store.load(input=prefixes + "\n".join(statements).encode(), format=ox.RdfFormat.TURTLE)
    try:
        return _fill_store(out, apply, layout_file, start_from=target, publish=publish)
    except GraphError:
        return None      # e.g. another build holds the old store's lock: load in full instead


def write_layout(layout: Layout, path: Path) -> None:
    """`layout` into the file `path`, as read_layout reads it once moved into a store."""
    with open(path, "wb") as fh:
        fh.write(f"newskg layout {LAYOUT_VERSION}\n".encode())
        layout.dump(fh)


def read_layout(out: Path) -> Layout | None:
    """The Layout the store of `out` was loaded with, or None (no store, an older kind, unreadable)."""
    try:
        with open(store_path(out) / LAYOUT_FILE, "rb") as fh:
            if fh.readline().strip() != f"newskg layout {LAYOUT_VERSION}".encode():
                return None
            return Layout.load(fh)
    except Exception:  # noqa: BLE001 - a torn or foreign layout only means a full load
        return None


def _pieces(path: Path, cut: bytes):
    """The document at `path` in pieces of about LOAD_PIECE bytes, cut before `cut`, each
    headed by the document's prefix lines (everything up to the first blank line). The file
    is read piece by piece: graph.ttl of 10,000 articles is 300 MB."""
    with open(path, "rb") as fh:
        first = fh.read(LOAD_PIECE)
        while b"\n\n" not in first and (more := fh.read(LOAD_PIECE)):
            first += more
        head_end = first.find(b"\n\n")
        head, buffer = (first[:head_end + 2], first[head_end + 2:]) if head_end >= 0 else (b"", first)
        while True:
            more = fh.read(LOAD_PIECE)
            buffer += more
            while (at := buffer.find(cut, LOAD_PIECE)) >= 0:
                yield head + buffer[:at + 1]
                buffer = buffer[at + 1:]
            if not more:
                if buffer.strip():
                    yield head + buffer
                return


def start_loading(out: Path, *, trig: Path, ttl: Path, layout_file: Path | None = None):
    """load_store_files in a process of its own (oxigraph's loader holds the GIL while it
    parses, so a thread would not overlap it with Python work). Returns a handle for wait_for."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    # spawn, not fork: a forked child would inherit locks held by threads it does not have
    # (a Dask client's, RocksDB's own of any store this process opened) and could hang on them
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return pool, pool.submit(_load_in_child, str(out), str(trig), str(ttl), layout_file and str(layout_file))


def _load_in_child(out: str, trig: str, ttl: str, layout_file: str | None) -> Path:
    return load_store_files(Path(out), trig=Path(trig), ttl=Path(ttl), layout_file=layout_file and Path(layout_file),
                            publish=False)


def wait_for(loading) -> Path:
    """The new store's folder once the process of start_loading is done, not yet published
    (publish_store); its GraphError is raised here."""
    pool, job = loading
    try:
        return job.result()
    finally:
        pool.shutdown()


def graph_of_file(ttl: Path) -> "StoreGraph":
    """A Turtle file in an in-memory store, read as a StoreGraph (for drawing the page: reading
    the on-disk store value by value is several times slower)."""
    store = ox.Store()
    try:
        store.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    except (SyntaxError, OSError, ValueError) as exc:
        raise GraphError(f"{ttl}: cannot parse ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    return StoreGraph(store)


def publish_store(new: Path, out: Path) -> Path:
    """Rename a store that load_store_files or update_store left beside the old one (publish=False)
    into `out`/store; one already in place stays."""
    target = store_path(out)
    if Path(new) != target:
        try:
            _swap_into_place(Path(new), target)
        except OSError as exc:
            raise GraphError(f"{target}: cannot put the new store in place ({exc.strerror or exc})") from None
    return target


def discard_store(new: Path, out: Path) -> None:
    """Delete a store that load_store_files or update_store left beside the old one
    (publish=False), for a build that failed; the store in place is never touched."""
    if Path(new) != store_path(out):
        shutil.rmtree(new, ignore_errors=True)


def _fill_store(out: Path, fill, layout_file: Path | None = None, *, start_from: Path | None = None,
                publish: bool = True) -> Path:
    """Fill a new store with `fill(store)` and rename it into `out`/store, with `layout_file`
    copied in beside its files. `start_from`: an existing store the new one starts as a copy of.
    `publish=False`: return the new store's folder, beside the old store, without renaming.

    The store is filled in a temporary folder beside the old one, closed, and only then
    renamed into place, so a reader never opens half a store and no lock is left behind.
    """
    target = store_path(out)
    tmp = Path(tempfile.mkdtemp(prefix=".store.", dir=out))
    try:
        if start_from is not None:
            old = ox.Store(str(start_from))
            os.rmdir(tmp)           # backup() makes the folder itself
            old.backup(str(tmp))
            del old
        store = ox.Store(str(tmp))
        fill(store)
        store.flush()
        # pyoxigraph closes the database (and its lock) when the Store is dropped, which its
        # last reference going does at once (a gc.collect() here cost 0.25 s in a large build)
        del store
        if layout_file is not None:
            # copied, not moved: should this store fail, a full load still has the file
            shutil.copyfile(layout_file, tmp / LAYOUT_FILE)
        os.chmod(tmp, 0o755)
        if not publish:
            return tmp
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


class StoreGraph:
    """The default graph of a store (every triple of a build) read through the few rdflib
    Graph methods the HTML page uses: `subjects`, `objects`, `subject_objects`, `value` and
    `(s, p, o) in graph`, with rdflib terms in and out.

    A build's page is drawn from graph.ttl in an in-memory store (graph_of_file): oxigraph
    reads it several times faster than rdflib builds a Graph of it.
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._default = ox.DefaultGraph()
        self._to_ox = _TermConverter()
        self._iris: dict[str, URIRef] = {}
        self._literals: dict[tuple, Literal] = {}

    def _from_ox(self, term):
        if isinstance(term, ox.NamedNode):
            node = self._iris.get(term.value)
            if node is None:
                node = self._iris[term.value] = URIRef(term.value)
            return node
        if isinstance(term, ox.Literal):
            # rdflib's Literal() costs microseconds (it parses the value by its datatype), and
            # the page reads the same rule ids, offsets and sentences over and over
            key = (term.value, term.language, term.datatype.value)
            literal = self._literals.get(key)
            if literal is None:
                literal = self._literals[key] = self._literal(*key)    # one copy of the text, in both
            return literal
        return BNode(term.value)

    @staticmethod
    def _literal(value: str, language: str | None, datatype: str) -> Literal:
        if language:
            return Literal(value, lang=language)
        return Literal(value) if datatype == str(XSD.string) else Literal(value, datatype=URIRef(datatype))

    def _quads(self, s=None, p=None, o=None):
        conv = self._to_ox.term
        return self.store.quads_for_pattern(None if s is None else conv(s), None if p is None else conv(p),
                                            None if o is None else conv(o), self._default)

    def subjects(self, predicate=None, object=None):
        for q in self._quads(None, predicate, object):
            yield self._from_ox(q.subject)

    def objects(self, subject=None, predicate=None):
        for q in self._quads(subject, predicate, None):
            yield self._from_ox(q.object)

    def subject_objects(self, predicate=None):
        for q in self._quads(None, predicate, None):
            yield self._from_ox(q.subject), self._from_ox(q.object)

    def value(self, subject=None, predicate=None, object=None):
        """One object of (subject, predicate): the smallest, so that the page does not depend on
        the store's order."""
        found = sorted((self._from_ox(q.object) for q in self._quads(subject, predicate, None)), key=str)
        return found[0] if found else None

    def __contains__(self, triple) -> bool:
        return next(iter(self._quads(*triple)), None) is not None
