"""kg push: the build goes into a real Oxigraph server over the Graph Store HTTP Protocol."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import pytest
from typer.testing import CliRunner

from kg.api import SEEDS
from kg.cli import app
from kg.errors import QueryError
from kg.push import push
from kg.query import library, prepare, run_endpoint, run_store
from kg.serve import free_port, oxigraph_binary
from kg.store import open_store

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def oxigraph():
    """A fresh in-memory Oxigraph server on a free loopback port; yields its base URL."""
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
                            stdout=log, stderr=log)
    end = time.monotonic() + 20
    try:
        while True:
            if proc.poll() is not None or time.monotonic() > end:
                log.seek(0)
                pytest.fail(f"oxigraph serve did not start:\n{log.read().decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    except BaseException:
        log.seek(0)
        print("oxigraph stderr:\n" + log.read().decode(errors="replace"), file=sys.stderr)
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def count(base: str, where: str = "{ ?s ?p ?o }") -> int:
    body = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {where}"}).encode()
    request = urllib.request.Request(f"{base}/query", data=body,
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        return int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])


def test_pushing_twice_replaces_rather_than_duplicates(built, oxigraph):
    kg, out = built
    first = push(out, f"{oxigraph}/store")
    assert first.graphs == len(list(SEEDS.glob("*.txt")))
    assert count(oxigraph) == len(kg.graph) == first.triples
    quads = count(oxigraph, "{ GRAPH ?g { ?s ?p ?o } }")
    push(out, f"{oxigraph}/store")
    assert count(oxigraph) == len(kg.graph)
    assert count(oxigraph, "{ GRAPH ?g { ?s ?p ?o } }") == quads


@pytest.mark.parametrize("name", sorted(library()))
def test_the_pushed_store_answers_the_library_as_the_local_store_does(built, oxigraph, name):
    _, out = built
    push(out, f"{oxigraph}/store")
    prepared = prepare(name)
    remote = run_endpoint(f"{oxigraph}/query", prepared.full_text())
    local = run_store(open_store(out), prepared.text)
    assert remote.variables == local.variables
    assert sorted(map(repr, remote.rows)) == sorted(map(repr, local.rows))


def test_kg_push_reports_what_it_sent(built, oxigraph):
    _, out = built
    result = CliRunner().invoke(app, ["push", "--graph", str(out), "--endpoint", f"{oxigraph}/store"])
    assert result.exit_code == 0, result.output
    assert "article graphs" in result.output


def test_a_push_to_nowhere_is_a_one_line_error(built):
    _, out = built
    with pytest.raises(QueryError, match=r"^http://127\.0\.0\.1:\d+/store: no answer"):
        push(out, f"http://127.0.0.1:{free_port()}/store", timeout=5)
    with pytest.raises(QueryError, match="not an http"):
        push(out, "ftp://example.org/store")


def test_a_store_refusing_writes_is_reported_with_its_status(built, tmp_path):
    _, out = built
    # a read-only Oxigraph server over a copy of the build's store refuses PUT with 403
    import shutil
    shutil.copytree(out / "store", tmp_path / "store")
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location", str(tmp_path / "store"),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        end = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > end:
                    pytest.fail(proc.stderr.read().decode(errors="replace"))
                time.sleep(0.1)
        with pytest.raises(QueryError, match="HTTP 403"):
            push(out, f"http://127.0.0.1:{port}/store")
    finally:
        proc.terminate()
        proc.wait(10)
