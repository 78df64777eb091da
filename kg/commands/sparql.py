"""`kg query`, `kg serve` and `kg push`: SPARQL over a built graph (kg.query, kg.serve, kg.push)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from kg.errors import KgError, QueryError


def _fail(exc: KgError) -> None:
    from kg.cli import _fail as fail
    fail(exc)


def _params(values: list[str] | None) -> dict[str, str]:
    out = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {item!r}: write NAME=VALUE")
        out[name.strip()] = value
    return out


def register(app: typer.Typer) -> None:
    @app.command()
    def query(query: Optional[str] = typer.Argument(None, help="SPARQL text, a .rq file, or the name of a library query."),
              graph: Path = typer.Option(Path("out"), "--graph", help="Build folder."),
              fmt: str = typer.Option("table", "--format", "-f", help="table, csv, tsv or json."),
              param: Optional[List[str]] = typer.Option(None, "--param", "-p", help="NAME=VALUE for a library query's parameter (repeatable)."),
              engine: str = typer.Option("store", "--engine", help="store (the embedded pyoxigraph store) or rdflib."),
              endpoint: Optional[str] = typer.Option(None, "--endpoint", help="Ask this SPARQL endpoint instead of the build."),
              list_queries: bool = typer.Option(False, "--list", help="List the library's queries and the questions they answer.")):
        """Run a SPARQL query on a built graph; prefixes schema, nkg, prov, rdfs, owl, xsd, rdf are predeclared.

        Example: kg query meetings --graph out --format csv
        """
        from kg import query as q
        try:
            if list_queries:
                for lq in q.library().values():
                    params = f"  [{', '.join(f'{k}={v}' for k, v in lq.params.items())}]" if lq.params else ""
                    typer.echo(f"{lq.name:<20} {lq.question}{params}")
                return
            if not query:
                raise QueryError("give a query: SPARQL text, a .rq file or a library name (kg query --list)")
            if fmt not in q.FORMATS:
                raise QueryError(f"--format {fmt}: choose one of {', '.join(q.FORMATS)}")
            prepared = q.prepare(query, _params(param))
            where = prepared.name or "query"
            if endpoint:
                results = q.run_endpoint(endpoint, prepared.full_text())
            elif engine == "store":
                from kg.store import open_store, store_path
                if (store_path(graph) / "CURRENT").exists():
                    results = q.run_store(open_store(graph), prepared.text, where)
                else:
                    typer.echo(f"kg: no store in {graph}; querying graph.trig with rdflib", err=True)
                    results = _rdflib(graph, prepared.text, where)
            elif engine == "rdflib":
                results = _rdflib(graph, prepared.text, where)
            else:
                raise QueryError(f"--engine {engine}: choose store or rdflib")
        except KgError as exc:
            _fail(exc)
        typer.echo(q.format_results(results, fmt), nl=False)

    @app.command()
    def serve(graph: Path = typer.Option(Path("out"), "--graph", help="Build folder."),
              port: int = typer.Option(7878, "--port", help="Port to listen on."),
              host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; the default answers this machine only."),
              writable: bool = typer.Option(False, "--writable", help="Allow SPARQL Update and Graph Store writes."),
              timeout: float = typer.Option(10.0, "--timeout", help="Seconds a query may run before it is stopped (503).")):
        """Serve the built graph as a SPARQL 1.1 Protocol endpoint at http://HOST:PORT/query (read-only by default).

        Example: kg serve --graph out --port 7878
        """
        from kg.serve import serve as run
        try:
            run(graph, host=host, port=port, writable=writable, timeout=timeout,
                announce=lambda line: typer.echo(f"kg: {line}", err=True))
        except KgError as exc:
            _fail(exc)

    @app.command()
    def push(endpoint: str = typer.Option(..., "--endpoint", help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store."),
             graph: Path = typer.Option(Path("out"), "--graph", help="Build folder.")):
        """Load the built graph into a SPARQL 1.1 store: one named graph per article, replacing earlier pushes.

        Example: kg push --graph out --endpoint http://127.0.0.1:7878/store
        """
        from kg.push import push as run
        try:
            report = run(graph, endpoint)
        except KgError as exc:
            _fail(exc)
        typer.echo(f"pushed {report.summary()}")


def _rdflib(graph: Path, text: str, where: str):
    from kg.api import load
    from kg.query import query_dataset, run_rdflib
    return run_rdflib(query_dataset(load(graph).rdf), text, where)
