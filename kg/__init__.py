"""newskg: build a knowledge graph of news articles and explore it.

    import kg
    news = kg.build(["seeds"], "out")      # or kg.load("out")
    news.rdf                               # the rdflib Dataset, one named graph per article
    news.query("SELECT ...", frame=True)   # SPARQL -> pandas DataFrame
    news.to_networkx("met-with")           # a networkx graph

Importing kg loads nothing: build, load and KnowledgeGraph come from kg.api on first use,
so `kg --help` and `import kg` stay fast.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph, build, load

__all__ = ["build", "load", "KnowledgeGraph", "KgError"]


def __getattr__(name: str):
    if name in ("build", "load", "KnowledgeGraph"):
        from kg import api
        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
