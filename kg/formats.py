"""Input formats -> Articles. One file may hold one article (.txt) or many (later formats).

    iter_articles(path, rules, article_id) -> Iterator[Article]   raises ArticleError
    ACCEPTED_SUFFIXES: the suffixes a folder is searched for
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.ingest import read_article
from kg.model import Article
from kg.ruleset import Ruleset

ACCEPTED_SUFFIXES = {".txt"}


def iter_articles(path: Path, rules: Ruleset, article_id: str) -> Iterator[Article]:
    """The articles of one input file, in file order."""
    yield read_article(path, rules, article_id)
