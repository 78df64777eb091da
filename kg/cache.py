"""Per-article caches under DIR/cache/: an unchanged file is not read, and an unchanged
article not extracted, again.

    ExtractionCache(out, rules_digest)       the cache of one build folder and one ruleset
        .get(article) -> Extraction | None   the extraction an earlier build stored, or None
        .put(extraction)                      store one extraction (atomically)
        .prune()                              drop what older rules or older code stored
    ArticleCache(out, rules_digest)          the Article read from a one-article file
        .get(key) / .put(key, article)        key: file_key(data, article_id, name, format)
    SketchCache(out)                         kg.dedup's MinHash of each article's own text
    article_key(article) -> str               sha256 of everything the article holds

An entry is found only when the article (id, source file, text, headline, date, publisher,
url, the lines ingest kept), the rule and gazetteer files (Ruleset.digest) and the extraction
code are all the same as when it was stored, so a cached build writes the same bytes as a
fresh one. The layout is DIR/cache/extract-<scope>/<2 hex>/<key>.pickle, where scope hashes
the rules and the code: changing a rule file starts an empty scope, and prune() deletes the
old one.

Entries are pickles of plain tuples (the fields of kg/model.py's records), written by this
program into the user's own output folder; do not point a build at an output folder you do
not trust.
"""
from __future__ import annotations

import ast
import datetime as dt
import functools
import hashlib
import io
import os
import pickle
import shutil
from pathlib import Path

from kg.files import write_replacing
from kg.model import Article, EntityRecord, Evidence, Extraction, Fact, Mention, PositionClaim, QuoteRecord, Span


def article_key(article: Article) -> str:
    """sha256 of every field of the article (of value_bytes(article_parts(article)))."""
    return hashlib.sha256(value_bytes(article_parts(article))).hexdigest()


