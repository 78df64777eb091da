"""What the CLI and notebooks call: build a graph from articles, load a built one.

    build(paths, out="out") -> KnowledgeGraph
    load(out="out") -> KnowledgeGraph
"""
from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import ArticleError, GraphError, KgError
from kg.files import publish, write_replacing
from kg.formats import ACCEPTED_SUFFIXES, iter_articles
from kg.graph import PREFIXES, Changes, file_signatures, to_dataset, union_graph, write_graph
from kg.ingest import find_inputs
from kg.parallel import extract_many
from kg.resolve import resolve
from kg.ruleset import load_ruleset

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# graph.html holds every node, edge and evidence sentence; above this a page is tens of MB
# and no browser lays it out usefully (bench/html_bench.py), so a build draws none
PAGE_MAX_TRIPLES = 1_000_000


@dataclass
class BuildReport:
    read: int = 0
    skipped: list[str] = field(default_factory=list)   # one line each: "file: reason"
    entities: int = 0
    facts: int = 0
    triples: int = 0
    inputs: object | None = None   # kg.formats.ReadLog: skipped records, duplicates, extracted texts
    notes: list[str] = field(default_factory=list)     # what the build chose not to do, and why

    def summary(self) -> str:
        return (f"{self.read} articles read, {len(self.skipped)} skipped, {self.entities} entities, "
                f"{self.facts} facts, {self.triples} triples")


