"""Run extraction over many articles: in this process, in worker processes, or on a Dask cluster.

    extract_many(articles, rules, workers=1, *, engine="local", scheduler=None,
                 cache_dir=None, time_budget=None, rules_dir=None, skipped=None)
        -> list[Extraction]          in input order, without the articles that were skipped

Extraction is pure (`extract(article, rules)`), so where it runs cannot change what it
gives: every engine returns the same extractions, and the build writes the same bytes.

- local, workers=1: a loop in this process.
- local, workers>1: a ProcessPoolExecutor. Each worker loads the ruleset itself, from the
  rules folder, once (its initializer); the compiled automaton and regexes never travel.
  Articles go out in chunks; what comes back is the extraction without its article (the
  parent holds that already), so the text crosses the pipe once.
- dask: the same chunks as tasks of a dask.distributed cluster (`scheduler` is its address;
  None starts a LocalCluster of `workers` processes here). The rule files travel as bytes,
  once per worker (scattered with broadcast); each worker writes them to a folder named by
  their digest and loads them from there, so workers need newskg installed but not the
  client's files. The extractions come back without article text (resolve and the graph
  never read it: every fact carries its own sentence), so the reduction, resolve(), holds
  entities and facts, not the archive.

The cache (kg/cache.py) is read before anything is sent and written as results arrive:
only articles that are new, changed, or read with other rules are extracted again.

Time budget: an article whose extraction runs longer than `time_budget` seconds is skipped
and named in `skipped`. Workers interrupt it with SIGALRM (signal.setitimer; the regex
engine checks for signals while it backtracks, so a catastrophic pattern is stopped too);
outside a main thread (Dask worker threads, notebooks' threads) an asynchronous exception
stops it at the next Python bytecode. None means DEFAULT_TIME_BUDGET; 0 means no limit.
"""
from __future__ import annotations

import gc
import ctypes
import itertools
import os
import signal
import threading
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from kg.cache import ExtractionCache, extraction_parts, from_parts
from kg.errors import ArticleError, KgError
from kg.extract import extract
from kg.model import Article, Extraction
from kg.ruleset import RULES_DIR, Ruleset, load_ruleset

# Articles take tens of milliseconds; a minute is a runaway, not a long article.
DEFAULT_TIME_BUDGET = 60.0
# Articles per task of the local pool: enough that pickling and scheduling stay small next
# to the work, few enough that both workers stay busy to the end and start while reading.
POOL_CHUNK = 16
ENGINES = ("local", "dask")


class _OverBudget(BaseException):
    """Raised inside an extraction that ran past its time budget (BaseException: rule code
    that catches Exception must not swallow it)."""


def extract_many(articles: Iterable[Article], rules: Ruleset, workers: int = 1, *,
                 engine: str = "local", scheduler: str | None = None,
                 cache_dir: str | Path | None = None, time_budget: float | None = None,
                 rules_dir: str | Path | None = None, skipped: list[str] | None = None,
                 strict: bool = False) -> list[Extraction]:
    """Extract every article; the result is in input order and the same for every engine.

    Parameters
    ----------
    articles : the articles to read.
    rules : the compiled ruleset of `rules_dir` (this process uses it; workers load their own).
    workers : processes (local engine) or LocalCluster workers (dask engine without scheduler).
    engine : "local" or "dask".
    scheduler : address of a running Dask scheduler, e.g. "tcp://10.0.0.5:8786".
    cache_dir : a build folder; its cache/ holds per-article extractions (None: no cache).
    time_budget : seconds one article may take (None: DEFAULT_TIME_BUDGET; 0: no limit).
    rules_dir : the rules folder `rules` was loaded from (None: the package's own).
    skipped : a list to which one line per skipped article is appended ("file: reason").
    strict : an article over its time budget raises ArticleError instead of being skipped.

    Returns
    -------
    list of Extraction, one per article that was not skipped, in input order.

    Example
    -------
    >>> from kg.ruleset import load_ruleset
    >>> extract_many([], load_ruleset())
    []
    """
    if engine not in ENGINES:
        raise KgError(f"engine {engine!r}: unknown (choose one of {', '.join(ENGINES)})")
    budget = DEFAULT_TIME_BUDGET if time_budget is None else float(time_budget)
    skipped = skipped if skipped is not None else []
    cache = ExtractionCache(cache_dir, rules.digest) if cache_dir is not None else None
    seen: list[Article] = []
    results: dict[int, Extraction] = {}

    def uncached():
        """(position, article) of each article the cache does not hold. `articles` may be a
        generator still reading files: with workers, reading overlaps extraction."""
        for i, article in enumerate(articles):
            seen.append(article)
            hit = cache.get(article) if cache is not None else None
            if hit is None:
                yield i, article
            else:
                results[i] = hit

    def accept(i: int, outcome) -> None:
        if isinstance(outcome, str):
            line = f"{_name(seen[i])}: {outcome}"
            if strict:
                raise ArticleError(line)
            skipped.append(line)
            return
        results[i] = from_parts(seen[i], outcome)
        if cache is not None:
            cache.put(results[i])

    if engine == "dask":
        todo = list(uncached())
        if todo:
            outcomes = _run_dask([a for _, a in todo], rules, rules_dir, budget, workers, scheduler)
            for (i, _), outcome in zip(todo, outcomes):
                accept(i, outcome)
    elif workers > 1:
        for i, outcome in _run_pool(uncached(), rules, rules_dir, budget, workers):
            accept(i, outcome)
    else:
        for i, article in uncached():
            accept(i, _extract_one(article, rules, budget))
    if cache is not None:
        cache.prune()
    done = [results[i] for i in sorted(results)]
    if engine == "dask":
        # what the reduction (resolve) gets from the cluster: records and facts, not the archive
        return [replace(x, article=without_text(x.article)) for x in done]
    return done


