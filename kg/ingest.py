"""Files -> Article: the text as decoded, the article's own lines, headline, date, publisher.

    find_inputs(paths) -> list[Path]          files to read, sorted, folders recursively
    read_article(path, rules) -> Article      raises ArticleError for a file it cannot read

Page clutter (menus, icon rows, credits, "more stories" blocks, footers) is recognised by
the rules of kg/rules/clutter.toml, never by position. Offsets always refer to the file's
full text, so every span found later can be checked against the file.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
from pathlib import Path

from dateutil import parser as dateparser

from kg.errors import ArticleError
from kg.model import Article, Span
from kg.ruleset import Clue, ClueIndex, Ruleset, clue_of, search_start

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
# words around a dateline: "Page last updated at 17:21 GMT, Wednesday, 5 November 2008"
_DATE_PREFIX = re.compile(r"(?i)^\s*(?:page\s+)?(?:last\s+)?(?:updated|published|posted|modified)(?:\s+(?:on|at))?\s*"
                          r"(?:\d{1,2}:\d{2}\s*(?:GMT|UTC|CET|MSK|[AP]M)?)?[,\s]*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)?[,\s]*")
_TIME = r"(?:\s*,?\s*\d{1,2}:\d{2}(?:\s*(?:[AaPp]\.?[Mm]\.?|GMT|UTC|CET|MSK))?)?"
_LETTER = re.compile(r"[^\W\d_]")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
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
            found = sorted(_files_under(path, tuple(suffixes)))
            if not found:
                problems.append(f"{path}: folder holds no articles ({', '.join(sorted(suffixes))})")
            files.extend(found)
        else:
            files.append(path)
    seen, unique = set(), []
    for f in files:
        try:
            st = os.stat(f)
            key = (st.st_dev, st.st_ino)      # one file met twice (through a link, or two paths)
        except OSError:
            key = f
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


def _files_under(folder: Path, suffixes: tuple[str, ...]):
    """Files under `folder` whose names end with one of `suffixes` (any case), hidden files and
    folders (".name") left out, linked folders not followed: what Path.rglob gave, from one
    os.scandir per folder (rglob's Path objects and checks took a second per 10,000 files)."""
    stack = [str(folder)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except OSError:
            continue        # a folder we may not read is passed over, as Path.rglob does
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    stack.append(entry.path)
                elif entry.name.lower().endswith(suffixes) and entry.is_file():
                    yield Path(entry.path)


def decode_article_bytes(path: Path, data: bytes) -> str:
    """The file's text, or ArticleError saying why it is not an article."""
    if len(data) > MAX_BYTES:
        raise ArticleError(f"{path}: too large ({len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MiB)")
    if not data.strip():
        raise ArticleError(f"{path}: empty file")
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                      (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom):
            raise ArticleError(f"{path}: {name} text, not UTF-8 (convert it: iconv -f {name} -t UTF-8)")
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{path}: binary file (NUL bytes), not a text article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{path}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    # letters anywhere count: a page may open with a long run of punctuation or quotation marks
    if sum(1 for _ in zip(range(20), _LETTER.finditer(text))) < 20:
        raise ArticleError(f"{path}: no text to read (fewer than 20 letters)")
    return text


def open_input(path: Path, mode: str = "rb", **kwargs):
    """An input file opened for streaming, or ArticleError naming it."""
    try:
        return path.open(mode, **kwargs)
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror})") from None


def read_input_bytes(path: Path) -> bytes:
    """A whole input file, or ArticleError naming it; the size limit is checked before reading."""
    try:
        with open(path, "rb", buffering=0) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:  # say so without reading a file we will not use
                raise ArticleError(f"{path}: too large ({size / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MiB)")
            return fh.readall()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror})") from None


def read_article(path: Path, rules: Ruleset, article_id: str | None = None) -> Article:
    """Read one article file."""
    text = decode_article_bytes(path, read_input_bytes(path))
    return parse_article(text, article_id or path.stem, path.name, rules)


