"""`kg diff` and `kg timeline`: knowledge in time (kg.diff, kg.timeline)."""
from __future__ import annotations

from pathlib import Path

import typer

from kg.errors import GraphError, KgError


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
    app.command("timeline")(timeline)


def _fail(exc: KgError) -> None:
    typer.echo(f"kg: error: {exc}", err=True)
    raise typer.Exit(2 if isinstance(exc, GraphError) else 1)


def diff(old: Path = typer.Argument(..., help="Build folder before the change."),
         new: Path = typer.Argument(..., help="Build folder after the change."),
         no_sentences: bool = typer.Option(False, "--no-sentences", help="Leave out each fact's sentence."),
         exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when the builds differ.")):
    """Facts gained (+) and lost (-) between two builds, by rule id and article, with sentences.

    Example: kg diff /tmp/before /tmp/after
    """
    from kg.diff import diff_builds, format_diff
    try:
        result = diff_builds(old, new)
    except KgError as exc:
        _fail(exc)
    typer.echo(format_diff(result, sentences=not no_sentences))
    if exit_code and not result.empty:
        raise typer.Exit(1)


def timeline(actor: str = typer.Argument(..., help="A label or alternate name: Russia, Putin, NATO."),
             graph: Path = typer.Option(Path("out"), "--graph", help="Build folder.")):
    """An actor's stances, proposals and meetings in date order, each with article and sentence.

    Example: kg timeline Russia --graph out
    """
    from rdflib import RDFS

    from kg.api import load
    from kg.timeline import find_actor, format_timeline, timeline as run
    try:
        g = load(graph).graph
    except KgError as exc:
        _fail(exc)
    nodes = find_actor(g, actor)
    if not nodes:
        typer.echo(f"kg: error: {actor}: no entity of that name in {graph}", err=True)
        raise typer.Exit(2)
    for node in nodes:
        entries = run(g, node)
        label = g.value(node, RDFS.label)
        typer.echo(f"{label} ({str(node).rsplit('/id/', 1)[-1]}): {len(entries)} entries")
        typer.echo(format_timeline(entries))
