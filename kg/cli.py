"""The `kg` command: a thin layer over kg.api. Output to stdout, diagnostics to stderr.

Exit codes: 0 ok; 1 build finished with skipped files, or graph does not conform; 2 bad usage,
input, rule file or query. An unexpected exception prints its traceback and says it is a bug.
"""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import List, Optional

import typer

from kg.errors import ArticleError, EvaluationError, KgError, QueryError, RuleFileError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Build, check and explore a knowledge graph of news articles.")
rules_app = typer.Typer(help="Check the rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _fail(exc: KgError) -> None:
    typer.echo(f"kg: error: {exc}", err=True)
    raise typer.Exit(2 if isinstance(exc, (ArticleError, RuleFileError, QueryError, EvaluationError)) else 1)


@app.command()
def build(inputs: List[Path] = typer.Argument(None, help="Article files or folders (default: the project's seeds)."),
          out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
          strict: bool = typer.Option(False, "--strict", help="Fail on any unreadable file instead of skipping it."),
          rules: Optional[Path] = typer.Option(None, "--rules", help="Rules folder (default: the package's own)."),
          no_html: bool = typer.Option(False, "--no-html", help="Skip graph.html."),
          workers: int = typer.Option(1, "--workers", "-w", min=1, help="Extraction processes."),
          engine: str = typer.Option("local", "--engine", help="local or dask."),
          scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (with --engine dask)."),
          no_cache: bool = typer.Option(False, "--no-cache", help="Read and extract every article again and load the SPARQL store in full; the caches are neither read nor written."),
          text_field: Optional[str] = typer.Option(None, "--text-field", help="JSONL/CSV: the field with the article text."),
          headline_field: Optional[str] = typer.Option(None, "--headline-field", help="JSONL/CSV: the headline field."),
          date_field: Optional[str] = typer.Option(None, "--date-field", help="JSONL/CSV: the date field."),
          url_field: Optional[str] = typer.Option(None, "--url-field", help="JSONL/CSV: the URL field."),
          source_field: Optional[str] = typer.Option(None, "--source-field", help="JSONL/CSV: the publisher field."),
          time_budget: Optional[float] = typer.Option(None, "--time-budget", help="Seconds one article may take before it is skipped.")):
    """Build the graph of articles into DIR/graph.ttl, graph.trig and graph.html.

    Example: kg build seeds --out out
    """
    from kg.api import build as build_graph
    try:
        fields = {k: v for k, v in (("text", text_field), ("headline", headline_field), ("date", date_field),
                                    ("url", url_field), ("source", source_field)) if v}
        kg = build_graph(list(inputs) if inputs else None, out, rules_dir=rules, strict=strict,
                         html=not no_html, progress=True, workers=workers, engine=engine,
                         scheduler=scheduler, cache=not no_cache, fields=fields or None,
                         time_budget=time_budget)
    except KgError as exc:
        _fail(exc)
    for line in kg.report.skipped:
        typer.echo(f"kg: warning: skipped {line}", err=True)
    for line in kg.report.notes:
        typer.echo(f"kg: note: {line}", err=True)
    typer.echo(f"kg: {kg.report.summary()}", err=True)
    drawn = not no_html and (out / "graph.html").exists()
    typer.echo(f"wrote {out / 'graph.ttl'}, {out / 'graph.trig'}" + (f", {out / 'graph.html'}" if drawn else ""))
    if kg.report.skipped:
        raise typer.Exit(1)


@app.command()
def evaluate(graph: Path = typer.Argument(..., help="graph.ttl, graph.trig or a build folder."),
             gold: Path = typer.Argument(..., help="Gold annotation (TOML)."),
             articles: Optional[Path] = typer.Option(None, "--articles", help="Folder of the article files, to check offsets."),
             json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the figures as JSON here."),
             show_errors: bool = typer.Option(False, "--show-errors", help="List what was missed or spurious.")):
    """Score a built graph against a gold annotation: precision, recall, F1 per part.

    Example: kg evaluate out tests/gold/seeds.toml --articles seeds
    """
    from kg.evaluate import evaluate as run, format_table, to_json
    try:
        result = run(graph, gold, articles)
    except KgError as exc:
        _fail(exc)
    typer.echo(format_table(result, show_errors))
    if json_out:
        json_out.write_text(json.dumps(to_json(result), indent=2) + "\n", encoding="utf-8")


@app.command()
def validate(target: Path = typer.Argument(None, help="A graph file (.ttl/.trig); default: --graph DIR/graph.ttl."),
             graph: Path = typer.Option(Path("out"), "--graph", help="Build folder.")):
    """Check a graph against the SHACL shapes of ontology/shapes.ttl; exit 0 only if it conforms.

    Example: kg validate --graph out
    """
    from kg.validate import validate as run
    try:
        report = run(target if target else graph / "graph.ttl")
    except KgError as exc:
        _fail(exc)
    if report.conforms:
        typer.echo("conforms: the graph follows the shapes")
        return
    for focus, path, message in report.violations:
        typer.echo(f"{focus}  {path}  {message}")
    typer.echo(f"does not conform: {len(report.violations)} violations", err=True)
    raise typer.Exit(1)


@app.command()
def render(graph: Path = typer.Option(Path("out"), "--graph", help="Build folder."),
           html: Path = typer.Option(..., "--html", help="The HTML file to write."),
           focus: Optional[str] = typer.Option(None, "--focus", help="Only this entity (any of its names) and its neighbourhood."),
           depth: int = typer.Option(2, "--depth", help="Neighbourhood radius with --focus."),
           kind: Optional[List[str]] = typer.Option(None, "--kind", help="Only these kinds (repeatable).")):
    """Render a built graph as an interactive HTML network.

    Example: kg render --graph out --focus Lavrov --depth 2 --html lavrov.html
    """
    from kg.api import load
    try:
        if (graph / "graph.ttl").is_file():
            # oxigraph reads a big graph.ttl many times faster than rdflib reads graph.trig
            from kg.render import render_html
            from kg.store import graph_of_file
            path = render_html(graph_of_file(graph / "graph.ttl"), html, focus=focus, depth=depth,
                               kinds=set(kind) if kind else None)
        else:
            path = load(graph).render(html, focus=focus, depth=depth, kinds=set(kind) if kind else None)
    except KgError as exc:
        _fail(exc)
    typer.echo(f"wrote {path}")


@app.command()
def stats(graph: Path = typer.Option(Path("out"), "--graph", help="Build folder.")):
    """Count entities by kind, facts by relation, per article, and the most connected entities.

    Example: kg stats --graph out
    """
    from kg.api import load
    from kg.stats import duplicate_lines, format_stats, graph_stats
    try:
        kg = load(graph)
    except KgError as exc:
        _fail(exc)
    union = kg.graph
    typer.echo(format_stats(graph_stats(union)))
    typer.echo("\n".join(duplicate_lines(union, graph)))


@rules_app.command("test")
def rules_test(rules: Optional[Path] = typer.Option(None, "--rules", help="Rules folder (default: the package's own).")):
    """Run every rule's examples (must fire) and counter-examples (must not); report per rule.

    Example: kg rules test
    """
    from kg.rulecheck import check_rules
    try:
        results = check_rules(rules)
    except KgError as exc:
        _fail(exc)
    failed = [r for r in results if not r.ok]
    for r in results:
        typer.echo(f"{'ok  ' if r.ok else 'FAIL'} {r.rule_id:<34} {r.detail}")
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


from kg.commands import register_all  # noqa: E402  (commands of kg/commands/*.py)

register_all(app)


def main() -> None:  # pragma: no cover - the console script entry
    try:
        app()
    except SystemExit:
        raise
    except Exception:
        traceback.print_exc()
        print("kg: this is a bug in newskg; please report it with the traceback above", file=sys.stderr)
        sys.exit(3)