def parse_article(text: str, article_id: str, source: str, rules: Ruleset) -> Article:
    """Split a page's text into the article's own lines and read its header."""
    lines = _lines(text)
    kept: list[Span] = []
    header: set[Span] = set()     # lines before the first paragraph, clutter removed (a set:
    # a page of thousands of short lines must not cost a list search per line)
    seen_paragraph = False
    in_header, in_body = rules.cached("ingest.clutter", _clutter_rules)
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            continue
        verdict, end = _judge(line, start, end, in_body if seen_paragraph else in_header, seen_paragraph)
        if verdict == "end":
            break
        if verdict == "drop":
            continue
        if not seen_paragraph and not _is_paragraph(line):
            header.add(Span(start, end))
        else:
            seen_paragraph = True
        kept.append(Span(start, end))

    publisher = _publisher(text, rules)
    publisher_names = {n for pid, name, _ in rules.publishers
                       for n in (name, *(rules.entries[pid].aliases if pid in rules.entries else ()))}
    date = None
    candidates: list[Span] = []     # header lines that may be the headline
    title_segment: Span | None = None
    title_lines: list[str] = []
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
            # "Headline | Section | Outlet | 06.04.2008": the first item may be the headline
            segment = line.split(" | ")[0]
            start = span.start + len(segment) - len(segment.lstrip())
            title_segment = title_segment or Span(start, span.start + len(segment.rstrip()))
            title_lines.append(line)
            continue
        if found and len(_DATE_PREFIX.sub("", HEADER_DATE.sub("", line)).strip(" |,-").split()) <= 3:
            continue
        candidates.append(span)
    # the headline is the last title-like line before the text (mastheads and menus come
    # first); a page title line ("Headline | Section | DW") stands in when there is none
    headline_span = (_matching_title_segment(text, candidates, title_lines)
                     or _last_title_like(text, candidates, strict=True) or title_segment
                     or _last_title_like(text, candidates))
    headline = text[headline_span.start:headline_span.end].strip() if headline_span else None
    # the rest of the header (captions, decks) is still read; a repeated headline is not
    others = [c for c in candidates if c != headline_span
              and not (headline and text[c.start:c.end].strip().startswith(headline))
              and not (headline_span and c.start < headline_span.start and len(text[c.start:c.end].split()) <= 2)]
    body = sorted({*body, *others, *([headline_span] if headline_span else [])}, key=lambda s: s.start)
    return Article(article_id, source, text, tuple(body), headline, headline_span, date, publisher)


def _matching_title_segment(text: str, candidates: list[Span], title_lines: list[str]) -> Span | None:
    """The header line that the page's title line repeats: "BBC NEWS | Europe | <headline>"."""
    segments = {" ".join(seg.split()).casefold() for line in title_lines for seg in line.split("|")}
    for c in candidates:
        if " ".join(text[c.start:c.end].split()).casefold() in segments:
            return c
    return None


def _last_title_like(text: str, candidates: list[Span], strict: bool = False) -> Span | None:
    """The last header line of 3 to 16 words that does not read like a menu, masthead or deck."""
    titled = [c for c in candidates if 3 <= len(text[c.start:c.end].split()) <= 16
              and not re.search(r"[/>|]", text[c.start:c.end])]
    if titled:
        return titled[-1]
    if strict:
        return None
    return candidates[-1] if candidates else None


def _is_paragraph(line: str) -> bool:
    """Prose: enough words and a sentence ending; title lines with ' | ' are not."""
    if " | " in line or len(line.split()) < PARAGRAPH_MIN_WORDS:
        return False
    return re.search(r"[.!?][\"”’)]?\s*$|[.!?][\"”’]?\s+[A-Z\"“]", line) is not None


