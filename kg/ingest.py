"""Files -> Article: the text as decoded, the article's own lines, headline, date, publisher.

    find_inputs(paths) -> list[Path]          files to read, sorted, folders recursively
    read_article(path, rules) -> Article      raises ArticleError for a file it cannot read

Page clutter (menus, icon rows, credits, "more stories" blocks, footers) is recognised by
the rules of kg/rules/clutter.toml, never by position. Offsets always refer to the file's
full text, so every span found later can be checked against the file.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from dateutil import parser as dateparser

from kg.errors import ArticleError
from kg.model import Article, Span
from kg.ruleset import Ruleset

ARTICLE_SUFFIXES = {".txt"}
MAX_BYTES = 16 * 1024 * 1024
# A paragraph of prose, as opposed to menus, headings and captions.
PARAGRAPH_MIN_WORDS = 18

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
# Dates as page headers print them: "March 18, 2008", "12 Oct, 2007 12:10", "06.04.2008".
HEADER_DATE = re.compile(
    rf"(?P<mdy>{_MONTH}\.?\s+\d{{1,2}},?\s+\d{{4}})"
    rf"|(?P<dmy>\d{{1,2}}\s+{_MONTH}\.?,?\s+\d{{4}})"
    r"|(?P<dotted>\b\d{1,2}\.\d{1,2}\.\d{4}\b)"
    r"|(?P<iso>\b\d{4}-\d{2}-\d{2}\b)")
_TIME = r"(?:\s*,?\s*\d{1,2}:\d{2}(?:\s*(?:[AaPp]\.?[Mm]\.?|GMT|UTC|CET|MSK))?)?"
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\s+)?"


def find_inputs(paths: list[Path], suffixes: set[str] = ARTICLE_SUFFIXES) -> tuple[list[Path], list[str]]:
    """Article files under `paths`, sorted; and problems (missing paths, empty folders).

    Folders are read recursively; files are taken whatever their suffix when named directly.
    """
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if not path.exists():
            problems.append(f"{path}: no such file or folder")
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and "".join(p.suffixes[-2:]).lower() in suffixes | {p.suffix.lower()} & suffixes
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                problems.append(f"{path}: folder holds no articles ({', '.join(sorted(suffixes))})")
            files.extend(found)
        else:
            files.append(path)
    seen, unique = set(), []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


def decode_article_bytes(path: Path, data: bytes) -> str:
    """The file's text, or ArticleError saying why it is not an article."""
    if len(data) > MAX_BYTES:
        raise ArticleError(f"{path}: too large ({len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MiB)")
    if not data.strip():
        raise ArticleError(f"{path}: empty file")
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{path}: binary file (NUL bytes), not a text article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{path}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    if sum(1 for c in text[:8192] if c.isalpha()) < 20:
        raise ArticleError(f"{path}: no text to read (fewer than 20 letters)")
    return text


