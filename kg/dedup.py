"""Articles -> the same articles with each story built once: exact copies dropped, near copies linked.

    find_duplicates(articles) -> (articles, Duplicates)

- The same article met twice (the same URL, or the same text after normalising whitespace)
  is kept once, where it was first met; the later copies are dropped and listed.
- The same story printed again with small edits (a wire story syndicated by several outlets)
  is a near-duplicate: its word 5-shingles are MinHashed and looked up in an LSH index of the
  stories met so far; an article whose estimated Jaccard similarity to an earlier story
  reaches NEAR_THRESHOLD gets `duplicate_of` = that story's id. It is still
  extracted, so every outlet stays a source of what it printed (its own evidence, offsets
  and publisher), while the facts, being the same triples, are in the graph once and a
  query can leave out articles with nkg:duplicateOf to count each story once.

Input order decides which copy is the original, so the same input gives the same result.

The sketches and the index are those of datasketch (MinHash with seed 1, MinHashLSH), computed
here with numpy: the same hash functions, values and bands, hence the same links, without
the half second that importing datasketch (and with it scipy) adds to every build.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kg.model import Article

NEAR_THRESHOLD = 0.5      # syndicated copies with small edits score 0.6-0.95; other stories near 0
NUM_PERM = 128
SHINGLE_WORDS = 5
MIN_WORDS = 30            # shorter texts share too few shingles to be judged
SEED = 1                  # fixed, so that the same input gives the same links
# The LSH index cuts a sketch into 25 bands of 5 values: the cut datasketch's
# MinHashLSH(threshold=NEAR_THRESHOLD, num_perm=NUM_PERM) chooses, as the least weighted sum
# of false positives and false negatives. Choose again if either constant changes.
LSH_BANDS, LSH_ROWS = 25, 5
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|ocid|cmpid|ref|source)$", re.IGNORECASE)


@dataclass
class Duplicates:
    """What find_duplicates found.

    exact: (dropped id, its file, its record, kept id, "url" or "text") per dropped copy.
    near: (article id, id of the story it repeats, estimated Jaccard similarity).
    """

    exact: list[tuple[str, str, str | None, str, str]] = field(default_factory=list)
    near: list[tuple[str, str, float]] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The counts and lists, for DIR/build-report.json."""
        return {
            "exact": len(self.exact),
            "near": len(self.near),
            "exact_duplicates": [{"article": a, "file": f, "record": r, "same_as": k, "by": by}
                                 for a, f, r, k, by in self.exact],
            "near_duplicates": [{"article": a, "duplicate_of": o, "similarity": round(s, 3)}
                                for a, o, s in self.near],
        }


def find_duplicates(articles: Iterable[Article]) -> tuple[list[Article], Duplicates]:
    """The articles without exact copies, near copies marked; and what was found.

    Example
    -------
    >>> from kg.model import Article, Span
    >>> story = "Rice and Gates met Putin in Moscow on Monday to discuss the shield. " * 6
    >>> def art(i, text, url=None):
    ...     return Article(i, i + ".txt", text, (Span(0, len(text)),), url=url)
    >>> kept, dups = find_duplicates([art("a", story, "https://x.org/s"), art("b", story + " "),
    ...                               art("c", story.replace("Monday", "Tuesday", 1)),
    ...                               art("d", "Another story entirely. " * 9, "https://x.org/s#top")])
    >>> [(a.id, a.duplicate_of) for a in kept], dups.as_dict()["exact"], dups.as_dict()["near"]
    ([('a', None), ('c', 'a')], 2, 1)
    """
    found = Duplicates()
    return list(unique_articles(articles, found)), found