class KnowledgeGraph:
    """A built graph: `rdf` is the rdflib Dataset (one named graph per article), `graph`
    every triple in one rdflib Graph.

    Explore it with `query` (SPARQL -> rows or a DataFrame), `entities`, `facts`, `evidence`,
    `to_networkx` (networkx views; measures in kg.analyze), `render` (HTML file) and `show`
    (inline in Jupyter).

    Example
    -------
    >>> import kg
    >>> news = kg.load("out")                                    # doctest: +SKIP
    >>> [e.label for e in news.entities("Person")][:3]           # doctest: +SKIP
    """

    def __init__(self, rdf: Dataset | None = None, out: Path | None = None,
                 report: BuildReport | None = None, *, make_rdf=None) -> None:
        """`rdf`, or `make_rdf`: a function giving it when first asked for (a build writes
        its files without making rdflib objects; the API makes them only when used)."""
        self._rdf = rdf
        self._make_rdf = make_rdf
        self.out = out
        self.report = report

    @property
    def rdf(self) -> Dataset:
        if self._rdf is None:
            self._rdf = self._make_rdf()
            self._make_rdf = None
        return self._rdf

    def __repr__(self) -> str:
        return f"KnowledgeGraph(out={str(self.out)!r}, report={self.report!r})"

    @property
    def graph(self) -> Graph:
        """Every triple in one rdflib Graph, as graph.ttl holds them."""
        return union_graph(self.rdf)

    def _union(self) -> Graph:
        """`graph`, kept between the reading methods' calls while `rdf` keeps its size.

        `graph` builds a fresh union each time (callers may change it); the methods below
        only read, and a notebook calls them in loops (`evidence` per fact).
        """
        key = tuple(sorted((str(g.identifier), len(g)) for g in self.rdf.graphs()))
        cached = self.__dict__.get("_union_cache")
        if cached is None or cached[0] != key:
            cached = (key, self.graph)
            self.__dict__["_union_cache"] = cached
        return cached[1]

    @classmethod
    def load(cls, out: str | Path = "out") -> "KnowledgeGraph":
        """The graph a build wrote to DIR (graph.trig, else graph.ttl); same as kg.load."""
        return load(out)

    def render(self, path: str | Path, **options) -> Path:
        """Write the interactive network to an HTML file; options: focus, depth, kinds.

        Example: ``kg.load("out").render("lavrov.html", focus="Lavrov", depth=1)``
        """
        from kg.render import render_html
        return render_html(self._union(), Path(path), **options)

    def show(self, *, height: int = 600, **options):
        """The interactive network inline in Jupyter (options as for `render`).

        Returns an IPython ``HTML`` object: the page sits in an iframe's ``srcdoc``, so it
        needs no file beside the notebook and no server.

        Example: ``news.show(focus="Rice", depth=2)`` as the last line of a cell.
        """
        import html
        from IPython.display import HTML
        from kg.render import render_html
        with tempfile.TemporaryDirectory() as tmp:
            page = render_html(self._union(), Path(tmp) / "graph.html", **options).read_text(encoding="utf-8")
        return HTML(f'<div><iframe srcdoc="{html.escape(page, quote=True)}" '
                    f'style="width:100%;height:{int(height)}px;border:1px solid #ddd"></iframe></div>')

    def query(self, sparql: str, *, frame: bool = False):
        """Run a SPARQL query over every triple, with the contract's prefixes declared
        (schema, nkg, prov, rdfs, rdf, owl, xsd, id).

        Parameters
        ----------
        sparql : the query text.
        frame : return a pandas DataFrame (columns: the SELECT variables; IRIs as text,
            literals as Python values) instead of the rdflib ``Result``.

        Returns
        -------
        rdflib ``Result`` (iterate for rows; ASK: ``bool(result)``) or a pandas DataFrame.
        A malformed query raises QueryError.

        Example
        -------
        >>> news.query("SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name }", frame=True)  # doctest: +SKIP
        """
        from kg.errors import QueryError
        try:
            result = self._union().query(sparql, initNs=PREFIXES)
        except Exception as exc:  # pyparsing and rdflib raise many kinds
            raise QueryError(f"query: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        if not frame:
            return result
        if result.type != "SELECT":
            raise QueryError(f"query: frame=True needs a SELECT query, not {result.type}")
        import pandas as pd
        names = [str(v) for v in result.vars]
        return pd.DataFrame([[self._plain(term) for term in row] for row in result], columns=names)

    @staticmethod
    def _plain(term):
        """An rdflib term as a DataFrame cell: IRIs as text, literals as Python values."""
        from rdflib import Literal
        if term is None:
            return None
        if isinstance(term, Literal):
            value = term.toPython()
            return str(term) if isinstance(value, Literal) else value  # unknown datatypes stay text
        return str(term)

    def entities(self, kind: str | None = None) -> list:
        """Every entity: ``Entity(iri, label, kind, aliases)``, sorted by kind and label.

        kind : "Person", "Country", "Organization", "City", "Place", "Site", "Meeting",
            "DefenseSystem" or "Proposal"; None for all.

        Example: ``[e.label for e in news.entities("Person")]``; ``pd.DataFrame(news.entities())``.
        """
        from kg.analyze import entities
        return entities(self._union(), kind)

    def facts(self, entity=None) -> list:
        """What the graph states about an entity (label, alias, surname, key or IRI), as
        ``Fact(subject, predicate, object, subject_label, relation, object_label)``; None: all.

        Example: ``news.facts("Lavrov")``
        """
        from kg.analyze import facts
        return facts(self._union(), entity)

    def evidence(self, fact) -> list:
        """The sentences that state a fact (a ``Fact`` or an (s, p, o) triple), as
        ``EvidenceRecord(node, article, sentence, start, end, rule)``.

        Example: ``news.evidence(news.facts("Lavrov")[0])``
        """
        from kg.analyze import evidence
        return evidence(self._union(), fact)

    def to_networkx(self, view: str = "full"):
        """A networkx graph: view "full" (MultiDiGraph of every relation), "people" (persons
        mentioned by one article), "met-with" (persons at one meeting; weight = meetings) or
        "stances" (actor -> target: opposes, supports, proposed). See kg.analyze.to_networkx.

        Example: ``nx.degree_centrality(news.to_networkx("met-with"))``
        """
        from kg.analyze import to_networkx
        return to_networkx(self._union(), view)


def build(paths: list[str | Path] | None = None, out: str | Path | None = "out", *,
          rules_dir: str | Path | None = None, strict: bool = False, html: bool = True,
          progress: bool = False, workers: int = 1, engine: str = "local",
          scheduler: str | None = None, cache: bool = True, fields: dict[str, str] | None = None,
          time_budget: float | None = None) -> KnowledgeGraph:
    """Read articles, extract, resolve and write DIR/graph.ttl, graph.trig and graph.html.

    Parameters
    ----------
    paths : files or folders of articles; default: the project's seeds.
    out : output folder, created if missing; None writes nothing.
    strict : a file that cannot be read stops the build (default: it is skipped and reported).
    workers : processes for extraction (local engine); engine "dask" runs it on a cluster
        (scheduler: its address; default a local cluster).
    cache : reuse what earlier builds into `out` read, extracted and wrote (DIR/cache; the
        graph files and the store are changed only where they differ).
    fields : for JSONL/CSV corpora, which field holds text, headline, date, url, source.
    time_budget : seconds one article may take before it is skipped with a warning.

    Raises KgError when nothing can be built, or in strict mode when any file is bad.
    """
    # Python's cyclic collector walks the whole heap each time it has grown by a quarter, and a
    # build grows it by millions of records that hold no cycles: with it paused, a rebuild of
    # 10,000 articles from the caches took 17 s instead of 21 s. Cycles made meanwhile wait
    # for the next collection.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(paths, out, rules_dir=rules_dir, strict=strict, html=html, progress=progress,
                      workers=workers, engine=engine, scheduler=scheduler, cache=cache, fields=fields,
                      time_budget=time_budget)
    finally:
        if collecting:
            gc.enable()


