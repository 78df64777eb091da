"""Input formats -> Articles. One file may hold one article (.txt, .html) or many (.warc, .jsonl, .csv).

    iter_articles(path, rules, article_id, fields=None, log=None) -> Iterator[Article]
    base_id(path) -> str                 the article id of a one-article file, the prefix of the others
    ReadLog                              what reading skipped: problems (one line each) and counts
    ACCEPTED_SUFFIXES                    the suffixes a folder is searched for

Plain text goes through kg.ingest exactly as before. Every other format is turned into a text
of our own making: the headline, a blank line, then the main text's paragraphs separated by
blank lines. That text is `Article.text`, evidence offsets count into it, and the build writes
it to DIR/text/ so that `text[start:end] == sentence` can be checked whatever the input was.

- HTML (.html, .htm): trafilatura finds the main text (navigation, related-story boxes and
  footers never reach the rules) and the page's metadata: title, date (htmldate: meta tags,
  JSON-LD, <time>, URL), site name, canonical URL, authors. When trafilatura finds no main
  text, its own fallback (a readability port and jusText, `trafilatura.baseline`) is tried.
- WARC (.warc, .warc.gz): each HTML response record is one article, read as a stream with
  warcio; WARC-Target-URI and WARC-Date stand in for a missing canonical URL and date.
  Other records (requests, warcinfo, images), redirects and error responses are counted.
- JSONL (.jsonl) and CSV (.csv): one article per line or row; fields are found by common
  names or named with `fields` ({"text": "body", "date": "pubDate", ...}).

A bad record inside a file (a line that is not JSON, a CSV row of the wrong width, a damaged
WARC record) is one line in `ReadLog.problems`, naming file and record, and is skipped; the
file's other records are still read. A file that yields nothing raises ArticleError.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from dateutil import parser as dateparser

from kg.errors import ArticleError
from kg.cache import file_key
from kg.ingest import MAX_BYTES, decode_article_bytes, open_input, parse_article, read_input_bytes
from kg.model import Article, Span
from kg.ruleset import Ruleset
from kg.text import name_key

PLAIN_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
WARC_SUFFIXES = {".warc", ".warc.gz"}
JSONL_SUFFIXES = {".jsonl"}
CSV_SUFFIXES = {".csv"}
ACCEPTED_SUFFIXES = PLAIN_SUFFIXES | HTML_SUFFIXES | WARC_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES

# Field names that corpora commonly use, tried in this order, case-insensitively. NewsAPI
# writes publishedAt and a {"id", "name"} source; Common Crawl news dumps write maintext.
FIELD_NAMES = {
    "text": ("text", "content", "body", "maintext", "article", "full_text", "story"),
    "headline": ("title", "headline"),
    "date": ("date", "published", "publishedAt", "published_at", "datePublished", "date_publish",
             "pubDate", "pub_date"),
    "url": ("url", "link", "canonical_url"),
    "source": ("source", "publisher", "outlet", "site_name", "sitename", "source_name"),
    "author": ("author", "authors", "byline"),
}
# Bylines that name a desk or an agency, not a person: "DW staff (jam)", "AFP", "Reuters/dpa".
NOT_A_PERSON = re.compile(r"(?i:\b(?:staff|agenc(?:y|ies)|desk|editors?|newsroom|wires?)\b)|[/()@\d]|^[A-Z]{2,5}$")
# htmldate: only what the page states (meta tags, JSON-LD, <time>, URL), never a date
# guessed from anywhere in the text; the first publication, not the last update.
DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass
class ReadLog:
    """What reading the inputs skipped or set aside, for the build's report.

    problems: one line per skipped record, "FILE: RECORD: reason" (warnings of the build).
    counts: records skipped as expected, by kind ("warc: redirect", "warc: not HTML", ...).
    texts: article id -> text, for every article not read from plain text (DIR/text/).
    """

    problems: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    texts: dict[str, str] = field(default_factory=dict)
    duplicates: object | None = None   # kg.dedup.Duplicates, once the build has looked


def base_id(path: Path) -> str:
    """The file's name without its format suffix: 'crawl.warc.gz' -> 'crawl', 'a.txt' -> 'a'."""
    name = path.name
    for suffix in sorted(ACCEPTED_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return path.stem


def format_of(path: Path) -> str:
    """'text', 'html', 'warc', 'jsonl' or 'csv'; anything else is read as plain text."""
    name = path.name.lower()
    for fmt, suffixes in (("warc", WARC_SUFFIXES), ("html", HTML_SUFFIXES),
                          ("jsonl", JSONL_SUFFIXES), ("csv", CSV_SUFFIXES)):
        if any(name.endswith(s) for s in suffixes):
            return fmt
    return "text"


def iter_articles(path: Path, rules: Ruleset, article_id: str, fields: dict[str, str] | None = None,
                  log: ReadLog | None = None, cache=None) -> Iterator[Article]:
    """The articles of one input file, in file order.

    Parameters
    ----------
    path : the input file.
    article_id : the id of a one-article file; a many-article file's ids are
        "{article_id}-{n}", n being the record (WARC), line (JSONL) or row (CSV) number.
    fields : for JSONL/CSV, the field names of "text", "headline", "date", "url", "source".
    log : receives skipped records and, for non-plain inputs, each article's text.
    cache : a kg.cache.ArticleCache; a one-article file (text, HTML) read by an earlier build
        with the same bytes, id and rules is taken from it.

    Raises ArticleError when the file cannot be read or yields no article.

    Example
    -------
    >>> import pathlib, tempfile
    >>> from kg.ruleset import load_ruleset
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     corpus = pathlib.Path(tmp) / "c.jsonl"
    ...     _ = corpus.write_text('{"title": "Talks", "text": "Rice met Lavrov in Moscow on Monday."}\\n')
    ...     print([(a.id, a.headline, a.record) for a in iter_articles(corpus, load_ruleset(None), "c")])
    [('c-1', 'Talks', 'line 1')]
    """
    fmt = format_of(path)
    log = log if log is not None else ReadLog()
    if fmt in ("text", "html"):
        data = read_input_bytes(path)
        key = file_key(data, article_id, path.name, fmt) if cache is not None else ""
        article = cache.get(key) if cache is not None else None
        if article is None:
            article = (parse_article(decode_article_bytes(path, data), article_id, path.name, rules)
                       if fmt == "text" else _html_article(path, data, rules, article_id))
            if cache is not None:
                cache.put(key, article)
        if fmt == "html":
            log.texts[article.id] = article.text
        yield article
        return
    readers = {"warc": _warc_records, "jsonl": _jsonl_lines, "csv": _csv_rows}
    problems_before = len(log.problems)
    found = 0
    for article in readers[fmt](path, rules, article_id, fields or {}, log):
        found += 1
        log.texts[article.id] = article.text
        yield article
    if not found:
        # the file as a whole is skipped: one line for it, not one per record
        problems = [p.removeprefix(f"{path}: ") for p in log.problems[problems_before:]]
        del log.problems[problems_before:]
        if len(problems) == 1:
            raise ArticleError(f"{path}: {problems[0]}")
        if problems:
            raise ArticleError(f"{path}: no article read ({len(problems)} records skipped; first: {problems[0]})")
        raise ArticleError(f"{path}: no article in it" + (" (no HTML response record)" if fmt == "warc" else ""))


# --- HTML -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageMeta:
    """What a page or a corpus row says about the article, beside its text."""

    headline: str | None = None
    date: dt.date | None = None
    url: str | None = None
    site: str | None = None
    authors: tuple[str, ...] = ()


def _html_article(path: Path, data: bytes, rules: Ruleset, article_id: str) -> Article:
    if not data.strip():
        raise ArticleError(f"{path}: empty file")
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{path}: binary file (NUL bytes), not an HTML page")
    body, meta = extract_html(data)
    if body is None:
        raise ArticleError(f"{path}: no article text found in the HTML")
    return _article(body, meta, article_id, path.name, None, rules)


def extract_html(data: bytes | str, url: str | None = None) -> tuple[str | None, PageMeta]:
    """The main text of an HTML page (paragraphs one per line) and its metadata.

    >>> body, meta = extract_html('<html><head><meta property="og:site_name" content="Baltic Wire">'
    ...     '</head><body><nav>Home | World</nav><article><h1>Talks</h1><p>' + 'Rice met Lavrov. ' * 9
    ...     + '</p></article></body></html>', url="https://example.org/2008/03/18/talks")
    >>> meta.site, meta.date, body.startswith("Talks")
    ('Baltic Wire', datetime.date(2008, 3, 18), True)
    """
    import trafilatura  # slow to import: only builds that read HTML pay for it

    doc = None
    try:
        # favor_recall: a news page's lede often sits in a styled teaser box that the
        # default setting takes for boilerplate; the clutter rules still see every line
        doc = trafilatura.bare_extraction(data, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False, include_images=False, favor_recall=True,
                                          date_extraction_params=dict(DATE_PARAMS))
    except Exception:  # noqa: BLE001 - lxml and trafilatura raise many kinds on broken markup
        doc = None
    text = (doc.text if doc is not None else None) or ""
    if len(re.findall(r"[^\W\d_]", text)) < 20:
        try:
            _tree, text, _length = trafilatura.baseline(data)
        except Exception:  # noqa: BLE001
            text = ""
    if len(re.findall(r"[^\W\d_]", text or "")) < 20:
        return None, PageMeta()
    meta = PageMeta()
    if doc is not None:
        authors = tuple(a.strip() for a in re.split(r";|\band\b", doc.author or "") if a.strip())
        meta = PageMeta(_clean(doc.title), _parse_date(doc.date), _clean_url(doc.url),
                        _clean(doc.sitename), authors)
    return text, meta


# --- WARC -------------------------------------------------------------------------------


def _warc_records(path: Path, rules: Ruleset, article_id: str, fields, log: ReadLog) -> Iterator[Article]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    stream = open_input(path)
    with stream:
        records = ArchiveIterator(stream)
        n, last_reported = 0, False
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as exc:
                log.problems.append(f"{path}: record {n + 1}: damaged or truncated archive, "
                                    f"the rest of the file is not read ({_one_line(exc)})")
                return
            n += 1
            where = f"record {n}"
            problems_before = len(log.problems)
            try:
                article = _warc_article(record, n, path, rules, article_id, log)
            except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as exc:
                log.problems.append(f"{path}: {where}: damaged or truncated ({_one_line(exc)})")
                last_reported = True
                continue
            last_reported = len(log.problems) > problems_before
            if article is not None:
                yield article
    # warcio ends quietly where a .warc.gz was cut inside a record's headers: check the
    # gzip stream itself, so that a truncated download is never taken for a whole one
    if path.name.lower().endswith(".gz") and not last_reported and not _gzip_complete(path):
        log.problems.append(f"{path}: record {n + 1}: the archive is truncated or damaged after "
                            f"record {n}; the records before it were read")


def _warc_article(record, n: int, path: Path, rules: Ruleset, article_id: str, log: ReadLog) -> Article | None:
    """The article of one WARC record, or None (counted in `log`) when it holds none."""
    where = f"record {n}"
    if record.rec_type not in ("response", "resource"):
        log.counts[f"warc: {record.rec_type} record"] += 1
        return None
    headers = record.http_headers
    if record.rec_type == "response":
        if headers is None:
            log.counts["warc: response without HTTP headers"] += 1
            return None
        status = headers.get_statuscode() or ""
        if status.startswith("3"):
            log.counts["warc: redirect"] += 1
            return None
        if not status.startswith("2"):
            log.counts["warc: error response"] += 1
            return None
        content_type = headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if "html" not in content_type.lower():
        log.counts["warc: not HTML"] += 1
        return None
    data = record.content_stream().read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        log.problems.append(f"{path}: {where}: page too large (over {MAX_BYTES // 2**20} MiB)")
        return None
    missing = getattr(record.raw_stream, "limit", 0)  # bytes of Content-Length never read
    if missing:
        log.problems.append(f"{path}: {where}: record cut short ({missing} bytes of its content missing)")
        return None
    target = record.rec_headers.get_header("WARC-Target-URI")
    body, meta = extract_html(data, url=target)
    if body is None:
        log.problems.append(f"{path}: {where}: no article text found in the HTML ({target or 'no URI'})")
        return None
    warc_date = _parse_date(record.rec_headers.get_header("WARC-Date"))
    meta = PageMeta(meta.headline, meta.date or warc_date, meta.url or _clean_url(target), meta.site, meta.authors)
    return _article(body, meta, f"{article_id}-{n}", path.name, where, rules)


def _gzip_complete(path: Path) -> bool:
    """Whether every gzip member of the file ends properly (streamed, nothing kept)."""
    try:
        with path.open("rb") as stream:
            member, fed = zlib.decompressobj(16 + zlib.MAX_WBITS), False
            while chunk := stream.read(1 << 20):
                while chunk:
                    member.decompress(chunk, 1 << 22)   # bounded: a small file may inflate hugely
                    fed = True
                    if member.eof:
                        chunk = member.unused_data
                        member, fed = zlib.decompressobj(16 + zlib.MAX_WBITS), False
                    else:
                        chunk = member.unconsumed_tail
            return not fed or member.eof
    except (OSError, zlib.error):
        return False


# --- JSONL and CSV ----------------------------------------------------------------------


def _jsonl_lines(path: Path, rules: Ruleset, article_id: str, fields, log: ReadLog) -> Iterator[Article]:
    stream = open_input(path)
    with stream:
        for n, raw in enumerate(stream, start=1):
            where = f"line {n}"
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8-sig" if n == 1 else "utf-8"))
            except UnicodeDecodeError as exc:
                log.problems.append(f"{path}: {where}: not UTF-8 (byte 0x{raw[exc.start]:02x})")
                continue
            except json.JSONDecodeError as exc:
                log.problems.append(f"{path}: {where}: not JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})")
                continue
            if not isinstance(row, dict):
                log.problems.append(f"{path}: {where}: not a JSON object")
                continue
            article = _row_article(row, fields, f"{article_id}-{n}", path, where, rules, log)
            if article is not None:
                yield article


def _csv_rows(path: Path, rules: Ruleset, article_id: str, fields, log: ReadLog) -> Iterator[Article]:
    csv.field_size_limit(MAX_BYTES)  # article texts outgrow csv's 128 KiB default
    stream = open_input(path, "r", encoding="utf-8-sig", newline="")
    with stream:
        try:
            first = stream.readline()
        except UnicodeDecodeError as exc:
            raise ArticleError(f"{path}: line 1: not UTF-8 ({exc.reason})") from None
        stream.seek(0)
        # comma unless the header line says otherwise ("title;text;date" from European tools)
        delimiter = max(",;\t|", key=lambda d: (first.count(d), d == ","))
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ArticleError(f"{path}: line 1: cannot read the header ({_one_line(exc)})") from None
        if not header:
            raise ArticleError(f"{path}: empty file")
        header = [h.strip() for h in header]
        n, line = 0, reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                log.problems.append(f"{path}: row {n + 1} (line {line}): not UTF-8 ({exc.reason}); "
                                    "the rest of the file is not read")
                return
            except csv.Error as exc:
                n += 1
                log.problems.append(f"{path}: row {n} (line {line}): {_one_line(exc)}")
                line = reader.line_num + 1
                continue
            n += 1
            where = f"row {n}"
            start_line, line = line, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                log.problems.append(f"{path}: {where} (line {start_line}): {len(values)} fields, "
                                    f"the header has {len(header)}")
                continue
            article = _row_article(dict(zip(header, values)), fields, f"{article_id}-{n}", path,
                                   f"{where} (line {start_line})", rules, log, record=where)
            if article is not None:
                yield article


def _row_article(row: dict, fields: dict[str, str], article_id: str, path: Path, where: str,
                 rules: Ruleset, log: ReadLog, record: str | None = None) -> Article | None:
    """One corpus row as an article; a row without text is a problem, and None."""
    text_key = _field(row, "text", fields)
    body = _as_text(row.get(text_key)) if text_key else None
    if not body or len(re.findall(r"[^\W\d_]", body)) < 20:
        wanted = fields.get("text") or ", ".join(FIELD_NAMES["text"])
        log.problems.append(f"{path}: {where}: no article text (field {text_key or wanted})")
        return None
    value = {k: row.get(_field(row, k, fields)) for k in ("headline", "date", "url", "source", "author")}
    source = value["source"]
    if isinstance(source, dict):  # NewsAPI: {"id": "bbc-news", "name": "BBC News"}
        source = source.get("name") or source.get("id")
    authors = value["author"]
    if isinstance(authors, str):
        authors = re.split(r";|,|\band\b", authors)
    date = value["date"] if isinstance(value["date"], (int, float)) else _as_text(value["date"])
    meta = PageMeta(_clean(_as_text(value["headline"])), _parse_date(date),
                    _clean_url(_as_text(value["url"])), _clean(_as_text(source)),
                    tuple(a.strip() for a in (authors or ()) if isinstance(a, str) and a.strip()))
    return _article(body, meta, article_id, path.name, record or where, rules)


def _field(row: dict, kind: str, fields: dict[str, str]) -> str | None:
    """The row's key holding `kind`: the one named in `fields`, else the first common name."""
    by_fold = {str(k).casefold(): k for k in row}
    wanted = (fields[kind],) if fields.get(kind) else FIELD_NAMES[kind]
    for name in wanted:
        if name in row:
            return name
        if name.casefold() in by_fold:
            return by_fold[name.casefold()]
    return None


# --- the article text of non-plain inputs ----------------------------------------------


def compose_text(headline: str | None, body: str) -> tuple[str, Span | None]:
    """Headline, blank line, then the body's paragraphs separated by blank lines.

    Newlines become "\\n", so the text written to DIR/text/ reads back the same everywhere.

    >>> compose_text("Talks", "Talks\\nRice met Lavrov.\\r\\n\\nThey spoke.")
    ('Talks\\n\\nRice met Lavrov.\\n\\nThey spoke.', Span(start=0, end=5))
    """
    paragraphs = [" ".join(p.split()) for p in re.split(r"\r\n|\r|\n", body)]
    paragraphs = [p for p in paragraphs if p]
    headline = " ".join(headline.split()) if headline else None
    if headline and paragraphs and paragraphs[0].casefold() == headline.casefold():
        headline = paragraphs.pop(0)  # the page printed its title above the text
    if not headline:
        return "\n\n".join(paragraphs), None
    return "\n\n".join([headline, *paragraphs]), Span(0, len(headline))


def _article(body: str, meta: PageMeta, article_id: str, source: str, record: str | None,
             rules: Ruleset) -> Article:
    """An Article over the composed text: the clutter rules choose the lines, the metadata
    (when given) names headline, date and publisher; the text's own header fills the gaps."""
    text, headline_span = compose_text(meta.headline, body)
    parsed = parse_article(text, article_id, source, rules)
    blocks = set(parsed.blocks)
    headline, date = parsed.headline, meta.date or parsed.date
    if headline_span is not None:
        headline = text[headline_span.start:headline_span.end]
        blocks.add(headline_span)
    else:
        headline_span = parsed.headline_span
    # the page's own site name names the outlet; a signature in the text ("(Reuters) -")
    # names the agency a syndicated story came from, so it only stands in when there is none
    publisher = _publisher_id(meta.site, rules) if meta.site else parsed.publisher
    site = meta.site if publisher is None else None
    authors = tuple(a for a in dict.fromkeys(meta.authors)
                    if _publisher_id(a, rules) is None and not NOT_A_PERSON.search(a))
    return Article(article_id, source, text, tuple(sorted(blocks, key=lambda s: (s.start, s.end))),
                   headline, headline_span, date, publisher, meta.url,
                   record=record, authors=authors, publisher_name=site)


def _publisher_id(name: str | None, rules: Ruleset) -> str | None:
    """Gazetteer id of the outlet a site name names ('DW' -> 'org/deutsche-welle')."""
    if not name:
        return None
    # "DW.COM", "www.rt.com": a host name as site name
    keys = {name_key(name), name_key(re.sub(r"^www\.|\.[a-z]{2,3}(?:\.[a-z]{2})?$", "", name.strip(), flags=re.I))}
    for pid, _name, _signature in rules.publishers:
        entry = rules.entries.get(pid)
        forms = (entry.label, *entry.aliases) if entry else (_name,)
        if keys & {name_key(f) for f in forms}:
            return pid
    return None


def _parse_date(value) -> dt.date | None:
    """A date from ISO or common forms, or a Unix time; else None.

    >>> [_parse_date(v) for v in ("2008-07-08T10:00:00Z", "July 8, 2008", "08.07.2008", 1215511200, "soon")]
    [datetime.date(2008, 7, 8), datetime.date(2008, 7, 8), datetime.date(2008, 7, 8), datetime.date(2008, 7, 8), None]
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value   # JavaScript writes milliseconds
        try:
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        # "08.07.2008" is day first, as European outlets write it; "07/08/2008" month first
        dayfirst = re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", value) is not None
        return dateparser.parse(value, dayfirst=dayfirst, default=dt.datetime(1900, 1, 1)).date()
    except (ValueError, OverflowError, TypeError):
        return None


def _clean_url(value: str | None) -> str | None:
    """An http(s) URL fit to be an IRI (spaces and other unsafe characters escaped); else None."""
    if not value:
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    safe = "/:@!$&'()*+,;=-._~%"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), quote(parts.path, safe=safe),
                       quote(parts.query, safe=safe + "?"), quote(parts.fragment, safe=safe + "?")))


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else None
    return value or None


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "\n".join(str(v) for v in value if v is not None)
    return str(value)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