def _name(article: Article) -> str:
    """The file, and the record when the file holds many articles (JSONL, CSV, WARC)."""
    return article.source if Path(article.source).stem == article.id else f"{article.source} ({article.id})"


def _extract_one(article: Article, rules: Ruleset, budget: float):
    """The extraction's parts, or a one-line reason it was skipped."""
    try:
        with _time_limit(budget):
            return extraction_parts(extract(article, rules))
    except _OverBudget:
        return f"extraction ran past the time budget of {budget:g} s"


@contextmanager
def _time_limit(seconds: float):
    """Raise _OverBudget in this thread once `seconds` have passed (0: no limit)."""
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        def on_alarm(signum, frame):
            raise _OverBudget()
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    # Not the main thread: signals cannot reach us; ask the interpreter to raise in this thread.
    target = threading.get_ident()
    done = threading.Event()

    def interrupt():
        if not done.is_set():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(_OverBudget))
    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        done.set()
        timer.cancel()


def _chunks(items: Sequence, size: int) -> list[Sequence]:
    return [items[k:k + size] for k in range(0, len(items), size)]


def _chunk_size(n: int, workers: int) -> int:
    # Several chunks per worker keep both busy to the end; a few dozen articles per chunk
    # keep the per-task overhead (pickling, scheduling) small next to the work.
    return max(1, min(32, n // (workers * 8) or 1))


# --- local worker processes ---------------------------------------------------------------

_WORKER: dict = {}   # this worker process's ruleset and budget, set by _init_worker


def _init_worker(rules_dir: str, digest: str, budget: float) -> None:
    gc.enable()      # a forked worker inherits the pause of kg.api.build, meant for the main process
    rules = load_ruleset(rules_dir)
    if rules.digest != digest:
        raise KgError(f"{rules_dir}: rule files changed while the build was running")
    _WORKER["rules"], _WORKER["budget"] = rules, budget


def _pool_chunk(chunk: Sequence[Article]) -> list:
    return [_extract_one(a, _WORKER["rules"], _WORKER["budget"]) for a in chunk]


def _run_pool(todo: Iterable[tuple[int, Article]], rules: Ruleset, rules_dir, budget: float,
              workers: int) -> Iterable[tuple[int, object]]:
    """(position, outcome) for each (position, article) of `todo`, in its order. Chunks go
    to the workers as soon as they fill, while `todo` is still being read."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    folder = str(Path(rules_dir).resolve() if rules_dir else RULES_DIR)
    import multiprocessing
    if multiprocessing.get_start_method() == "fork":
        # the first-name detector loads lazily and takes a second or two: load it here once,
        # and forked workers share it instead of each loading its own
        rules.is_first_name("Anna")
    pool = None
    submitted: list[tuple[list[tuple[int, Article]], object]] = []
    chunk: list[tuple[int, Article]] = []
    try:
        for item in itertools.chain(todo, [None]):     # None: the end, send what is left
            if item is not None:
                chunk.append(item)
            if chunk and (item is None or len(chunk) == POOL_CHUNK):
                if pool is None:
                    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                               initargs=(folder, rules.digest, budget))
                submitted.append((chunk, pool.submit(_pool_chunk, [a for _, a in chunk])))
                chunk = []
        for chunk, future in submitted:
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                for _, f in submitted:
                    f.cancel()
                raise KgError(f"an extraction worker stopped while reading {_name(chunk[0][1])} … "
                              f"{_name(chunk[-1][1])} (out of memory, or killed)") from None
            yield from ((i, outcome) for (i, _), outcome in zip(chunk, outcomes))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


# --- Dask ---------------------------------------------------------------------------------

def _rule_files(rules_dir) -> dict[str, bytes]:
    folder = Path(rules_dir) if rules_dir else RULES_DIR
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.toml"))}


def _dask_ruleset(files: dict[str, bytes], digest: str) -> Ruleset:
    """The ruleset of these rule files, written once per machine into a folder named by digest."""
    import tempfile
    folder = Path(tempfile.gettempdir()) / f"newskg-rules-{digest[:20]}"
    if not (folder / ".complete").exists():
        staging = Path(tempfile.mkdtemp(prefix=f".newskg-rules-{digest[:20]}-"))
        for name, data in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
        (staging / ".complete").write_bytes(b"")
        try:
            os.replace(staging, folder)     # another worker may have won the race: fine
        except OSError:
            import shutil
            shutil.rmtree(staging, ignore_errors=True)
    rules = load_ruleset(folder)
    if rules.digest != digest:
        raise KgError(f"{folder}: rule files differ from the client's (were they edited during the build?)")
    return rules


def _dask_chunk(files: dict[str, bytes], digest: str, chunk: Sequence[Article], budget: float) -> list:
    rules = _dask_ruleset(files, digest)
    return [_extract_one(a, rules, budget) for a in chunk]


def _run_dask(articles: list[Article], rules: Ruleset, rules_dir, budget: float, workers: int,
              scheduler: str | None) -> list:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise KgError("engine dask needs dask.distributed: pip install 'dask[distributed]'") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers if workers > 1 else (os.cpu_count() or 1)),
                               threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        files = client.scatter(_rule_files(rules_dir), broadcast=True)
        chunks = _chunks(articles, _chunk_size(len(articles), nworkers))
        futures = [client.submit(_dask_chunk, files, rules.digest, chunk, budget, pure=False)
                   for chunk in chunks]
        out: list = []
        for future in futures:
            out.extend(future.result())
            future.release()
        return out
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def without_text(article: Article) -> Article:
    """The article as resolve() and the graph use it: header fields, no text, no line spans."""
    return replace(article, text="", blocks=())