def read_article(path: Path, rules: Ruleset, article_id: str | None = None) -> Article:
    """Read one article file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror})") from None
    text = decode_article_bytes(path, data)
    return parse_article(text, article_id or path.stem, path.name, rules)


def parse_article(text: str, article_id: str, source: str, rules: Ruleset) -> Article:
    """Split a page's text into the article's own lines and read its header."""
    lines = _lines(text)
    kept: list[Span] = []
    header: list[Span] = []       # lines before the first paragraph, clutter removed
    seen_paragraph = False
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            continue
        verdict, end = _judge(line, start, end, rules, seen_paragraph)
        if verdict == "end":
            break
        if verdict == "drop":
            continue
        if not seen_paragraph and not _is_paragraph(line):
            header.append(Span(start, end))
        else:
            seen_paragraph = True
        kept.append(Span(start, end))

    publisher = _publisher(text, rules)
    publisher_names = {name for _, name, _ in rules.publishers}
    date = None
    candidates: list[Span] = []     # header lines that may be the headline
    title_segment: Span | None = None
    body: list[Span] = []
    for span in kept:
        line = text[span.start:span.end]
        if line.strip() in publisher_names:
            continue  # the outlet's name on a line of its own: a masthead, not article text
        if span not in header:
            body.append(span)
            continue
        found = _header_date(line)
        if found and date is None:
            date = found
        if " | " in line:
            # "Headline | Section | Outlet | 06.04.2008": the first item is the headline
            segment = line.split(" | ")[0]
            start = span.start + len(segment) - len(segment.lstrip())
            title_segment = title_segment or Span(start, span.start + len(segment.rstrip()))
            continue
        if found and len(HEADER_DATE.sub("", line).strip(" |,-").split()) <= 3:
            continue
        candidates.append(span)
    # the headline is the last title-like line before the text: mastheads and menus come first
    headline_span = title_segment or _last_title_like(text, candidates)
    headline = text[headline_span.start:headline_span.end].strip() if headline_span else None
    # the rest of the header (captions, decks) is still read; a repeated headline is not
    others = [c for c in candidates if c != headline_span and text[c.start:c.end].strip() != headline
              and not (headline_span and c.start < headline_span.start and len(text[c.start:c.end].split()) <= 2)]
    body = sorted({*body, *others, *([headline_span] if headline_span else [])}, key=lambda s: s.start)
    return Article(article_id, source, text, tuple(body), headline, headline_span, date, publisher)


def _last_title_like(text: str, candidates: list[Span]) -> Span | None:
    """The last header line of 3 or more words that does not read like a menu or masthead."""
    titled = [c for c in candidates if len(text[c.start:c.end].split()) >= 3
              and not re.search(r"[/>|]", text[c.start:c.end])]
    if titled:
        return titled[-1]
    return candidates[-1] if candidates else None


def _is_paragraph(line: str) -> bool:
    """Prose: enough words and a sentence ending; title lines with ' | ' are not."""
    if " | " in line or len(line.split()) < PARAGRAPH_MIN_WORDS:
        return False
    return re.search(r"[.!?][\"”’)]?\s*$|[.!?][\"”’]?\s+[A-Z\"“]", line) is not None


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def _judge(line: str, start: int, end: int, rules: Ruleset, seen_paragraph: bool) -> tuple[str, int]:
    """'keep', 'drop' or 'end' for one line, and the line's end after stripping tails."""
    for rule in rules.clutter:
        action = rule.option("action")
        min_count = rule.option("min_count", 1)
        text = line[: end - start]
        if action == "strip-tail":
            m = rule.pattern.search(text)
            if m and m.start() > 0:
                end = start + len(text[: m.start()].rstrip())
            continue
        if min_count > 1:
            hit = sum(1 for _ in zip(range(min_count), rule.pattern.finditer(text))) >= min_count
        else:
            hit = rule.pattern.search(text) is not None
        if not hit:
            continue
        if action == "drop" or (action == "drop-head" and not seen_paragraph):
            return "drop", end
        if action == "end" and seen_paragraph:
            return "end", end
    return "keep", end


def _header_date(line: str) -> dt.date | None:
    """The date a header line states, if the line is (mostly) a date."""
    m = HEADER_DATE.search(line)
    if not m:
        return None
    rest = (line[: m.start()] + line[m.end():]).strip()
    if " | " not in line and len(re.sub(rf"^{_WEEKDAY}|{_TIME}$", "", rest).split()) > 3:
        return None  # a sentence that happens to hold a date is not a dateline
    raw = m.group(0)
    try:
        if m.group("dotted"):
            day, month, year = (int(x) for x in raw.split("."))
            return dt.date(year, month, day)
        return dateparser.parse(raw.replace(",", " "), default=dt.datetime(1900, 1, 1)).date()
    except (ValueError, OverflowError):
        return None


def _publisher(text: str, rules: Ruleset) -> str | None:
    best = None
    for pid, _name, signature in rules.publishers:
        m = signature.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), pid)
    return best[1] if best else None