def unique_articles(articles: Iterable[Article], found: Duplicates, sketch_cache=None) -> Iterator[Article]:
    """find_duplicates one article at a time: each article as soon as it is judged (exact
    copies left out, near copies marked), what was found recorded in `found`. A build
    extracts the first articles while later ones are still being read.

    `sketch_cache`: a kg.cache.SketchCache holding the sketches of earlier builds, by the digest
    of the text they sketch; it gets the new ones."""
    index = _BandIndex()
    sketches: dict[str, object] = {}
    by_url: dict[str, str] = {}
    by_text: dict[bytes, str] = {}
    order: dict[str, int] = {}
    for article in articles:
        body = own_text(article)
        url_key = normal_url(article.url) if article.url else None
        text_key = hashlib.sha1(" ".join(body.split()).encode("utf-8")).digest()
        if url_key and url_key in by_url:
            found.exact.append((article.id, article.source, article.record, by_url[url_key], "url"))
            continue
        if text_key in by_text:
            found.exact.append((article.id, article.source, article.record, by_text[text_key], "text"))
            continue
        if url_key:
            by_url[url_key] = article.id
        by_text[text_key] = article.id
        order[article.id] = len(order)
        sketch = _known_sketch(sketch_cache, text_key)
        if sketch is None:
            words = re.findall(r"\w+", body.casefold())
            if len(words) >= MIN_WORDS:
                sketch = _sketch(words)
                if sketch_cache is not None:
                    sketch_cache.put(text_key, sketch.tobytes())
        if sketch is not None:
            keys = index.keys(sketch)
            scored = [(_similarity(sketch, sketches[c]), c) for c in index.candidates(keys)]
            scored = [(s, c) for s, c in scored if s >= NEAR_THRESHOLD]
            if scored:
                similarity, original = max(scored, key=lambda sc: (sc[0], -order[sc[1]]))
                found.near.append((article.id, original, similarity))
                article = dataclasses.replace(article, duplicate_of=original)
            else:
                # only originals are indexed, so a copy of a copy points at the first story
                index.insert(article.id, keys)
                sketches[article.id] = sketch
        yield article


def _known_sketch(sketch_cache, text_key: bytes):
    """The cached sketch of the text of `text_key`: only texts of MIN_WORDS words get one."""
    found = sketch_cache.get(text_key) if sketch_cache is not None else None
    if found is None:
        return None
    import numpy as np
    return np.frombuffer(found, dtype=np.uint32)


@functools.cache
def _permutations():
    """(a, b) of the NUM_PERM hash functions h -> a*h + b mod 2**32, drawn as datasketch 2
    draws them for its default ("affine32") scheme; an odd `a` makes each a bijection."""
    import numpy as np  # only builds pay for numpy
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _sketch(words: list[str]):
    """The MinHash of the word shingles: per hash function, the least value over the shingles.

    A shingle's value is the first 4 bytes of its SHA-1 read little-endian (datasketch's
    sha1_hash32), mixed by MurmurHash3's finalizer. A repeated shingle cannot change a least
    value, so each is hashed once. uint32 arithmetic wraps around: that is the mod 2**32.
    """
    import numpy as np
    encoded = [w.encode("utf-8") for w in words]
    shingles = set(map(b" ".join, zip(*(encoded[k:] for k in range(SHINGLE_WORDS)))))
    digests = b"".join([hashlib.sha1(s).digest() for s in shingles])
    h = np.frombuffer(digests, dtype="<u4").reshape(-1, 5)[:, 0].astype(np.uint32)  # 20 bytes each
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    h = h ^ (h >> np.uint32(16))
    a, b = _permutations()
    return (h[:, np.newaxis] * a + b).min(axis=0)


def _similarity(one, other) -> float:
    """The estimated Jaccard similarity: the share of hash functions whose least values agree."""
    import numpy as np
    return float(np.count_nonzero(one == other)) / float(NUM_PERM)


class _BandIndex:
    """LSH: the stories whose sketches agree on every value of at least one band."""

    def __init__(self) -> None:
        self._bands: list[dict[bytes, list[str]]] = [{} for _ in range(LSH_BANDS)]

    @staticmethod
    def keys(sketch) -> list[bytes]:
        """The sketch's band keys, for candidates and insert (a story is looked up, then indexed)."""
        # the bands' bytes cut from one tobytes(): as sketch[a:b].tobytes(), without 25 numpy slices
        data, width = sketch.tobytes(), LSH_ROWS * sketch.itemsize
        return [data[n * width:(n + 1) * width] for n in range(LSH_BANDS)]

    def insert(self, story: str, keys: list[bytes]) -> None:
        for band, key in zip(self._bands, keys):
            band.setdefault(key, []).append(story)

    def candidates(self, keys: list[bytes]) -> set[str]:
        return {story for band, key in zip(self._bands, keys) for story in band.get(key, ())}


def own_text(article: Article) -> str:
    """The article's own lines (page clutter left out), one per line."""
    if not article.blocks:
        return article.text
    return "\n".join(article.text[b.start:b.end] for b in article.blocks)


def normal_url(url: str) -> str:
    """One form per page: scheme, 'www.', fragment, tracking parameters and final '/' ignored.

    >>> normal_url("HTTPS://www.Example.org/a/?utm_source=x&id=2#top")
    'example.org/a?id=2'
    """
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    return urlunsplit(("", host, parts.path.rstrip("/") or "", query, "")).lstrip("/")
