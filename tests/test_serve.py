"""kg serve: a real server process on a free loopback port, asked by standard SPARQL clients."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from kg.query import library, prepare, query_dataset, run_endpoint, run_rdflib, run_store
from kg.serve import free_port
from kg.store import open_store

pytestmark = pytest.mark.server

SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"   # ~10^10 rows
TIME_LIMIT = 1.5


@contextmanager
def kg_serve(out, *args, deadline: float = 20.0):
    """Start `kg serve` on a free port; yield its /query URL; stop it, showing stderr on failure."""
    port = free_port()
    cmd = [sys.executable, "-c", "from kg.cli import main; main()", "serve", "--graph", str(out),
           "--port", str(port), *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        end = time.monotonic() + deadline
        while True:
            if proc.poll() is not None:
                pytest.fail(f"kg serve exited with {proc.returncode}:\n{proc.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > end:
                    proc.kill()
                    pytest.fail(f"kg serve did not start in {deadline} s:\n{proc.stderr.read().decode()}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/query"
    except BaseException:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        print("kg serve stderr:\n" + err.decode(errors="replace"), file=sys.stderr)
        raise
    else:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


@pytest.fixture(scope="module")
def endpoint(built):
    _, out = built
    # a generous limit: on a loaded two-core machine fifty clients queue for seconds
    with kg_serve(out, "--timeout", "30") as url:
        yield url


@pytest.fixture(scope="module")
def impatient_endpoint(built):
    _, out = built
    with kg_serve(out, "--timeout", str(TIME_LIMIT)) as url:
        yield url


def http(url, *, data=None, method=None, headers=None, timeout=30.0):
    """(status, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def ask(url, query, accept="application/sparql-results+json", timeout=30.0):
    body = urllib.parse.urlencode({"query": query}).encode()
    return http(url, data=body, headers={"Accept": accept}, timeout=timeout)


def test_a_curl_like_client_gets_sparql_results_json(built, endpoint):
    kg, _ = built
    status, body = ask(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == len(kg.graph)
    status, body = http(endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s a <https://w3id.org/newskg/ontology#Meeting> }"}),
                        headers={"Accept": "application/sparql-results+json"})
    assert (status, json.loads(body)["boolean"]) == (200, True)


@pytest.mark.parametrize("name", sorted(library()))
def test_library_query_gives_the_same_rows_from_rdflib_the_store_and_the_endpoint(built, endpoint, name):
    kg, out = built
    prepared = prepare(name)
    served = run_endpoint(endpoint, prepared.full_text())
    local = run_store(open_store(out), prepared.text)
    assert served.variables == local.variables
    assert sorted(map(repr, served.rows)) == sorted(map(repr, local.rows))
    if name in ("meetings", "who-met-whom", "path", "most-mentioned"):
        assert served.rows == local.rows
        assert run_rdflib(_dataset(kg), prepared.text).rows == local.rows


_DATASETS = {}


def _dataset(kg):
    if id(kg) not in _DATASETS:
        _DATASETS[id(kg)] = query_dataset(kg.rdf)
    return _DATASETS[id(kg)]


def test_sparqlwrapper_reads_the_endpoint_unchanged(endpoint):
    from SPARQLWrapper import JSON, SPARQLWrapper
    client = SPARQLWrapper(endpoint)
    client.setReturnFormat(JSON)
    client.setQuery(prepare("who-met-whom").full_text())
    rows = client.query().convert()["results"]["bindings"]
    assert {(r["person"]["value"], r["other"]["value"]) for r in rows} >= {("Condoleezza Rice", "Sergey Lavrov")}


def test_rdflib_sparqlstore_reads_the_endpoint_unchanged(built, endpoint):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    kg, _ = built
    graph = Graph(store=SPARQLStore(endpoint))
    assert len(graph) == len(kg.graph)
    labels = {str(row[0]) for row in graph.query(prepare("sites").full_text())}
    assert "interceptor base in Poland" in labels


@pytest.mark.parametrize("request_args", [
    ("/update", {"data": urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode(),
                 "method": "POST"}),
    ("/query", {"data": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "method": "POST",
                "headers": {"Content-Type": "application/sparql-update"}}),
    ("/store?default", {"data": b"<urn:a> <urn:b> <urn:c> .", "method": "PUT",
                        "headers": {"Content-Type": "application/n-triples"}}),
    ("/store?default", {"method": "DELETE"}),
], ids=["update", "update-as-query", "gsp-put", "gsp-delete"])
def test_the_endpoint_refuses_writes_unless_started_writable(built, endpoint, request_args):
    kg, _ = built
    path, kwargs = request_args
    status, body = http(endpoint.removesuffix("/query") + path, **kwargs)
    assert status in (403, 405), body
    status, body = ask(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == len(kg.graph)


def test_a_malformed_query_gets_400_with_the_parsers_message(endpoint):
    status, body = ask(endpoint, "SELECT ?x WHERE {\n  ?x ?y\n}")
    assert status == 400
    assert re.search(r"\b3:\d+", body), body      # Oxigraph's "error at LINE:COLUMN: ..."


def test_a_query_past_the_time_limit_gets_503_and_the_server_stays_up(impatient_endpoint):
    start = time.monotonic()
    status, body = ask(impatient_endpoint, SLOW_QUERY, timeout=TIME_LIMIT + 20)
    assert status == 503, body
    assert time.monotonic() - start < TIME_LIMIT + 5
    status, _ = ask(impatient_endpoint, "ASK { ?s ?p ?o }")
    assert status == 200


def test_fifty_clients_asking_twenty_queries_each_get_answers_without_errors(endpoint):
    queries = [prepare(name).full_text() for name in ("meetings", "who-met-whom", "sites", "quotes", "offices")]
    deadline = time.monotonic() + 60

    def client(i):
        errors = 0
        for j in range(20):
            if time.monotonic() > deadline:
                return errors + (20 - j)
            status, body = ask(endpoint, queries[(i + j) % len(queries)], timeout=15)
            errors += status != 200 or '"bindings"' not in body
        return errors

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        errors = sum(pool.map(client, range(50)))
    took = time.monotonic() - start
    print(f"load test: 1000 queries by 50 clients in {took:.2f} s = {1000 / took:.0f} queries/s, {errors} errors")
    assert errors == 0


def test_the_endpoint_listens_on_loopback_only(built):
    _, out = built
    me = _non_loopback_address()
    if me is None:
        pytest.skip("this machine has no non-loopback address to try")
    with kg_serve(out) as url:
        port = urllib.parse.urlsplit(url).port
        with pytest.raises(OSError):
            socket.create_connection((me, port), timeout=1).close()


def _non_loopback_address():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_a_writable_endpoint_accepts_updates(built, tmp_path):
    import shutil
    _, out = built
    copy = tmp_path / "out"
    shutil.copytree(out / "store", copy / "store")     # the module's store stays untouched
    with kg_serve(copy, "--writable") as url:
        body = urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode()
        status, _ = http(url.removesuffix("/query") + "/update", data=body, method="POST")
        assert status in (200, 204)
        status, answer = ask(url, "ASK { <urn:a> <urn:b> <urn:c> }")
        assert json.loads(answer)["boolean"] is True