def _build(paths, out, *, rules_dir, strict, html, progress, workers, engine, scheduler, cache, fields,
           time_budget) -> KnowledgeGraph:
    rules = load_ruleset(rules_dir)        # a bad rule file stops us before any article is read
    inputs = [Path(p) for p in (paths or [SEEDS])]
    files, problems = find_inputs(inputs, ACCEPTED_SUFFIXES)
    missing = [p for p in problems if "no such file" in p]
    if missing:
        raise ArticleError(missing[0])
    report = BuildReport(skipped=list(problems))
    iterator = files
    if progress and len(files) > 20:
        from rich.progress import track
        iterator = track(files, description="reading", console=_stderr_console())
    from kg.dedup import NUM_PERM, Duplicates, unique_articles   # the same story met twice is built once
    duplicates = Duplicates()
    read_cache = sketches = None
    if cache and out is not None:
        from kg.cache import ArticleCache, SketchCache
        read_cache, sketches = ArticleCache(out, rules.digest), SketchCache(out, NUM_PERM)
    # read lazily: with workers, the first articles are extracted while the rest are read
    articles = unique_articles(_read_all(iterator, rules, report, strict, fields, read_cache), duplicates, sketches)
    extractions = extract_many(articles, rules, workers=workers, engine=engine, scheduler=scheduler,
                               cache_dir=Path(out) if (cache and out is not None) else None,
                               time_budget=time_budget, rules_dir=rules_dir, skipped=report.skipped,
                               strict=strict)
    report.inputs.duplicates = duplicates
    if read_cache is not None:
        read_cache.prune()
        sketches.save()
    if not extractions:
        raise ArticleError(report.skipped[0] if report.skipped else "no articles given")
    resolved = resolve(extractions, rules)
    del extractions     # resolved holds what the graph needs; the rest can go
    report.entities = len(resolved.entities)
    report.facts = len(resolved.facts) + len(resolved.positions) + len(resolved.quotes)
    if out is None:
        return _in_memory(resolved, rules, report)
    out = Path(out)
    with _Writing(out) as writing:
        writing.graph_files(resolved, rules, report, incremental=cache)
        # the files now hold the graph, and `rdf` is read from them if asked for: let go of
        # resolved before the store loads (10,000 articles: a peak of 815 MB, not 892 MB)
        del resolved
        writing.finish(report, html=html, processes=workers)
    trig = out / "graph.trig"
    written = _signature(trig)
    return KnowledgeGraph(None, out, report, make_rdf=lambda: _read_back(trig, written))


def _signature(path: Path) -> tuple | None:
    try:
        return file_signatures([path.stat()])
    except OSError:
        return None


def _read_back(trig: Path, written: tuple | None) -> Dataset:
    """The dataset of a build, read from the graph.trig it wrote, if that is still the file."""
    if _signature(trig) != written:
        raise GraphError(f"{trig}: replaced or removed since this build wrote it (by another build?); "
                         f"kg.load({str(trig.parent)!r}) reads what is there now")
    return load(trig.parent).rdf


def _in_memory(resolved, rules, report: BuildReport) -> KnowledgeGraph:
    """The graph of a build that writes no files, made from `resolved` when first asked for."""
    kg = KnowledgeGraph(None, None, report, make_rdf=lambda: to_dataset(resolved, rules))
    report.triples = len(kg.graph)
    return kg