def _lines(text: str) -> list[tuple[int, int]]:
    if "\r" not in text:  # the common case: one str.split instead of a match per line
        spans, pos = [], 0
        for line in text.split("\n"):
            spans.append((pos, pos + len(line)))
            pos += len(line) + 1
        return spans
    spans, pos = [], 0
    for m in _LINE_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def _clutter_rules(rules: Ruleset) -> tuple[tuple, tuple]:
    """(pattern, action, min_count) of the clutter rules, in file order, and the index of their
    clues: of those that can act on a line before the first paragraph ("end" cannot), and of
    those after it ("drop-head" cannot). Each rule's options are read once, not once per
    line (a page may have 100,000)."""
    clutter = [(rule.pattern, rule.clue, rule.option("action"), rule.option("min_count", 1))
               for rule in rules.clutter]

    def phase(chosen: list) -> tuple[list, ClueIndex]:
        return ([(pattern, action, min_count) for pattern, _, action, min_count in chosen],
                ClueIndex({n: clue for n, (_, clue, _, _) in enumerate(chosen)}))
    return (phase([c for c in clutter if c[2] != "end"]),
            phase([c for c in clutter if c[2] != "drop-head"]))


def _judge(line: str, start: int, end: int, clutter: tuple[list[tuple[re.Pattern, str, int]], ClueIndex],
           seen_paragraph: bool) -> tuple[str, int]:
    """'keep', 'drop' or 'end' for one line, and the line's end after stripping tails.

    `clutter`: (pattern, action, min_count) of the rules of clutter.toml that can act on the
    line, in file order, and the index of their clues (see _clutter_rules)."""
    text = line[: end - start]
    patterns, clues = clutter
    # the clues of all rules, looked for once; a tail stripped below only removes words, so
    # a rule this rules out stays ruled out
    may_match = clues.may_match(text)
    for n, (pattern, action, min_count) in enumerate(patterns):
        if n not in may_match:
            continue  # the line lacks every word the pattern needs
        if action == "strip-tail":
            m = pattern.search(text)
            if m and m.start() > 0:
                end = start + len(text[: m.start()].rstrip())
                text = line[: end - start]
            continue
        if min_count > 1:
            hit = sum(1 for _ in zip(range(min_count), pattern.finditer(text))) >= min_count
        else:
            hit = pattern.search(text) is not None
        if not hit:
            continue
        if action == "drop" or (action == "drop-head" and not seen_paragraph):
            return "drop", end
        if action == "end" and seen_paragraph:
            return "end", end
    return "keep", end


def _signatures(rules: Ruleset) -> list[tuple[str, re.Pattern, Clue | None]]:
    return [(pid, signature, clue_of(signature)) for pid, _name, signature in rules.publishers]


def _header_date(line: str) -> dt.date | None:
    """The date a header line states, if the line is (mostly) a date."""
    m = HEADER_DATE.search(line)
    if not m:
        return None
    rest = _DATE_PREFIX.sub("", (line[: m.start()] + line[m.end():]).strip()).strip()
    # what may stand beside a dateline: a site's name, a weekday, a time, a time zone
    rest = re.sub(r"\b[\w-]+\.(?:com|co\.uk|org|net|de|ru)\b,?|\b\d{1,2}[.:]\d{2}\b|\b(?:[AP]M|GMT|BST|CET|CEST|EDT|EST|UTC|MSK)\b|"
                  r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b|[,|]", " ", rest)
    if " | " not in line and len(re.sub(rf"^{_WEEKDAY}|{_TIME}$", "", rest).split()) > 3:
        return None  # a sentence that happens to hold a date is not a dateline
    raw = m.group(0)
    try:
        if m.group("dotted"):
            day, month, year = (int(x) for x in raw.split("."))
            return dt.date(year, month, day)
        return _parsed_date(raw)
    except (ValueError, OverflowError):
        return None


@functools.lru_cache(maxsize=4096)
def _parsed_date(raw: str) -> dt.date:
    """dateutil's reading of a dateline ("March 18, 2008"): slow, and pages of one outlet
    and one day repeat it, so each is read once."""
    return dateparser.parse(raw.replace(",", " "), default=dt.datetime(1900, 1, 1)).date()


def _publisher(text: str, rules: Ruleset) -> str | None:
    best = None
    for pid, signature, clue in rules.cached("ingest.publishers", _signatures):
        start = search_start(signature, clue, text)
        if start < 0:
            continue  # the page lacks a word the signature needs: no need to search it
        m = signature.search(text, start)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), pid)
    return best[1] if best else None
