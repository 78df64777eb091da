"""graph.html in a real browser: Debian's chromium driven by Playwright (no downloaded browser).

The page is built from the seeds and must stand on its own: offline, no console errors, the
same nodes and edges as the graph, evidence in the side panel, search by alias, filters, the
"who met whom" view, the meetings' timeline, and article text that cannot run as script.
Counts are computed from the same graph file, so rule tuning does not break these tests.
A screenshot goes to tests/artifacts/graph.png.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph

from kg.errors import GraphError
from kg.graph import ID, NKG, SCHEMA
from kg.render import layout, render_html, to_networkx

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
LAVROV = "person/sergey-lavrov"
HOSTILE = "<script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory) -> Path:
    from kg.api import build
    out = tmp_path_factory.mktemp("seeds")
    build([SEEDS], out)
    return out


@pytest.fixture(scope="module")
def seeds_graph(seeds_build) -> Graph:
    return Graph().parse(seeds_build / "graph.ttl", format="turtle")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """One page load, recording console messages and every request the page makes."""

    def __init__(self, browser, html: Path, *, strict_csp: bool = False):
        self.errors: list[str] = []
        self.requests: list[str] = []
        # The page's Content-Security-Policy forbids eval, which Playwright's wait_for_function
        # needs: tests that wait on the page's state bypass it; strict_csp keeps it, to check
        # that the page itself needs nothing the policy forbids.
        self.page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=not strict_csp)
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.route("**/*", self._route)
        self.page.goto(html.as_uri())
        self.page.wait_for_selector('body[data-ready="true"]', state="attached", timeout=60_000)

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:  # a request leaving the machine: refuse it, and the test below fails
            route.abort()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def panel(self) -> str:
        return self.page.inner_text("#kg-panel")

    def visible(self, what: str = "nodes") -> list[dict]:
        return self.js(f"kg.{what}.get({{filter: function (x) {{ return !x.hidden; }}}})")


@pytest.fixture()
def visit(browser, seeds_build):
    v = Visit(browser, seeds_build / "graph.html")
    yield v
    v.page.close()


def node_label(g: Graph, node_id: str) -> str:
    return str(g.value(ID[node_id], RDFS.label))


@pytest.mark.browser
def test_page_loads_offline_without_console_errors(browser, seeds_build):
    visit = Visit(browser, seeds_build / "graph.html", strict_csp=True)
    try:
        assert visit.js("[kg.nodes.length > 0, document.title]")[0]
        assert visit.errors == []
        assert [u for u in visit.requests if not u.startswith(("file:", "data:"))] == []
        html = visit.page.content()
        assert 'src="http' not in html and "<link rel=\"stylesheet\" href" not in html
    finally:
        visit.page.close()


@pytest.mark.browser
def test_page_has_as_many_nodes_and_edges_as_the_graph(visit, seeds_graph):
    G = to_networkx(seeds_graph)
    assert G.number_of_nodes() > 20
    assert visit.js("[kg.nodes.length, kg.edges.length]") == [G.number_of_nodes(), G.number_of_edges()]
    counts = visit.page.locator("#kg-counts")
    assert counts.get_attribute("data-nodes") == str(G.number_of_nodes())
    assert counts.get_attribute("data-edges") == str(G.number_of_edges())


@pytest.mark.browser
def test_clicking_lavrov_shows_both_offices_with_their_sentences(visit, seeds_graph):
    lavrov = ID[LAVROV]
    positions = sorted(seeds_graph.objects(lavrov, NKG.holdsPosition))
    assert len(positions) == 2
    visit.js("id => kg.network.focus(id, {scale: 1.2})", LAVROV)
    visit.page.wait_for_timeout(100)
    point = visit.js("id => kg.network.canvasToDOM(kg.network.getPositions([id])[id])", LAVROV)
    box = visit.page.locator("#mynetwork").bounding_box()
    visit.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    visit.page.wait_for_function("(() => { var t = document.querySelector('div.vis-tooltip');"
                                 " return t && getComputedStyle(t).visibility === 'visible'; })()", timeout=5_000)
    tooltip = visit.page.inner_text("div.vis-tooltip")
    assert tooltip.startswith("Sergey Lavrov · person") and len(tooltip) < 200   # short
    visit.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    visit.page.wait_for_function("kg.selected === 'person/sergey-lavrov'", timeout=5_000)
    panel = visit.panel()
    assert panel.startswith("Sergey Lavrov")
    assert "Offices (2)" in panel.replace("OFFICES", "Offices")
    offices = visit.page.locator("#kg-panel li.kg-office")
    assert offices.count() == 2
    for pos in positions:
        title = str(seeds_graph.value(pos, NKG.roleTitle))
        item = visit.page.locator(f'#kg-panel li.kg-office[data-office^="{title}"]')
        assert item.count() == 1, title
        sentences = [str(seeds_graph.value(ev, NKG.sentence))
                     for ev in seeds_graph.subjects(RDF.object, pos)
                     if seeds_graph.value(ev, RDF.predicate) == NKG.holdsPosition]
        assert sentences
        for sentence in sentences:
            assert " ".join(sentence.split()) in " ".join(item.inner_text().split())


@pytest.mark.browser
def test_search_finds_medvedev_by_an_alias(visit, seeds_graph):
    medvedev = ID["person/dmitry-medvedev"]
    assert "Dimitry Medvedev" in {str(a) for a in seeds_graph.objects(medvedev, SCHEMA.alternateName)}
    box = visit.page.locator("#kg-search")
    box.fill("Dimitry Medvedev")
    first = visit.page.locator("#kg-search-results li").first
    assert first.get_attribute("data-id") == "person/dmitry-medvedev"
    assert "Dimitry Medvedev" in first.inner_text()      # says which alias matched
    box.press("Enter")
    visit.page.wait_for_function("kg.selected === 'person/dmitry-medvedev'", timeout=5_000)
    assert visit.panel().startswith("Dmitry Medvedev")
    assert visit.js("kg.network.getSelectedNodes()") == ["person/dmitry-medvedev"]
    box.fill("medvedev")
    assert visit.page.locator("#kg-search-results li").first.get_attribute("data-id") == "person/dmitry-medvedev"


@pytest.mark.browser
def test_kind_filter_hides_every_organization(visit):
    def organizations():
        return [n for n in visit.visible() if n["group"] == "Organization"]
    before = len(visit.visible())
    assert organizations()
    visit.page.locator('input[data-kind="Organization"]').uncheck()
    assert organizations() == []
    assert 0 < len(visit.visible()) < before
    # vis-network draws no edge whose end is hidden: its list of drawn edges says so
    hidden = set(visit.js("kg.nodes.getIds({filter: function (n) { return n.hidden; }})"))
    drawn = visit.js("kg.network.body.edgeIndices.map(function (id) { return kg.edges.get(id); })")
    assert drawn and all(e["from"] not in hidden and e["to"] not in hidden for e in drawn)
    assert len(drawn) == len(visit.js("kg.shown().edges"))
    visit.page.locator('input[data-kind="Organization"]').check()
    assert len(visit.visible()) == before


@pytest.mark.browser
def test_relation_article_and_date_filters(visit):
    visit.page.locator('input[data-relation="attended"]').uncheck()
    assert [e for e in visit.visible("edges") if e["relation"] == "attended"] == []
    visit.page.locator('input[data-relation="attended"]').check()
    data = visit.js("kg.data")
    edges = visit.js("kg.edges.length")
    visit.page.select_option("#kg-article", "0")
    shown = visit.visible("edges")
    assert 0 < len(shown) < edges
    assert all(0 in data["edges"][int(e["id"][1:])]["articles"] for e in shown)
    visit.page.select_option("#kg-article", "")
    dates = sorted({a["date"] for a in data["articles"] if a["date"]})
    visit.page.locator("#kg-date").fill("0")                # up to the earliest article's date
    visit.page.locator("#kg-undated").uncheck()
    assert dates[0] in visit.page.inner_text("#kg-date-label")
    shown = visit.visible("edges")
    assert len(shown) < edges
    for e in shown:
        stated = [data["articles"][i]["date"] for i in data["edges"][int(e["id"][1:])]["articles"]]
        assert any(d and d <= dates[0] for d in stated)


@pytest.mark.browser
def test_who_met_whom_is_one_click_away(visit, seeds_graph):
    visit.page.click("#kg-view-met")
    visit.page.wait_for_function("kg.view() === 'met'")
    shown = visit.js("Object.values(kg.network.body.data.nodes.get()).map(function (n) { return n.id; })")
    assert shown and all(str(seeds_graph.value(ID[n], RDF.type)).endswith("Person") for n in shown)
    assert visit.js("kg.network.body.data.edges.length") == len(visit.js("kg.data.met"))
    visit.page.click("#kg-view-met")
    visit.page.wait_for_function("kg.view() === 'main'")
    assert visit.js("kg.network.body.data.nodes.length") == visit.js("kg.nodes.length")
    assert visit.errors == []


@pytest.mark.browser
def test_timeline_lists_meetings_by_date_and_focuses_them(visit, seeds_graph):
    buttons = visit.page.locator("#kg-timeline-list button")
    meetings = set(seeds_graph.subjects(RDF.type, NKG.Meeting))
    assert buttons.count() == len(meetings)
    dates = [d for d in buttons.locator("time").all_inner_texts() if d != "undated"]
    assert dates == sorted(dates) and dates
    first = buttons.first
    first.click()
    target = first.get_attribute("data-id")
    visit.page.wait_for_function("id => kg.selected === id", arg=target)
    assert visit.panel().startswith(node_label(seeds_graph, target))


@pytest.mark.browser
def test_clicking_an_edge_shows_its_sentence(visit):
    edge = visit.js("kg.data.edges.findIndex(function (e) { return e.relation === 'opposes' && e.evidence.length; })")
    assert edge >= 0
    visit.js("id => kg.showEdge(id)", f"e{edge}")
    sentence = visit.js(f"kg.data.edges[{edge}].evidence[0][1]")
    assert " ".join(sentence.split()) in " ".join(visit.panel().split())
    assert "opposes" in visit.panel()


@pytest.mark.browser
def test_screenshot_of_the_page(visit):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    visit.js("kg.showNode('person/sergey-lavrov'); kg.network.selectNodes(['person/sergey-lavrov']); kg.network.fit()")
    shot = ARTIFACTS / "graph.png"
    visit.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000


@pytest.mark.browser
def test_article_text_cannot_run_as_script(browser, tmp_path):
    from kg.api import build
    article = tmp_path / "in" / "hostile.txt"
    article.parent.mkdir()
    article.write_text(
        f"Lavrov warns {HOSTILE} over missile shield\n\nMarch 3, 2008\n\n"
        f"MOSCOW - Russian Foreign Minister Sergey Lavrov said on Monday that the plan {HOSTILE} was a threat.\n\n"
        f"\"We will answer {HOSTILE} any deployment in Poland,\" Lavrov said.\n", encoding="utf-8")
    build([article.parent], tmp_path / "out")
    g = Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    quotes = [q for q in g.subjects(RDF.type, NKG.Quote) if HOSTILE in str(g.value(q, NKG.text))]
    assert quotes, "the fixture should give a quote holding the script tag"
    speaker = str(g.value(quotes[0], NKG.speaker))[len(str(ID)):]
    html = (tmp_path / "out" / "graph.html").read_text(encoding="utf-8")
    assert HOSTILE not in html                        # escaped in the embedded JSON
    v = Visit(browser, tmp_path / "out" / "graph.html")
    try:
        assert v.js("typeof window.__pwned") == "undefined"
        v.js("id => kg.focusNode(id)", speaker)
        assert HOSTILE in v.panel()                       # shown as text, not run
        assert v.js("document.querySelectorAll('#kg-panel script').length") == 0
        assert v.js("typeof window.__pwned") == "undefined"
        assert v.errors == []
    finally:
        v.page.close()


# ---- without a browser ------------------------------------------------------------------

def test_same_graph_gives_byte_identical_html(seeds_graph, tmp_path):
    a = render_html(seeds_graph, tmp_path / "a.html").read_bytes()
    b = render_html(seeds_graph, tmp_path / "b.html").read_bytes()
    assert a == b
    assert b'src="http' not in a and b'href="http' not in a   # nothing to fetch: all inline


def test_focus_keeps_the_neighbourhood_only(seeds_graph, tmp_path):
    import json
    import re
    page = render_html(seeds_graph, tmp_path / "l.html", focus="Lavrov", depth=1).read_text(encoding="utf-8")
    nodes = json.loads(re.search(r'id="kg-nodes">(.*?)</script>', page).group(1))
    ids = {n["id"] for n in nodes}
    G = to_networkx(seeds_graph)
    assert LAVROV in ids and ids == {LAVROV, *G.predecessors(LAVROV), *G.successors(LAVROV)}
    with pytest.raises(GraphError):
        render_html(seeds_graph, tmp_path / "x.html", focus="Nobody Of That Name")


def test_kinds_limit_the_page_and_unknown_kinds_are_refused(seeds_graph, tmp_path):
    import json
    import re
    page = render_html(seeds_graph, tmp_path / "k.html", kinds={"person", "Meeting"}).read_text(encoding="utf-8")
    nodes = json.loads(re.search(r'id="kg-nodes">(.*?)</script>', page).group(1))
    assert nodes and {n["group"] for n in nodes} == {"Person", "Meeting"}
    with pytest.raises(GraphError):
        render_html(seeds_graph, tmp_path / "y.html", kinds={"spaceship"})


def test_kg_render_command_writes_a_page(seeds_build, tmp_path):
    from typer.testing import CliRunner
    from kg.cli import app
    out = tmp_path / "lavrov.html"
    result = CliRunner().invoke(app, ["render", "--graph", str(seeds_build), "--focus", "Lavrov",
                                      "--depth", "2", "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and "Sergey Lavrov" in out.read_text(encoding="utf-8")


def test_big_graphs_are_laid_out_in_python_with_physics_off(tmp_path):
    import json
    import re
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    from html_bench import synthetic_graph
    g = synthetic_graph(600, seed=1)
    G = to_networkx(g)
    pos = layout(G)
    assert set(pos) == set(G.nodes)
    page = render_html(g, tmp_path / "big.html").read_text(encoding="utf-8")
    options = json.loads(re.search(r'id="kg-options">(.*?)</script>', page).group(1))
    assert options["physics"]["enabled"] is False
    nodes = json.loads(re.search(r'id="kg-nodes">(.*?)</script>', page).group(1))
    assert all("x" in n and "y" in n for n in nodes)


@pytest.mark.browser
def test_big_page_opens_without_physics_and_labels_the_selected_nodes_edges(browser, tmp_path):
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    from html_bench import synthetic_graph
    g = synthetic_graph(600, seed=2)
    G = to_networkx(g)
    v = Visit(browser, render_html(g, tmp_path / "big.html"))
    try:
        assert v.js("[kg.nodes.length, kg.edges.length]") == [G.number_of_nodes(), G.number_of_edges()]
        assert v.js("kg.network.physics.physicsEnabled") is False
        assert v.js("kg.edges.get({filter: function (e) { return e.label && e.label.trim(); }}).length") == 0
        v.js("kg.focusNode('person/person-3')")
        v.page.wait_for_function("kg.edges.get({filter: function (e) { return e.label && e.label.trim(); }}).length > 0")
        labelled = v.js("kg.edges.get({filter: function (e) { return e.label && e.label.trim(); }})")
        assert all("person/person-3" in (e["from"], e["to"]) for e in labelled)
        assert v.errors == []
    finally:
        v.page.close()