def _read_all(files, rules, report: BuildReport, strict: bool, fields: dict[str, str] | None = None,
              cache=None):
    """Articles of every file; a file that cannot be read is skipped and reported, and so is a
    bad record of a many-article file (WARC, JSONL, CSV), naming file and record. `cache`: a
    kg.cache.ArticleCache for one-article files.

    `report.inputs` becomes the kg.formats.ReadLog of the build: counts of records skipped
    as expected and the text of every article not read from plain text.
    """
    from dataclasses import replace

    from kg.formats import ReadLog, base_id, format_of
    log = report.inputs = ReadLog()
    used_ids: dict[str, int] = {}
    yielded: set[str] = set()
    for path in files:
        article_id = path.stem if format_of(path) == "text" else base_id(path)
        if article_id in used_ids:
            used_ids[article_id] += 1
            article_id = f"{article_id}-{used_ids[article_id]}"
        else:
            used_ids[article_id] = 1
        problems_before = len(log.problems)
        try:
            for article in iter_articles(path, rules, article_id, fields, log, cache):
                if article.id in yielded:  # "a-2.html" beside record 2 of "a.warc"
                    text = log.texts.pop(article.id, None)
                    article = replace(article, id=_free_id(article.id, yielded))
                    if text is not None:
                        log.texts[article.id] = text
                yielded.add(article.id)
                report.read += 1
                yield article
        except ArticleError as exc:
            if strict:
                raise
            report.skipped.append(str(exc))
        report.skipped.extend(log.problems[problems_before:])
        if strict and len(log.problems) > problems_before:
            raise ArticleError(log.problems[problems_before])


def _free_id(article_id: str, taken: set[str]) -> str:
    n = 2
    while f"{article_id}-{n}" in taken:
        n += 1
    return f"{article_id}-{n}"


def write(resolved, rules, report: BuildReport, out: Path, *, html: bool = True, processes: int = 1,
          incremental: bool = True) -> None:
    """graph.trig, graph.ttl, the SPARQL store, graph.html, the texts and build-report.json.

    The RDF files are written to temporary files beside their targets; the store is loaded
    from them (in a process of its own when `processes` > 1, while this one draws the page)
    and the page drawn from graph.ttl; only then are the files renamed into place, each
    atomically. `incremental`: when `out` holds the store of an earlier build, only what
    differs is changed in (a copy of) it, which gives the same quads as loading anew.
    """
    with _Writing(out) as writing:
        writing.graph_files(resolved, rules, report, incremental=incremental)
        writing.finish(report, html=html, processes=processes)


