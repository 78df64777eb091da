"""Blocks -> units (paragraphs, joined where a quotation runs across a line break), quotation
spans and sentences, all as offsets into the article text."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import Article, Span

OPEN_QUOTES = "“«"
CLOSE_QUOTES = "”»"
STRAIGHT = '"'
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "maj", "capt", "prof",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
    "vs", "etc", "inc", "ltd", "co", "jr", "sr", "u.s", "u.n", "u.k", "e.u", "a.m", "p.m", "mt",
}
_BOUNDARY = re.compile(r"[.!?…]+[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
# (?<!...): the first match starts where a word starts, so no other place need be tried
_LAST_WORD = re.compile(r"(?<![\w.])([\w.]+)[.!?…]*[\"”’)]*\s*$")
# the characters the quotation scanners act on; they skip straight from one to the next
_DOUBLE_MARK = re.compile(f"[{re.escape(OPEN_QUOTES + CLOSE_QUOTES + STRAIGHT)}]")
_SINGLE_MARK = re.compile("['‘’]")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    unit: int


@dataclass(frozen=True, slots=True)
class Unit:
    """A paragraph: one block, or blocks a quotation runs across."""

    start: int
    end: int
    blocks: tuple[Span, ...]
    quotes: tuple[Span, ...]      # spans of the quoted words, marks excluded


def single_quote_spans(text: str, start: int, end: int, taken: list[Span]) -> list[Span]:
    """Quotations in single marks ('...,' he said), outside double-quoted spans.

    An apostrophe is not a quotation mark: a mark opens only after a space or a line start and
    before a letter, and closes only after end punctuation or before punctuation.
    """
    spans: list[Span] = []
    open_at: int | None = None
    for mark in _SINGLE_MARK.finditer(text, start, end):
        i = mark.start()
        c = text[i]
        if any(s.start - 1 <= i <= s.end for s in taken):
            continue
        prev = text[i - 1] if i > start else " "
        nxt = text[i + 1] if i + 1 < end else " "
        if open_at is None:
            if c in "'‘" and (prev.isspace() or prev in "(—–:") and nxt.isalpha():
                open_at = i
        elif c in "'’" and (prev in ".,!?…" or nxt in ",.;:!?)" or i + 1 == end) and not prev.isspace():
            if len(text[open_at + 1:i].split()) >= 3:
                spans.append(Span(open_at + 1, i))
            open_at = None
    return spans


def quote_spans(text: str, start: int, end: int) -> tuple[list[Span], int | None]:
    """Paired quotation spans in text[start:end], and the offset of an unclosed opening mark."""
    spans: list[Span] = []
    open_at: int | None = None
    for mark in _DOUBLE_MARK.finditer(text, start, end):
        i = mark.start()
        c = text[i]
        if c in OPEN_QUOTES and open_at is None:
            open_at = i
        elif c in CLOSE_QUOTES and open_at is not None:
            spans.append(Span(open_at + 1, i))
            open_at = None
        elif c == STRAIGHT:
            if open_at is None:
                open_at = i
            elif text[open_at] == STRAIGHT:
                spans.append(Span(open_at + 1, i))
                open_at = None
    return spans, open_at


def units_of(article: Article) -> list[Unit]:
    """Paragraph units; a block that ends inside a quotation is joined to the next one."""
    text = article.text
    units: list[Unit] = []
    blocks = list(article.blocks)
    i = 0
    while i < len(blocks):
        group = [blocks[i]]
        spans, open_at = quote_spans(text, blocks[i].start, blocks[i].end)
        while open_at is not None and i + 1 < len(blocks):
            # a quotation cut by a stray line break: "...cancel this\n\nproject but..."
            nxt = blocks[i + 1]
            _, open_next = quote_spans(text, nxt.start, nxt.end)
            if open_next is None and text.count('"', nxt.start, nxt.end) % 2 == 0 \
                    and not any(c in text[nxt.start:nxt.end] for c in CLOSE_QUOTES):
                break
            group.append(nxt)
            i += 1
            spans, open_at = quote_spans(text, group[0].start, group[-1].end)
        spans += single_quote_spans(text, group[0].start, group[-1].end, spans)
        units.append(Unit(group[0].start, group[-1].end, tuple(group), tuple(sorted(spans, key=lambda s: s.start))))
        i += 1
    return units


def sentences_of(article: Article, units: list[Unit]) -> list[Sentence]:
    """Sentences of every unit; no boundary inside a quotation or after an abbreviation."""
    text = article.text
    out: list[Sentence] = []
    for n, unit in enumerate(units):
        for block in unit.blocks if len(unit.blocks) > 1 and not unit.quotes else (Span(unit.start, unit.end),):
            pos = block.start
            for m in _BOUNDARY.finditer(text, block.start, block.end):
                cut = m.end()
                if any(q.start <= m.start() < q.end for q in unit.quotes):
                    continue
                # look back a few characters only: from `pos` it would rescan every skipped boundary
                word = _LAST_WORD.search(text[max(pos, m.start() - 40):m.start() + 1])
                token = word.group(1).rstrip(".").lower() if word else ""
                if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                    continue
                end = m.start() + len(m.group(0).rstrip())
                if text[pos:end].strip():
                    out.append(_trimmed(text, pos, end, n))
                pos = cut
            if text[pos:block.end].strip():
                out.append(_trimmed(text, pos, block.end, n))
    return out


def _trimmed(text: str, start: int, end: int, unit: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, unit)
