"""SPARQL queries over a built graph: the query library, parameters, three engines, four formats.

    library() -> dict[str, LibraryQuery]              kg/queries/*.rq, each with the question it answers
    prepare(query, params) -> Prepared                inline text, a .rq file or a library name
    run_store(store, text) -> Results                 the embedded pyoxigraph store
    run_rdflib(dataset, text) -> Results              rdflib, on a Dataset laid out as the store is
    run_endpoint(url, text) -> Results                any SPARQL 1.1 Protocol endpoint
    format_results(results, fmt) -> str               table, csv, tsv or json

Every engine sees the same dataset: the default graph holds every triple of the build and each
article has its named graph. The prefixes of the graph contract are predeclared; they are passed
to the parsers rather than pasted into the text, so a syntax error's line and column are those of
the text the user wrote.
"""
from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import QueryError

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
PREFIXES = {
    "schema": "https://schema.org/",
    "nkg": "https://w3id.org/newskg/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
# Only for shortening IRIs in the table format; queries do not get it predeclared.
DISPLAY_PREFIXES = {"id": "https://w3id.org/newskg/id/", **PREFIXES}
FORMATS = ("table", "csv", "tsv", "json")
XSD_STRING = PREFIXES["xsd"] + "string"
RDF_LANGSTRING = PREFIXES["rdf"] + "langString"

# A library parameter is a VALUES block of one row of strings: `VALUES ?name { "Sergey Lavrov" }`
# or `VALUES (?from ?to) { ("Condoleezza Rice" "Sergey Lavrov") }`. The query runs as written
# with those defaults; --param name=... replaces that literal only, escaped.
_STRING = r'"(?:[^"\\\n]|\\.)*"'
_PARAM = re.compile(r'VALUES\s+(?:\?(?P<one>\w+)\s*\{\s*(?P<literal>' + _STRING + r')\s*\}'
                    r'|\((?P<names>(?:\s*\?\w+)+)\s*\)\s*\{\s*\((?P<literals>(?:\s*' + _STRING + r')+)\s*\)\s*\})')
_DECLARED = re.compile(r"^\s*PREFIX\s+([\w.-]*):", re.IGNORECASE | re.MULTILINE)
_OX_POSITION = re.compile(r"^error at (\d+):(\d+): ?")


@dataclass(frozen=True, slots=True)
class LibraryQuery:
    name: str           # file stem, e.g. "meetings"
    question: str       # the first comment line of the file
    text: str
    params: dict[str, str]   # parameter -> default value

    @property
    def path(self) -> Path:
        return QUERIES_DIR / f"{self.name}.rq"


@dataclass(frozen=True, slots=True)
class Prepared:
    text: str           # the query as the engines get it (prefixes not pasted in)
    name: str | None    # the library name, or the file, or None for inline text

    def full_text(self) -> str:
        """The query with PREFIX lines for the contract's prefixes it uses but does not declare:
        what a remote endpoint, which predeclares nothing, needs."""
        return with_prefixes(self.text)


@dataclass(frozen=True, slots=True)
class Term:
    """One RDF term as SPARQL 1.1 Query Results JSON describes it."""

    type: str                   # "uri", "literal" or "bnode"
    value: str
    datatype: str | None = None     # None for plain strings
    lang: str | None = None

    def to_json(self) -> dict:
        out = {"type": self.type, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    def n3(self) -> str:
        """The term in N-Triples syntax, as SPARQL TSV results write it."""
        if self.type == "uri":
            return f"<{self.value}>"
        if self.type == "bnode":
            return f"_:{self.value}"
        text = '"' + _escape(self.value) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype:
            return f"{text}^^<{self.datatype}>"
        return text


@dataclass(slots=True)
class Results:
    """What a query gave: rows of a SELECT, the answer of an ASK, or triples of a CONSTRUCT."""

    kind: str                                   # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def values(self) -> list[tuple[str | None, ...]]:
        """Rows as plain strings (IRI or lexical form), unbound as None: handy in tests."""
        return [tuple(t.value if t else None for t in row) for row in self.rows]

    def column(self, name: str) -> list[str | None]:
        i = self.variables.index(name)
        return [row[i].value if row[i] else None for row in self.rows]


# ---------------------------------------------------------------- the library and parameters

def library(folder: Path | None = None) -> dict[str, LibraryQuery]:
    """The project's named queries, by name.

    Example
    -------
    >>> lib = library()
    >>> lib["meetings"].question.startswith("Which meetings")
    True
    """
    folder = folder or QUERIES_DIR
    out = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        if not first.startswith("#"):
            raise QueryError(f"{path}: the first line must be a comment saying the question it answers")
        params = {name: _unescape(literal[1:-1]) for block in _PARAM.finditer(text)
                  for name, literal in _param_block(block)}
        out[path.stem] = LibraryQuery(path.stem, first.lstrip("# ").strip(), text, params)
    return out


def sparql_string(value: str) -> str:
    """`value` as a SPARQL string literal that cannot end early or change the query around it.

    Backslashes are refused rather than escaped: SPARQL expands \\u escapes before parsing,
    so an escaped backslash followed by "u0022" could still become a quotation mark.

    Example
    -------
    >>> print(sparql_string('Lavrov" } UNION { ?s ?p ?o'))
    "Lavrov\\" } UNION { ?s ?p ?o"
    """
    if "\\" in value:
        raise QueryError(f"parameter value {value[:40]!r}: backslashes are not allowed")
    if any(ord(c) < 0x20 and c not in "\t\n\r" for c in value):
        raise QueryError(f"parameter value {value[:40]!r}: control characters are not allowed")
    return '"' + _escape(value) + '"'


def _escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m[1], m[1]), value)


