"""What the CLI and notebooks call: build a graph from articles, load a built one.

    build(paths, out="out") -> KnowledgeGraph
    load(out="out") -> KnowledgeGraph
"""
from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import ArticleError, GraphError, KgError
from kg.formats import ACCEPTED_SUFFIXES, iter_articles
from kg.graph import to_dataset, union_graph
from kg.ingest import find_inputs
from kg.parallel import extract_many
from kg.resolve import resolve
from kg.ruleset import load_ruleset

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@dataclass
class BuildReport:
    read: int = 0
    skipped: list[str] = field(default_factory=list)   # one line each: "file: reason"
    entities: int = 0
    facts: int = 0
    triples: int = 0

    def summary(self) -> str:
        return (f"{self.read} articles read, {len(self.skipped)} skipped, {self.entities} entities, "
                f"{self.facts} facts, {self.triples} triples")


@dataclass
class KnowledgeGraph:
    """A built graph: `rdf` is the rdflib Dataset (one named graph per article)."""

    rdf: Dataset
    out: Path | None = None
    report: BuildReport | None = None

    @property
    def graph(self) -> Graph:
        """Every triple in one rdflib Graph, as graph.ttl holds them."""
        return union_graph(self.rdf)

    @classmethod
    def load(cls, out: str | Path = "out") -> "KnowledgeGraph":
        return load(out)

    def render(self, path: str | Path, **options) -> Path:
        from kg.render import render_html
        return render_html(self.graph, Path(path), **options)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the user expects ordinary files
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    cache : reuse per-article extractions of earlier builds (DIR/cache).
    fields : for JSONL/CSV corpora, which field holds text, headline, date, url, source.
    time_budget : seconds one article may take before it is skipped with a warning.

    Raises KgError when nothing can be built, or in strict mode when any file is bad.
    """
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
    articles = list(_read_all(iterator, rules, report, strict))
    extractions = extract_many(articles, rules, workers=workers)
    if not extractions:
        raise ArticleError(report.skipped[0] if report.skipped else "no articles given")
    resolved = resolve(extractions, rules)
    dataset = to_dataset(resolved)
    kg = KnowledgeGraph(dataset, Path(out) if out else None, report)
    report.entities = len(resolved.entities)
    report.facts = len(resolved.facts) + len(resolved.positions) + len(resolved.quotes)
    if out is not None:
        write(kg, Path(out), html=html)
    report.triples = len(kg.graph)
    return kg


def _read_all(files, rules, report: BuildReport, strict: bool):
    """Articles of every file; a file that cannot be read is skipped and reported."""
    used_ids: dict[str, int] = {}
    for path in files:
        article_id = path.stem
        if article_id in used_ids:
            used_ids[article_id] += 1
            article_id = f"{article_id}-{used_ids[article_id]}"
        else:
            used_ids[article_id] = 1
        try:
            for article in iter_articles(path, rules, article_id):
                report.read += 1
                yield article
        except ArticleError as exc:
            if strict:
                raise
            report.skipped.append(str(exc))


def write(kg: KnowledgeGraph, out: Path, *, html: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=True)
    union = kg.graph
    ttl = union.serialize(format="turtle").encode("utf-8")
    trig = kg.rdf.serialize(format="trig").encode("utf-8")
    page = None
    if html:
        from kg.render import render_html
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            page = render_html(union, Path(tmp) / "graph.html").read_bytes()
    _write_atomic(out / "graph.trig", trig)
    if page is not None:
        _write_atomic(out / "graph.html", page)
    _write_atomic(out / "graph.ttl", ttl)
    from kg.store import write_store
    write_store(kg.rdf, out)
    kg.out = out


def load(out: str | Path = "out") -> KnowledgeGraph:
    """Load a built graph from DIR/graph.trig (or DIR/graph.ttl)."""
    out = Path(out)
    trig, ttl = out / "graph.trig", out / "graph.ttl"
    ds = Dataset()
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
