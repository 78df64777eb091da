"""Push a built graph into any SPARQL 1.1 store over the Graph Store HTTP Protocol.

    push(out, endpoint) -> PushReport

Each article's named graph is sent with PUT ENDPOINT?graph=<graph IRI>, and every triple of the
build with PUT ENDPOINT?default, as the embedded store holds them. PUT replaces a graph, so
pushing the same build again leaves the store as it was, not doubled. Graphs of articles that
are no longer in the build are left alone: the store may hold other data, and only the graphs
this build names are ours to replace.
"""
from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import QueryError

NTRIPLES = "application/n-triples"


@dataclass
class PushReport:
    graphs: int = 0       # named graphs sent (one per article)
    triples: int = 0      # triples sent to the default graph

    def summary(self) -> str:
        return f"{self.graphs} article graphs and {self.triples} triples in the default graph"


def graphs_to_push(out: str | Path) -> Iterator[tuple[str | None, bytes, int]]:
    """(graph IRI or None for the default graph, N-Triples, triple count), from the build's store
    when it has one (fast: Oxigraph serialises), else from graph.trig with rdflib."""
    from kg.store import article_graphs, store_path
    if (store_path(out) / "CURRENT").exists():
        import pyoxigraph as ox
        from kg.store import open_store
        store = open_store(out)
        graphs = sorted(store.named_graphs(), key=lambda g: g.value)
        for name in graphs + [ox.DefaultGraph()]:
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
            count = sum(1 for _ in store.quads_for_pattern(None, None, None, name))
            yield (None if isinstance(name, ox.DefaultGraph) else name.value), data, count
        return
    from kg.api import load
    kg = load(out)
    for g in article_graphs(kg.rdf):
        yield str(g.identifier), g.serialize(format="nt").encode("utf-8"), len(g)
    union = kg.graph
    yield None, union.serialize(format="nt").encode("utf-8"), len(union)


def push(out: str | Path, endpoint: str, *, timeout: float = 120.0) -> PushReport:
    """Send the build in folder `out` to the Graph Store Protocol service at `endpoint`.

    Parameters
    ----------
    out : build folder (kg build --out).
    endpoint : the store's Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store for
        Oxigraph, http://host:3030/DATASET/data for Fuseki. user:password@ in it is sent as
        HTTP basic authentication.

    Raises QueryError naming the endpoint and the HTTP status when the store refuses a graph.
    """
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QueryError(f"{endpoint}: not an http(s) URL of a Graph Store Protocol endpoint")
    headers = {"Content-Type": NTRIPLES}
    if parts.username:
        token = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(token.encode()).decode()
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    base = urllib.parse.urlunsplit(parts._replace(query=""))
    shown = base    # never echo a password
    report = PushReport()
    for graph, data, count in graphs_to_push(out):
        query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
        request = urllib.request.Request(f"{base}?{query}", data=data, method="PUT", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            target = graph or "the default graph"
            raise QueryError(f"{shown}: HTTP {exc.code} for {target} "
                             f"({detail[0] if detail else exc.reason})") from None
        except (urllib.error.URLError, OSError) as exc:
            raise QueryError(f"{shown}: no answer ({getattr(exc, 'reason', exc)})") from None
        if graph is None:
            report.triples = count
        else:
            report.graphs += 1
    return report
