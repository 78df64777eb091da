/* newskg graph page: draws the network pyvis wrote and wires the legend, filters, search,
 * side panel, timeline and the "who met whom" view. Text from articles only ever reaches the
 * page through textContent (never innerHTML), so an article cannot inject markup or script. */
(function () {
  "use strict";

  function readJson(id) { return JSON.parse(document.getElementById(id).textContent); }
  var DATA = readJson("kg-data");
  var OPTIONS = readJson("kg-options");
  var BIG = OPTIONS.physics && OPTIONS.physics.enabled === false;
  var nodes = new vis.DataSet(readJson("kg-nodes"));
  var edges = new vis.DataSet(readJson("kg-edges"));
  var network = new vis.Network(document.getElementById("mynetwork"), { nodes: nodes, edges: edges }, OPTIONS);
  var $ = function (id) { return document.getElementById(id); };
  var KIND = {};
  DATA.kinds.forEach(function (k) { KIND[k.id] = k; });

  // ---- small DOM helpers: every text goes through textContent -------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "cls") node.className = attrs[key];
      else if (key === "onclick") node.addEventListener("click", attrs[key]);
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function nodeLink(id) {
    var info = DATA.nodes[id];
    return el("a", { cls: "kg-node-link", text: info ? info.label : id, role: "button", tabindex: "0",
                     onclick: function () { focusNode(id); } });
  }
  function articleLine(index) {
    var a = DATA.articles[index];
    if (!a) return "unknown article";
    return "“" + a.headline + "”, " + (a.date || "undated") + (a.file ? " (" + a.file + ")" : "");
  }
  function evidenceList(rows) {
    if (!rows.length) return el("p", { cls: "kg-help", text: "No sentence recorded for this fact." });
    return el("ul", {}, rows.map(function (row) {
      return el("li", { cls: "kg-evidence" }, [
        el("blockquote", { text: row[1] || "(no sentence: stated by " + row[2] + ")" }),
        el("div", { cls: "kg-source", text: "— " + articleLine(row[0]) + " · rule " + row[2] }),
      ]);
    }));
  }

  // ---- adjacency between page ids and the facts behind each edge ----------------------
  var incident = {};
  DATA.edges.forEach(function (e, i) {
    (incident[e.from] = incident[e.from] || []).push(i);
    (incident[e.to] = incident[e.to] || []).push(i);
  });
  var degree = {};
  Object.keys(DATA.nodes).forEach(function (id) { degree[id] = (incident[id] || []).length; });

  // ---- side panel ---------------------------------------------------------------------
  var panel = $("kg-panel");
  function clearPanel(children) {
    panel.textContent = "";
    children.forEach(function (c) { if (c) panel.appendChild(c); });
  }
  function showNode(id) {
    var info = DATA.nodes[id];
    if (!info) return;
    var kind = KIND[info.kind] || { name: info.kind, color: "#888" };
    var parts = [
      el("h2", { cls: "kg-name", text: info.label }),
      el("div", {}, [el("span", { cls: "kg-kind", style: "background:" + kind.color, text: kind.name }),
                     info.detail ? " " + info.detail : "", info.date ? " · " + info.date : ""]),
    ];
    if (info.aliases.length) parts.push(el("p", { cls: "kg-aliases" }, [el("strong", { text: "Also called: " }), info.aliases.join(", ")]));
    if (info.wikidata && /^https?:\/\/www\.wikidata\.org\/entity\/Q[0-9]+$/.test(info.wikidata)) {
      parts.push(el("p", {}, [el("a", { href: info.wikidata, target: "_blank", rel: "noopener noreferrer",
                                          text: "Wikidata " + info.wikidata.split("/").pop() })]));
    }
    if (info.text) parts.push(el("blockquote", { text: info.text }));
    if (info.offices) {
      parts.push(el("h2", { text: "Offices (" + info.offices.length + ")" }));
      parts.push(el("ul", { cls: "kg-offices" }, info.offices.map(function (o) {
        var conflicts = o.conflicts.map(function (c) {
          var other = info.offices.filter(function (x) { return x.id === c; })[0];
          return other ? other.title + (other.of ? " of " + other.of : "") : c;
        });
        return el("li", { cls: "kg-office", "data-office": o.title + (o.of ? " of " + o.of : "") }, [
          el("strong", { text: o.title }), o.of ? " of " : "", o.ofId ? nodeLink(o.ofId) : "",
          conflicts.length ? el("div", { cls: "kg-conflict", text: "conflicts with: " + conflicts.join("; ") }) : null,
          evidenceList(o.evidence),
        ]);
      })));
    }
    var facts = (incident[id] || []).filter(function (i) { return DATA.edges[i].relation !== "holds office in"; });
    if (facts.length) {
      parts.push(el("h2", { text: "Facts (" + facts.length + ")" }));
      parts.push(el("ul", { cls: "kg-facts" }, facts.map(function (i) {
        var e = DATA.edges[i];
        var line = e.from === id ? [e.relation + " → ", nodeLink(e.to)] : [nodeLink(e.from), " " + e.relation + " → this"];
        return el("li", { cls: "kg-fact" }, [el("div", {}, line), evidenceList(e.evidence)]);
      })));
    }
    if (info.quotes) {
      parts.push(el("h2", { text: "Quotes (" + info.quotes.length + ")" }));
      parts.push(el("ul", {}, info.quotes.map(function (q) {
        return el("li", {}, [el("blockquote", { text: q[1] }), el("div", { cls: "kg-source", text: "— " + articleLine(q[0]) })]);
      })));
    }
    if (info.articles.length) {
      parts.push(el("h2", { text: "Mentioned in" }));
      parts.push(el("ul", {}, info.articles.map(function (a) { return el("li", { text: articleLine(a) }); })));
    }
    clearPanel(parts);
  }
  function showEdge(edgeId) {
    if (view === "met") return showMet(edgeId);
    var i = Number(String(edgeId).slice(1)), e = DATA.edges[i];
    if (!e) return;
    var parts = [el("h2", { cls: "kg-name" }, [nodeLink(e.from), " " + e.label.replace("\n", " ") + " → ", nodeLink(e.to)]),
                 el("div", {}, [el("span", { cls: "kg-kind", style: "background:#52606d", text: e.relation })])];
    parts.push(el("h2", { text: "Stated in" }));
    parts.push(evidenceList(e.evidence));
    clearPanel(parts);
  }

  // ---- filters: kinds (the legend), relations, article, date --------------------------
  var state = { kindsOff: {}, relationsOff: {}, article: "", dateIndex: 0, undated: true };
  var dates = DATA.articles.map(function (a) { return a.date; }).filter(Boolean)
    .filter(function (d, i, all) { return all.indexOf(d) === i; }).sort();
  state.dateIndex = dates.length;

  function kindCount(kind) { return Object.keys(DATA.nodes).filter(function (id) { return DATA.nodes[id].kind === kind; }).length; }
  DATA.kinds.forEach(function (k) {
    var box = el("input", { type: "checkbox", "data-kind": k.id });
    box.checked = true;
    box.addEventListener("change", function () { state.kindsOff[k.id] = !box.checked; applyFilters(); });
    $("kg-legend").appendChild(el("li", {}, [el("label", {}, [box,
      el("span", { cls: "kg-swatch kg-shape-" + k.shape, style: "background:" + k.color }),
      k.name, el("span", { cls: "kg-count", text: String(kindCount(k.id)) })])]));
  });
  DATA.relations.forEach(function (r) {
    var box = el("input", { type: "checkbox", "data-relation": r });
    box.checked = true;
    box.addEventListener("change", function () { state.relationsOff[r] = !box.checked; applyFilters(); });
    var n = DATA.edges.filter(function (e) { return e.relation === r; }).length;
    $("kg-relations").appendChild(el("li", {}, [el("label", {}, [box, r, el("span", { cls: "kg-count", text: String(n) })])]));
  });
  DATA.articles.forEach(function (a, i) {
    $("kg-article").appendChild(el("option", { value: String(i), text: (a.date || "undated") + " — " + a.headline }));
  });
  $("kg-article").addEventListener("change", function (ev) { state.article = ev.target.value; applyFilters(); });
  var slider = $("kg-date");
  slider.max = String(dates.length);
  slider.value = String(dates.length);
  slider.disabled = dates.length === 0;
  slider.addEventListener("input", function () { state.dateIndex = Number(slider.value); applyFilters(); });
  $("kg-undated").addEventListener("change", function (ev) { state.undated = ev.target.checked; applyFilters(); });

  function articleShown(index) {
    if (state.article !== "" && String(index) !== state.article) return false;
    var date = DATA.articles[index] ? DATA.articles[index].date : "";
    if (!date) return state.undated;
    return state.dateIndex >= dates.length || date <= dates[state.dateIndex];
  }
  function provenanceShown(articles) {
    // An item no article supports (a gazetteer fact) is shown unless one article is chosen.
    if (!articles.length) return state.article === "";
    return articles.some(articleShown);
  }
  var hiddenNode = {}, hiddenEdge = {};
  function applyFilters() {
    $("kg-date-label").textContent = state.dateIndex >= dates.length ? "all dates" : "up to " + dates[state.dateIndex];
    var nodeChanges = [], edgeChanges = [];
    Object.keys(DATA.nodes).forEach(function (id) {
      var info = DATA.nodes[id];
      var hide = !!state.kindsOff[info.kind] || !provenanceShown(info.articles);
      if (hide !== !!hiddenNode[id]) nodeChanges.push({ id: id, hidden: hide });
      hiddenNode[id] = hide;
    });
    // An edge is hidden here only for its own sake (relation, article, date): vis-network does
    // not draw an edge whose end is hidden, and each DataSet update costs a pass over the
    // whole network, so edges are not touched when only nodes change.
    DATA.edges.forEach(function (e, i) {
      var hide = !!state.relationsOff[e.relation] || !provenanceShown(e.articles);
      if (hide !== !!hiddenEdge[i]) edgeChanges.push({ id: "e" + i, hidden: hide });
      hiddenEdge[i] = hide;
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
  }
  function resetFilters() {
    state.kindsOff = {}; state.relationsOff = {}; state.article = ""; state.dateIndex = dates.length; state.undated = true;
    document.querySelectorAll("#kg-filters input[type=checkbox]").forEach(function (b) { b.checked = true; });
    $("kg-article").value = ""; slider.value = String(dates.length);
    applyFilters();
  }

  // ---- search: any name or alias, accents and case ignored -----------------------------
  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim(); }
  var searchIndex = Object.keys(DATA.nodes).map(function (id) {
    var info = DATA.nodes[id];
    return { id: id, names: [info.label].concat(info.aliases).map(function (n) { return [n, fold(n)]; }) };
  });
  function search(query) {
    var q = fold(query);
    if (!q) return [];
    var found = [];
    searchIndex.forEach(function (entry) {
      var best = null;
      entry.names.forEach(function (pair) {
        // the same tiers as kg.render._name_score: exact, start, last words, a word, inside
        var f = pair[1], score = f === q ? 0 : f.indexOf(q) === 0 ? 1 : f.slice(-q.length - 1) === " " + q ? 1.5 :
          (" " + f).indexOf(" " + q) >= 0 ? 2 : f.indexOf(q) >= 0 ? 3 : 9;
        if (score < 9 && (!best || score < best.score)) best = { id: entry.id, score: score, name: pair[0] };
      });
      if (best) found.push(best);
    });
    found.sort(function (a, b) {
      return a.score - b.score || degree[b.id] - degree[a.id] || (DATA.nodes[a.id].label < DATA.nodes[b.id].label ? -1 : 1);
    });
    return found.slice(0, 12);
  }
  var results = $("kg-search-results"), box = $("kg-search"), hits = [], active = 0;
  function drawResults() {
    results.textContent = "";
    hits.forEach(function (h, i) {
      var info = DATA.nodes[h.id];
      var sub = (KIND[info.kind] || { name: info.kind }).name + (h.name !== info.label ? " · as “" + h.name + "”" : "");
      var li = el("li", { role: "option", cls: i === active ? "active" : "", "data-id": h.id },
                  [info.label, " ", el("span", { cls: "kg-sub", text: sub })]);
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(h.id); });
      results.appendChild(li);
    });
    if (!hits.length && box.value.trim()) results.appendChild(el("li", { cls: "kg-sub", text: "no node has this name" }));
    results.hidden = !box.value.trim();
  }
  function choose(id) { results.hidden = true; focusNode(id); }
  box.addEventListener("input", function () { hits = search(box.value); active = 0; drawResults(); });
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      active = Math.max(0, Math.min(hits.length - 1, active + (ev.key === "ArrowDown" ? 1 : -1)));
      drawResults(); ev.preventDefault();
    } else if (ev.key === "Enter") {
      hits = search(box.value);
      if (hits.length) choose(hits[Math.min(active, hits.length - 1)].id);
      ev.preventDefault();
    } else if (ev.key === "Escape") { results.hidden = true; }
  });
  box.addEventListener("blur", function () { results.hidden = true; });

  // ---- focusing a node ------------------------------------------------------------------
  function focusNode(id) {
    if (!DATA.nodes[id]) return false;
    if (view === "met" && !metNodes.get(id)) setView("main");
    if (view === "main" && hiddenNode[id]) resetFilters();
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), BIG ? 0.8 : 1.0), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showNode(id);
    labelEdgesOf(id);
    window.kg.selected = id;
    return true;
  }

  // ---- who met whom: people linked through the meetings they attended -------------------
  var view = "main", metNodes = null, metEdges = null;
  function buildMet() {
    var people = {};
    DATA.met.forEach(function (m) { people[m[0]] = (people[m[0]] || 0) + 1; people[m[1]] = (people[m[1]] || 0) + 1; });
    var pos = network.getPositions(Object.keys(people));
    metNodes = new vis.DataSet(Object.keys(people).sort().map(function (id) {
      var base = nodes.get(id);
      return { id: id, label: base.label, group: base.group, title: base.label + " · met " + people[id] + " people",
               size: 10 + 5 * Math.sqrt(people[id]), x: pos[id] ? pos[id].x : undefined, y: pos[id] ? pos[id].y : undefined };
    }));
    metEdges = new vis.DataSet(DATA.met.map(function (m, i) {
      return { id: "m" + i, from: m[0], to: m[1], arrows: "", label: m[2].length > 1 ? m[2].length + " meetings" : "",
               title: m[2].map(function (x) { return DATA.nodes[x].label + (DATA.nodes[x].date ? " (" + DATA.nodes[x].date + ")" : ""); }).join("\n"),
               width: Math.min(1 + m[2].length, 6) };
    }));
  }
  function showMet(edgeId) {
    var m = DATA.met[Number(String(edgeId).slice(1))];
    if (!m) return;
    clearPanel([el("h2", { cls: "kg-name" }, [nodeLink(m[0]), " met ", nodeLink(m[1])]),
                el("h2", { text: "At " + m[2].length + " meeting" + (m[2].length > 1 ? "s" : "") }),
                el("ul", {}, m[2].map(function (x) {
                  return el("li", {}, [nodeLink(x), DATA.nodes[x].date ? " · " + DATA.nodes[x].date : ""]);
                }))]);
  }
  function setView(which) {
    if (which === view) return;
    var button = $("kg-view-met"), note = $("kg-view-note");
    if (which === "met") {
      if (!BIG) {  // keep where the physics put the nodes, to come back to the same picture
        var pos = network.getPositions();
        nodes.update(Object.keys(pos).map(function (id) { return { id: id, x: pos[id].x, y: pos[id].y }; }));
      }
      if (!metNodes) buildMet();
      network.setData({ nodes: metNodes, edges: metEdges });
      note.textContent = "Who met whom: " + metNodes.length + " people, " + metEdges.length + " links through shared meetings. Filters apply to the full graph.";
    } else {
      network.setData({ nodes: nodes, edges: edges });
      note.textContent = "";
    }
    view = which;
    note.hidden = which !== "met";
    button.setAttribute("aria-pressed", String(which === "met"));
    button.textContent = which === "met" ? "Full graph" : "Who met whom";
    if (!BIG && which === "met") {
      network.setOptions({ physics: { enabled: true } });
      network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: { enabled: false } }); });
      network.stabilize(150);
    }
    network.fit();
  }
  $("kg-view-met").addEventListener("click", function () { setView(view === "met" ? "main" : "met"); });
  $("kg-reset").addEventListener("click", function () {
    setView("main"); resetFilters(); box.value = ""; results.hidden = true;
    network.unselectAll(); network.fit(); clearPanel([el("p", { cls: "kg-help", text: "Click a node or an edge to see its names, its facts and the sentences that state them." })]);
  });

  // ---- timeline of meetings ---------------------------------------------------------------
  DATA.timeline.forEach(function (id) {
    var info = DATA.nodes[id];
    $("kg-timeline-list").appendChild(el("li", {}, [el("button", { type: "button", "data-id": id, onclick: function () { focusNode(id); } },
      [el("time", { text: info.date || "undated" }), info.label])]));
  });
  if (!DATA.timeline.length) $("kg-timeline-list").appendChild(el("li", { cls: "kg-help", text: "no meetings in this graph" }));

  // ---- big graphs: label only the selected node's edges -------------------------------------
  var labelled = [];
  function labelEdgesOf(id) {
    if (!BIG || view !== "main") return;
    // a space, not "" or null: vis-network keeps an edge's old label over those
    var changes = labelled.map(function (i) { return { id: "e" + i, label: " " }; });
    labelled = id ? (incident[id] || []).slice(0, 200) : [];
    labelled.forEach(function (i) { changes.push({ id: "e" + i, label: DATA.edges[i].label }); });
    if (changes.length) setTimeout(function () { edges.update(changes); }, 0);  // after the panel paints
  }
  network.on("selectNode", function (params) { labelEdgesOf(params.nodes[0]); });
  network.on("deselectNode", function () { labelEdgesOf(null); });

  // ---- clicks and readiness -----------------------------------------------------------------
  network.on("click", function (params) {
    if (params.nodes.length) { window.kg.selected = params.nodes[0]; showNode(params.nodes[0]); }
    else if (params.edges.length) showEdge(params.edges[0]);
  });
  function ready() {
    if (window.kgReady) return;
    if (!BIG) network.setOptions({ physics: { enabled: false } });  // bounded: no drift after layout
    window.kgReadyAt = performance.now();  // ms since navigation started (bench/html_bench.py)
    window.kgReady = true;
    if (DATA.focus.length) focusNode(DATA.focus[0]);
    document.body.setAttribute("data-ready", "true");
  }
  if (BIG || nodes.length === 0) network.once("afterDrawing", ready);
  else network.once("stabilizationIterationsDone", ready);
  if (nodes.length === 0) setTimeout(ready, 0);

  function shown() {  // what is drawn: nodes not hidden, edges not hidden between shown nodes
    var ids = nodes.getIds({ filter: function (n) { return !n.hidden; } }), on = {};
    ids.forEach(function (id) { on[id] = true; });
    return { nodes: ids, edges: edges.getIds({ filter: function (e) { return !e.hidden && on[e.from] && on[e.to]; } }) };
  }
  window.kg = { shown: shown, network: network, nodes: nodes, edges: edges, data: DATA, focusNode: focusNode,
                showNode: showNode, showEdge: showEdge, setView: setView, search: search,
                resetFilters: resetFilters, state: state, selected: null,
                view: function () { return view; } };
})();
