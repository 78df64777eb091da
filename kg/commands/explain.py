"""`kg explain NAME [OTHER]`: the facts about an entity, or between two, with their sentences."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def explain(name: str = typer.Argument(..., help="An entity: its name or any alias."),
                other: Optional[str] = typer.Argument(None, help="A second entity: only facts linking the two."),
                graph: Path = typer.Option(Path("out"), "--graph", help="Build folder.")):
        """Show the facts about an entity (or between two) and the sentences that state them.

        Example: kg explain Lavrov "Condoleezza Rice" --graph out
        """
        from kg.api import load
        from kg.errors import KgError
        from kg.explain import explain as run, format_explanations
        try:
            items = run(load(graph).graph, name, other)
        except KgError as exc:
            typer.echo(f"kg: error: {exc}", err=True)
            raise typer.Exit(2)
        typer.echo(format_explanations(items))