def _param_block(m: re.Match) -> list[tuple[str, str]]:
    """The (name, literal) pairs of one parameter block found by _PARAM."""
    if m["one"]:
        return [(m["one"], m["literal"])]
    names = re.findall(r"\?(\w+)", m["names"])
    literals = re.findall(_STRING, m["literals"])
    return list(zip(names, literals)) if len(names) == len(literals) else []


def bind_params(text: str, params: dict[str, str], where: str = "query") -> str:
    """Replace the default literal of each parameter named in `params` (see _PARAM).

    Raises QueryError for a parameter the query does not have.

    Example
    -------
    >>> print(bind_params('SELECT * { VALUES ?name { "A" } }', {"name": 'B" } ?s ?p ?o {'}))
    SELECT * { VALUES ?name { "B\\" } ?s ?p ?o {" } }
    """
    known = {name for m in _PARAM.finditer(text) for name, _ in _param_block(m)}
    unknown = sorted(set(params) - known)
    if unknown:
        have = ", ".join(sorted(known)) or "none"
        raise QueryError(f"{where}: no parameter {unknown[0]!r} (parameters: {have})")

    def replace(m: re.Match) -> str:
        pairs = _param_block(m)
        if not any(name in params for name, _ in pairs):
            return m[0]
        values = [sparql_string(params[name]) if name in params else literal for name, literal in pairs]
        if m["one"]:
            return f"VALUES ?{m['one']} {{ {values[0]} }}"
        names = " ".join(f"?{name}" for name, _ in pairs)
        return f"VALUES ({names}) {{ ({' '.join(values)}) }}"

    return _PARAM.sub(replace, text)


def prepare(query: str, params: dict[str, str] | None = None) -> Prepared:
    """Turn what the user gave into query text: a library name, a .rq file, or the query itself.

    Example
    -------
    >>> prepare("quotes", {"name": "Dana Perino"}).text.count('"Dana Perino"')
    1
    """
    params = params or {}
    lib = library()
    if query in lib:
        return Prepared(bind_params(lib[query].text, params, query), query)
    if query.endswith(".rq") and "\n" not in query:
        path = Path(query)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{path}: cannot read ({exc.strerror or exc})") from None
        return Prepared(bind_params(text, params, str(path)), str(path))
    if re.fullmatch(r"[\w-]+", query.strip()):
        raise QueryError(f"{query}: no such library query (kg query --list shows them)")
    return Prepared(bind_params(query, params), None)


def with_prefixes(text: str) -> str:
    declared = {m.lower() for m in _DECLARED.findall(text)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()
             if p not in declared and re.search(rf"(?<![\w.-]){p}:", text)]
    return "\n".join(lines + [text]) if lines else text


# ---------------------------------------------------------------- engines

def run_store(store, text: str, where: str = "query") -> Results:
    """Run `text` on a pyoxigraph Store (kg.store.open_store)."""
    import pyoxigraph as ox
    try:
        answer = store.query(text, prefixes=PREFIXES)
        if isinstance(answer, ox.QueryBoolean):
            return Results("ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            rows = [tuple(_from_ox(sol[i]) for i in range(len(names))) for sol in answer]
            return Results("select", names, rows)
        rows = [(_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)) for t in answer]
        return Results("graph", ["subject", "predicate", "object"], rows)
    except SyntaxError as exc:
        raise QueryError(f"{where}: {_oxigraph_message(str(exc))}") from None
    except OSError as exc:
        raise QueryError(f"{where}: the store failed ({str(exc).splitlines()[0]})") from None


def _oxigraph_message(message: str) -> str:
    m = _OX_POSITION.match(message)
    if m:
        return f"line {m[1]}, column {m[2]}: {message[m.end():]}"
    return message.splitlines()[0]


def _from_ox(term) -> Term | None:
    import pyoxigraph as ox
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        return Term("literal", term.value, None if datatype in (XSD_STRING, RDF_LANGSTRING) else datatype,
                    term.language)
    return Term("literal", str(term))      # RDF-star triples: not in our graphs


