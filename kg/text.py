"""Small text helpers shared by the stages: slugs and name normal forms."""
from __future__ import annotations

import bisect
import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Accent-free, case-free form: 'Sergéy' -> 'sergey'."""
    if text.isascii():      # NFKD leaves ASCII as it is, and casefold() is lower() there
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    """IRI-safe slug of a label: 'Sergey Lavrov' -> 'sergey-lavrov'.

    >>> slugify("U.S. Secretary of State")
    'us-secretary-of-state'
    """
    folded = fold(text).replace("'", "").replace("\u2019", "").replace(".", "")
    return _NON_SLUG.sub("-", folded).strip("-") or "x"


def name_key(text: str) -> str:
    """Key for comparing names: folded, punctuation-free, single-spaced."""
    return " ".join(_NON_SLUG.sub(" ", fold(text).replace(".", "")).split())


class SpanSet:
    """Non-overlapping [start, end) spans with an O(log n) overlap test.

    >>> taken = SpanSet(); taken.add(3, 8); taken.overlaps(7, 9), taken.overlaps(8, 9)
    (True, False)
    """

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)   # spans starting before `end`
        return i > 0 and self._ends[i - 1] > start if i else False

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
