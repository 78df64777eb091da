"""The embedded SPARQL store written beside graph.ttl (filled in by the store module's owner).

    write_store(dataset, out) -> Path | None
"""
from __future__ import annotations

from pathlib import Path


def write_store(dataset, out: Path) -> Path | None:
    return None