def query_dataset(dataset):
    """An rdflib Dataset laid out as the store is: every triple in the default graph, one named
    graph per article. `dataset` is a build's Dataset (kg.rdf)."""
    from rdflib import Dataset
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
    from kg.store import article_graphs
    out = Dataset()
    default = out.graph(DATASET_DEFAULT_GRAPH_ID)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        default.add((s, p, o))
    for g in article_graphs(dataset):
        named = out.graph(g.identifier)
        for t in g:
            named.add(t)
    return out


def run_rdflib(dataset, text: str, where: str = "query") -> Results:
    """Run `text` with rdflib on a Dataset made by query_dataset()."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.plugins.sparql import prepareQuery

    def term(t) -> Term | None:
        if t is None:
            return None
        if isinstance(t, URIRef):
            return Term("uri", str(t))
        if isinstance(t, BNode):
            return Term("bnode", str(t))
        if isinstance(t, Literal):
            dt = str(t.datatype) if t.datatype is not None and str(t.datatype) != XSD_STRING else None
            return Term("literal", str(t), None if t.language else dt, t.language)
        return Term("literal", str(t))

    try:
        parsed = prepareQuery(text, initNs=PREFIXES)
        answer = dataset.query(parsed)
    except Exception as exc:   # pyparsing and rdflib raise many kinds; all mean a bad query
        raise QueryError(f"{where}: {_rdflib_message(exc)}") from None
    if answer.type == "ASK":
        return Results("ask", boolean=bool(answer.askAnswer))
    if answer.type == "SELECT":
        names = [str(v) for v in answer.vars]
        return Results("select", names, [tuple(term(v) for v in row) for row in answer])
    rows = [(term(s), term(p), term(o)) for s, p, o in answer.graph]
    return Results("graph", ["subject", "predicate", "object"], rows)


def _rdflib_message(exc: Exception) -> str:
    lineno, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    msg = getattr(exc, "msg", None) or str(exc)
    msg = msg.splitlines()[0] if msg else type(exc).__name__
    if lineno is not None and col is not None:
        return f"line {lineno}, column {col}: {msg}"
    return msg


def run_endpoint(url: str, text: str, timeout: float = 60.0) -> Results:
    """Run `text` (with its PREFIX lines) on a SPARQL 1.1 Protocol endpoint, asking for JSON."""
    body = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise QueryError(f"{url}: HTTP {exc.code} ({detail[0] if detail else exc.reason})") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise QueryError(f"{url}: no answer ({getattr(exc, 'reason', exc)})") from None
    return results_from_json(payload)


def results_from_json(payload: dict) -> Results:
    """Read SPARQL 1.1 Query Results JSON."""
    if "boolean" in payload:
        return Results("ask", boolean=bool(payload["boolean"]))
    names = payload["head"]["vars"]

    def term(b: dict | None) -> Term | None:
        if b is None:
            return None
        kind = "literal" if b["type"] == "typed-literal" else b["type"]
        dt = b.get("datatype")
        return Term(kind, b["value"], None if dt in (XSD_STRING, RDF_LANGSTRING) else dt, b.get("xml:lang"))

    rows = [tuple(term(row.get(n)) for n in names) for row in payload["results"]["bindings"]]
    return Results("select", names, rows)


# ---------------------------------------------------------------- output formats

def format_results(results: Results, fmt: str = "table") -> str:
    """Results as an aligned table, CSV, TSV or SPARQL 1.1 Query Results JSON.

    CONSTRUCT and DESCRIBE results are printed as N-Triples whatever the format.
    """
    if fmt not in FORMATS:
        raise QueryError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if results.kind == "graph":
        return "".join(sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in results.rows))
    if fmt == "json":
        if results.kind == "ask":
            return json.dumps({"head": {}, "boolean": results.boolean}) + "\n"
        bindings = [{n: t.to_json() for n, t in zip(results.variables, row) if t is not None}
                    for row in results.rows]
        return json.dumps({"head": {"vars": results.variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1) + "\n"
    if results.kind == "ask":
        return ("true" if results.boolean else "false") + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")     # RFC 4180, as SPARQL CSV results ask
        writer.writerow(results.variables)
        writer.writerows([[t.value if t else "" for t in row] for row in results.rows])
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in results.variables)]
        lines += ["\t".join(t.n3() if t else "" for t in row) for row in results.rows]
        return "\n".join(lines) + "\n"
    return _table(results)


def _short(term: Term | None) -> str:
    if term is None:
        return ""
    if term.type == "uri":
        for prefix, iri in DISPLAY_PREFIXES.items():
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri):]}"
        return f"<{term.value}>"
    return " ".join(term.value.split())     # one line per row, whatever the sentence holds


def _table(results: Results) -> str:
    cells = [[_short(t) for t in row] for row in results.rows]
    widths = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(results.variables)]
    def line(values):
        return "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
    out = [line(results.variables), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"