class _Writing:
    """The two halves of write(), for a caller that lets go of the resolved graph between them:
    once graph_files has written it, the files hold all that the store, the page and the
    API need, and a large build's memory peaks while the store loads."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.temporaries: list[Path] = []
        self.loading = None
        self.new_store: Path | None = None    # made, not yet in place (see finish)
        self.built = 0

    def __enter__(self) -> "_Writing":
        from concurrent.futures import ThreadPoolExecutor
        self.out.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(self.out)
        self.syncer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-fsync")
        return self

    def __exit__(self, *exc) -> None:
        from kg.store import discard_store
        if self.loading is not None:       # the page failed: the loading process is not left behind
            pool, job = self.loading
            pool.shutdown(wait=True, cancel_futures=True)
            if job.done() and not job.cancelled() and job.exception() is None:
                self.new_store = job.result()
        if self.new_store is not None:
            discard_store(self.new_store, self.out)   # the old store stays, as the old files do
        self.syncer.shutdown()
        for tmp in self.temporaries:
            tmp.unlink(missing_ok=True)

    def graph_files(self, resolved, rules, report: BuildReport, *, incremental: bool) -> None:
        """graph.ttl, graph.trig and their layout, in temporary files; the two graph files
        start reaching the disk (fsync lets go of the GIL) while the rest is made."""
        from kg import store
        out, files = self.out, {}
        for name in ("graph.ttl", "graph.trig"):
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out)
            self.temporaries.append(Path(tmp))
            files[name] = os.fdopen(fd, "w+b")
        self.changes = Changes(store.read_layout(out) if incremental else None,
                               files=(out / "graph.trig", out / "graph.ttl"))
        with files["graph.ttl"] as ttl, files["graph.trig"] as trig:
            report.triples = write_graph(resolved, rules, ttl, trig, self.changes)
        self.built = len(resolved.articles)
        self.ttl, self.trig = self.temporaries
        self.synced = self.syncer.submit(_fsync_files, (self.ttl, self.trig))
        fd, layout = tempfile.mkstemp(prefix=".graph.layout.", dir=out)
        os.close(fd)
        self.layout = Path(layout)
        self.temporaries.append(self.layout)
        store.write_layout(self.changes.finish((self.trig, self.ttl)), self.layout)

    def finish(self, report: BuildReport, *, html: bool, processes: int) -> None:
        """The store and the page from the files graph_files wrote; then everything renamed
        into place, the files only once they have reached the disk, the store only once the
        page is drawn: a build that fails leaves the old store with the old files."""
        from kg import store
        out = self.out
        self.new_store = store.update_store(out, self.changes, self.layout, publish=False)
        if self.new_store is None:
            if processes > 1:
                self.loading = store.start_loading(out, trig=self.trig, ttl=self.ttl, layout_file=self.layout)
            else:
                self.new_store = store.load_store_files(out, trig=self.trig, ttl=self.ttl,
                                                        layout_file=self.layout, publish=False)
        page = None
        if html and report.triples > PAGE_MAX_TRIPLES:
            report.notes.append(f"graph.html not written: {report.triples:,} triples are more than one page "
                                f"can show (at most {PAGE_MAX_TRIPLES:,}); draw a part with "
                                f"kg render --graph {out} --focus NAME --html FILE")
            (out / "graph.html").unlink(missing_ok=True)     # it would show an older build
        elif html:
            from kg.render import render_html
            with tempfile.TemporaryDirectory(prefix=".graph.html.render-", dir=out) as tmp:
                page = render_html(store.graph_of_file(self.ttl), Path(tmp) / "graph.html").read_bytes()
        if self.loading is not None:
            done, self.loading = self.loading, None
            self.new_store = store.wait_for(done)
        self.synced.result()
        store.publish_store(self.new_store, out)
        self.new_store = None
        publish(self.trig, out / "graph.trig")
        if page is not None:
            write_replacing(out / "graph.html", page, durable=True)
        publish(self.ttl, out / "graph.ttl")
        _write_inputs(report, self.built, out)


def _fsync_files(paths) -> None:
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_inputs(report: BuildReport, built: int, out: Path) -> None:
    """DIR/text/<article>.txt for every article not read from plain text, the text its evidence
    offsets count into (<article>: the last segment of the article's IRI); and
    DIR/build-report.json: articles read and built, duplicates, records skipped, problems."""
    import json

    from kg.text import slugify
    log = report.inputs
    duplicates = log.duplicates.as_dict() if log is not None and log.duplicates is not None else \
        {"exact": 0, "near": 0, "exact_duplicates": [], "near_duplicates": []}
    dropped = {d["article"] for d in duplicates["exact_duplicates"]}
    texts = {slugify(aid): text for aid, text in (log.texts.items() if log is not None else ())
             if aid not in dropped}
    folder = out / "text"
    if texts:
        folder.mkdir(exist_ok=True)
    if folder.is_dir():
        for old in folder.glob("*.txt"):
            if old.stem not in texts:
                old.unlink()        # left by an earlier build of other inputs
    for name, text in sorted(texts.items()):
        data, path = text.encode("utf-8"), folder / f"{name}.txt"
        if not path.exists() or path.read_bytes() != data:
            write_replacing(path, data, durable=True)
    summary = {
        "articles": {"read": report.read, "built": built,
                     "skipped": len(report.skipped)},
        "duplicates": duplicates,
        "skipped_records": dict(sorted(log.counts.items())) if log is not None else {},
        "problems": list(report.skipped),
        "texts": len(texts),
    }
    write_replacing(out / "build-report.json",
                    (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), durable=True)


def _remove_stale_temporaries(out: Path) -> None:
    """Delete what a build killed mid-write left: kg.files's ".graph.ttl.XXXX" files, the
    HTML render's ".graph.html.render-XXXX" folder and kg.store's ".store.XXXX" (a new store
    being made) and ".store-old.XXXX" (an old one being replaced) folders, which can be
    hundreds of MB. The finished files are never touched."""
    for name in ("graph.ttl", "graph.trig", "graph.html", "graph.layout", "store", "store-old"):
        for stale in out.glob(f".{name}.*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


def load(out: str | Path = "out") -> KnowledgeGraph:
    """Load a built graph from DIR/graph.trig (or DIR/graph.ttl)."""
    out = Path(out)
    trig, ttl = out / "graph.trig", out / "graph.ttl"
    ds = Dataset()
    for prefix, ns in PREFIXES.items():     # the files leave out id:, which a serialisation uses
        ds.bind(prefix, ns)
    try:
        if trig.exists():
            ds.parse(trig, format="trig")
        elif ttl.exists():
            ds.graph().parse(ttl, format="turtle")
        else:
            raise GraphError(f"{out}: no graph.trig or graph.ttl here (run kg build first)")
    except KgError:
        raise
    except Exception as exc:  # rdflib raises many kinds of parse errors
        raise GraphError(f"{trig if trig.exists() else ttl}: cannot parse ({str(exc).splitlines()[0]})") from None
    return KnowledgeGraph(ds, out)


def _stderr_console():
    from rich.console import Console
    return Console(file=sys.stderr)
