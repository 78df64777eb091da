"""`kg analyze`: networkx measures of a built graph (kg.analyze), printed as small tables."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from kg.errors import KgError


def register(app: typer.Typer) -> None:
    app.command()(analyze)


def analyze(graph: Path = typer.Option(Path("out"), "--graph", help="Build folder."),
            view: str = typer.Option("full", "--view", help="full, people, met-with or stances."),
            measure: str = typer.Option("degree", "--measure", help="Centrality: degree or betweenness."),
            kind: Optional[List[str]] = typer.Option(None, "--kind", help="Kinds to rank (repeatable; default Person)."),
            top: int = typer.Option(10, "--top", min=1, help="How many to rank."),
            communities: bool = typer.Option(False, "--communities", help="Louvain communities of the view."),
            met_with: bool = typer.Option(False, "--met-with", help="Who met whom, with meeting counts."),
            path: Optional[List[str]] = typer.Option(None, "--path", help="Give twice: the facts linking two entities."),
            export: Optional[Path] = typer.Option(None, "--export", help="Write the view as .graphml or .gexf (Gephi).")):
    """Rank actors by centrality; optionally communities, who met whom, a path, an export.

    Example: kg analyze --graph out --communities --path Rice --path Lavrov --export out/graph.gexf
    """
    from kg import analyze as A
    from kg.api import load
    try:
        if path and len(path) != 2:
            raise typer.BadParameter("give --path twice: --path Rice --path Lavrov", param_hint="--path")
        g = load(graph).graph
        G = A.to_networkx(g, view)
        ranked = A.centrality(G, measure, kinds=kind or A.PEOPLE, top=top)
        typer.echo(f"{measure} centrality ({view} view)")
        for n, r in enumerate(ranked, 1):
            typer.echo(f"{n:>3}  {r.label:<36}{r.kind:<14}{r.score:.4f}")
        if communities:
            typer.echo(f"\ncommunities ({view} view, Louvain)")
            for n, group in enumerate(A.communities(G), 1):
                typer.echo(f"{n:>3}  " + ", ".join(group))
        if met_with:
            M = A.to_networkx(g, "met-with")
            typer.echo("\nwho met whom (meetings)")
            rows = sorted(M.edges(data=True), key=lambda e: (-e[2]["weight"], M.nodes[e[0]]["label"], M.nodes[e[1]]["label"]))
            for a, b, d in rows:
                typer.echo(f"  {M.nodes[a]['label']} – {M.nodes[b]['label']}: {d['weight']}  ({'; '.join(d['meetings'])})")
        if path:
            steps = A.shortest_path(G if view != "stances" else A.to_networkx(g, "full"), path[0], path[1])
            typer.echo(f"\npath {path[0]} → {path[1]} ({len(steps)} facts)")
            for step in steps:
                typer.echo(f"  {step.source} —{step.relation}→ {step.target}")
                for sentence in step.sentences[:1]:
                    typer.echo(f"      “{sentence}”")
        if export:
            typer.echo(f"\nwrote {A.export(G, export)}")
    except KgError as exc:
        typer.echo(f"kg: error: {exc}", err=True)
        raise typer.Exit(2)
