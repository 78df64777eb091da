"""Role descriptions without a name ("the Russian president") resolved by the article's date.

    role_descriptions(ctx) -> list[PositionClaim]
"""
from __future__ import annotations

from kg.extract.context import Context
from kg.model import PositionClaim


def role_descriptions(ctx: Context) -> list[PositionClaim]:
    return []