def value_bytes(value) -> memoryview:
    """Plain data (tuples, lists, strings, numbers) as bytes that depend on its values alone,
    for hashing: a pickle without its memo ("fast"), which would otherwise write an equal
    string once or twice depending on whether it happens to be one object. Several times
    quicker than repr()."""
    data = io.BytesIO()
    pickler = pickle.Pickler(data, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return data.getbuffer()


@functools.cache
def code_digest(roots: tuple[str, ...] = ("kg.extract", "kg.model", "kg.ruleset", "kg.cache")) -> str:
    """sha256 of the source of the modules `roots` (by default: extraction's) and of every
    kg module they import, transitively.

    Extraction reaches beyond kg/extract/ (kg/offices.py, kg/text.py, kg/model.py, ...), so
    the modules are found by reading the import statements, not listed by hand; editing one
    of them starts a fresh cache, while editing the serializer or the CLI does not.
    """
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in _sources(root, roots):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _sources(root: Path, roots: tuple[str, ...]) -> list[Path]:
    def module_file(name: str) -> Path | None:
        base = root.joinpath(*name.split("."))
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                return candidate
        return None

    seen: dict[str, Path] = {}
    queue = list(roots)
    while queue:
        name = queue.pop()
        path = module_file(name)
        if path is None or name in seen:
            continue
        seen[name] = path
        if path.name == "__init__.py" and name != "kg":
            queue += [f"{name}.{p.stem}" for p in path.parent.glob("*.py") if p.stem != "__init__"]
        queue += _imported_names(path)
    return sorted(p for n, p in seen.items() if n.startswith("kg.") or n == "kg")


@functools.cache
def _imported_names(path: Path) -> list[str]:
    """Every module (and module.name) `path` imports, anywhere in it; a build digests the code
    of three stages (reading, extraction, writing) that share most modules."""
    names = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return names


def extraction_parts(x: Extraction) -> tuple:
    """An extraction without its article, in plain tuples: what workers send back and the
    cache stores. Pickle reads and writes tuples of strings and numbers about ten times
    faster than dataclasses, and a build's main process unpickles every result."""
    return (
        tuple((r.ref, r.kind, r.label, r.names, r.subtype, r.props) for r in x.entities),
        tuple((m.ref, m.start, m.end, m.text, m.rule) for m in x.mentions),
        tuple((f.subject, f.predicate, f.object, _evidence_part(f.evidence), f.datatype) for f in x.facts),
        tuple((c.person, c.title, c.of, _evidence_part(c.evidence), c.group) for c in x.positions),
        tuple((q.speaker, q.text, q.start, q.end, _evidence_part(q.evidence)) for q in x.quotes),
        x.warnings,
    )


def _evidence_part(ev: Evidence) -> tuple:
    return (ev.article, ev.start, ev.end, ev.sentence, ev.rule)


def from_parts(article: Article, parts: tuple) -> Extraction:
    entities, mentions, facts, positions, quotes, warnings = parts
    return Extraction(
        article,
        tuple(EntityRecord(*r) for r in entities),
        tuple(Mention(*m) for m in mentions),
        tuple(Fact(s, p, o, Evidence(*ev), dt) for s, p, o, ev, dt in facts),
        tuple(PositionClaim(person, title, of, Evidence(*ev), group) for person, title, of, ev, group in positions),
        tuple(QuoteRecord(sp, text, start, end, Evidence(*ev)) for sp, text, start, end, ev in quotes),
        warnings,
    )


class _EntryCache:
    """Pickled entries, one file each, under DIR/cache/<kind>-<scope>/<2 hex>/<key>.pickle."""

    kind = ""

    def __init__(self, out: str | Path, scope: str) -> None:
        self.root = Path(out) / "cache"
        self.folder = self.root / f"{self.kind}-{hashlib.sha256(scope.encode()).hexdigest()[:20]}"
        self._folder = str(self.folder)
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def _get(self, key: str, decode):
        # plain strings and an unbuffered read: pathlib's objects cost more than the read itself
        # when a rebuild looks up tens of thousands of entries
        path = os.path.join(self._folder, key[:2], f"{key}.pickle")
        try:
            with open(path, "rb", buffering=0) as fh:
                data = fh.readall()
        except OSError:
            self.misses += 1
            return None
        try:
            value = decode(pickle.loads(data))
        except Exception:  # a torn or foreign file is a miss, never an error: it is only a cache
            Path(path).unlink(missing_ok=True)
            self.misses += 1
            return None
        self.hits += 1
        return value

    def _put(self, key: str, value) -> None:
        """Store one entry; one that cannot be written (a full disk, a read-only folder) is
        skipped: the build does not need it, only the next one would."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_replacing(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass

    def prune(self) -> None:
        """Delete the entries of other rules or other code: they can never be hit again."""
        try:
            children = list(self.root.iterdir())
        except OSError:
            return
        for child in children:
            if child.is_dir() and child.name.startswith(f"{self.kind}-") and child != self.folder:
                shutil.rmtree(child, ignore_errors=True)


class ExtractionCache(_EntryCache):
    """The extraction cache of one output folder for one ruleset and one version of the code."""

    kind = "extract"

    def __init__(self, out: str | Path, rules_digest: str) -> None:
        super().__init__(out, f"{rules_digest}\n{code_digest()}")

    def get(self, article: Article) -> Extraction | None:
        return self._get(article_key(article), lambda parts: from_parts(article, parts))

    def put(self, extraction: Extraction) -> None:
        self._put(article_key(extraction.article), extraction_parts(extraction))


def file_key(data: bytes, article_id: str, name: str, fmt: str) -> str:
    """sha256 of what reading a one-article file depends on besides the rules: its bytes, the
    article id it was given, its name and the format it is read as."""
    h = hashlib.sha256(data)
    h.update(f"\x00{article_id}\x00{name}\x00{fmt}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class ArticleCache(_EntryCache):
    """Articles read from one-article files (plain text, HTML) by earlier builds: reading a page
    (trafilatura for HTML, the clutter rules for every line) costs more than looking it up.
    Scoped by the rules (clutter, publishers, dates), the reading code and trafilatura's version."""

    kind = "ingest"

    def __init__(self, out: str | Path, rules_digest: str) -> None:
        from importlib.metadata import PackageNotFoundError, version
        try:
            reader = version("trafilatura")
        except PackageNotFoundError:
            reader = "none"
        super().__init__(out, f"{rules_digest}\n{code_digest(('kg.formats', 'kg.ingest'))}\n{reader}")

    def get(self, key: str) -> Article | None:
        return self._get(key, article_from_parts)

    def put(self, key: str, article: Article) -> None:
        self._put(key, article_parts(article))


def article_parts(a: Article) -> tuple:
    """An article in plain tuples (see extraction_parts: unpickling dataclasses is slow)."""
    return (a.id, a.source, a.text, tuple((b.start, b.end) for b in a.blocks), a.headline,
            (a.headline_span.start, a.headline_span.end) if a.headline_span else None,
            a.date.toordinal() if a.date else None, a.publisher, a.url, a.record, a.authors,
            a.duplicate_of, a.publisher_name)


def article_from_parts(parts: tuple) -> Article:
    (aid, source, text, blocks, headline, headline_span, day, publisher, url, record, authors,
     duplicate_of, publisher_name) = parts
    return Article(aid, source, text, tuple(Span(s, e) for s, e in blocks), headline,
                   Span(*headline_span) if headline_span else None,
                   dt.date.fromordinal(day) if day else None, publisher, url, record, authors,
                   duplicate_of, publisher_name)


class SketchCache:
    """kg.dedup's MinHash sketches by the digest of the text they sketch, in one file,
    DIR/cache/sketches.bin: a header line naming the sketching code and the number of values,
    then records of the 20-byte digest and the sketch's uint32 values. save() rewrites it with
    the sketches this build used, so it never outgrows the corpus."""

    def __init__(self, out: str | Path, values: int) -> None:
        self.path = Path(out) / "cache" / "sketches.bin"
        self.values = values
        self._header = f"newskg sketches {code_digest(('kg.dedup',))} {values}\n".encode()
        self._old: dict[bytes, bytes] = {}
        self._used: dict[bytes, bytes] = {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return
        size = 20 + 4 * values
        if data.startswith(self._header) and (len(data) - len(self._header)) % size == 0:
            # else other sketching code, or torn: start afresh
            self._old = {data[i:i + 20]: data[i + 20:i + size] for i in range(len(self._header), len(data), size)}

    def get(self, digest: bytes) -> bytes | None:
        found = self._old.get(digest)
        if found is not None:
            self._used[digest] = found
        return found

    def put(self, digest: bytes, sketch: bytes) -> None:
        self._used[digest] = sketch

    def save(self) -> None:
        """Write the sketches used; a cache that cannot be written is left as it was."""
        if self._used.keys() == self._old.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_replacing(self.path, self._header + b"".join(k + v for k, v in sorted(self._used.items())))
        except OSError:
            pass
