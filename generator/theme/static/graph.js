/* Note graphs from content-index.json: a local graph on each page, the whole vault on graph/.
   A small force layout drawn as SVG; every node is a keyboard-reachable link. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var indexes = {};

  function loadIndex(url) {
    if (!indexes[url]) {
      indexes[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error("content-index.json: HTTP " + r.status);
        return r.json();
      });
    }
    return indexes[url];
  }

  function pick(index, mode, slug) {
    var notes = index.notes;
    var keep = {};
    if (mode === "all") {
      Object.keys(notes).forEach(function (s) { keep[s] = true; });
    } else {
      if (!(slug in notes)) return null;
      keep[slug] = true;
      notes[slug].links.concat(notes[slug].backlinks).forEach(function (s) { if (s in notes) keep[s] = true; });
    }
    var nodes = Object.keys(keep).sort().map(function (s) {
      return { slug: s, note: notes[s], x: 0, y: 0, vx: 0, vy: 0, degree: 0 };
    });
    var at = {};
    nodes.forEach(function (n, i) { at[n.slug] = i; });
    var edges = [];
    var seen = {};
    nodes.forEach(function (n) {
      n.note.links.forEach(function (t) {
        if (!(t in at) || t === n.slug) return;
        var key = n.slug < t ? n.slug + "\u0000" + t : t + "\u0000" + n.slug;
        if (seen[key]) return;
        seen[key] = true;
        edges.push([at[n.slug], at[t]]);
        n.degree++; nodes[at[t]].degree++;
      });
    });
    return { nodes: nodes, edges: edges };
  }

  function layout(graph, width, height) {
    var nodes = graph.nodes, edges = graph.edges, n = nodes.length;
    // Deterministic start: a spiral, so the same vault always draws the same picture.
    nodes.forEach(function (node, i) {
      var angle = i * 2.399963;
      var radius = 10 * Math.sqrt(i + 1);
      node.x = width / 2 + radius * Math.cos(angle);
      node.y = height / 2 + radius * Math.sin(angle);
    });
    var ideal = Math.max(24, Math.min(90, Math.sqrt((width * height) / Math.max(n, 1)) * 0.8));
    var steps = Math.min(300, Math.floor(3e6 / Math.max(n * n, 1)) + 25);
    for (var step = 0; step < steps; step++) {
      var cooling = 1 - step / steps;
      for (var i = 0; i < n; i++) {
        var a = nodes[i];
        for (var j = i + 1; j < n; j++) {
          var b = nodes[j];
          var dx = a.x - b.x, dy = a.y - b.y;
          var d2 = dx * dx + dy * dy + 0.01;
          if (d2 > 9 * ideal * ideal) continue; // far apart: no push, so loners do not drift off
          var force = (ideal * ideal) / d2;
          a.vx += dx * force * 0.05; a.vy += dy * force * 0.05;
          b.vx -= dx * force * 0.05; b.vy -= dy * force * 0.05;
        }
      }
      edges.forEach(function (e) {
        var a = nodes[e[0]], b = nodes[e[1]];
        var dx = b.x - a.x, dy = b.y - a.y;
        var d = Math.sqrt(dx * dx + dy * dy) + 0.01;
        var pull = (d - ideal) / d * 0.1;
        a.vx += dx * pull; a.vy += dy * pull;
        b.vx -= dx * pull; b.vy -= dy * pull;
      });
      nodes.forEach(function (node) {
        node.vx += (width / 2 - node.x) * 0.02;
        node.vy += (height / 2 - node.y) * 0.02;
        var speed = Math.sqrt(node.vx * node.vx + node.vy * node.vy);
        var limit = 12 * cooling + 0.5;
        if (speed > limit) { node.vx *= limit / speed; node.vy *= limit / speed; }
        node.x += node.vx; node.y += node.vy;
        node.vx *= 0.5; node.vy *= 0.5;
      });
    }
    // Fit into the box.
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    nodes.forEach(function (p) {
      minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
    });
    var pad = 30;
    var sx = (width - 2 * pad) / Math.max(maxX - minX, 1);
    var sy = (height - 2 * pad) / Math.max(maxY - minY, 1);
    var s = Math.min(sx, sy, 1.5);
    var ox = (width - (maxX - minX) * s) / 2, oy = (height - (maxY - minY) * s) / 2;
    nodes.forEach(function (p) { p.x = ox + (p.x - minX) * s; p.y = oy + (p.y - minY) * s; });
  }

  function el(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function draw(container, graph, current, rootUrl, labels) {
    var width = Math.max(container.clientWidth, 200);
    var mode = container.getAttribute("data-graph");
    var height = mode === "all" ? Math.max(420, Math.min(window.innerHeight * 0.7, 900)) : 220;
    layout(graph, width, height);
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, width: "100%", height: height, role: "group",
                          "aria-label": "Graph of " + graph.nodes.length + " notes" });
    var lines = el("g", { class: "graph-edges" });
    graph.edges.forEach(function (e) {
      var a = graph.nodes[e[0]], b = graph.nodes[e[1]];
      lines.appendChild(el("line", { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1), y2: b.y.toFixed(1) }));
    });
    svg.appendChild(lines);
    var group = el("g", { class: "graph-nodes" });
    // Labels sit in their own layer above every node, so no circle covers a name. Crowded graphs
    // show the best-connected names and the rest on hover or keyboard focus.
    var labelLayer = el("g", { class: "graph-labels", "aria-hidden": "true" });
    var ranked = graph.nodes.slice().sort(function (a, b) { return b.degree - a.degree; });
    var always = {};
    var budget = labels ? graph.nodes.length : (mode === "all" ? 12 : 0);
    ranked.slice(0, budget).forEach(function (node) { always[node.slug] = true; });
    var crowded = graph.nodes.length > 30;
    graph.nodes.forEach(function (node) {
      var link = el("a", { href: new URL(node.note.url, rootUrl).href, class: "graph-node" +
        (node.slug === current ? " current" : "") + (node.note.lesson ? " lesson" : " concept") });
      var radius = crowded ? Math.min(3 + Math.sqrt(node.degree), 7) : Math.min(4 + Math.sqrt(node.degree) * 1.5, 11);
      link.appendChild(el("circle", { cx: node.x.toFixed(1), cy: node.y.toFixed(1), r: radius.toFixed(1) }));
      var title = el("title", {});
      title.textContent = node.note.title;
      link.appendChild(title);
      // Labels near the sides grow inwards so they stay inside the box.
      var anchor = node.x < width * 0.3 ? "start" : node.x > width * 0.7 ? "end" : "middle";
      var dx = anchor === "start" ? -radius : anchor === "end" ? radius : 0;
      var shown = always[node.slug] || node.slug === current;
      var text = el("text", { x: (node.x + dx).toFixed(1), y: (node.y + radius + 11).toFixed(1), "text-anchor": anchor,
                              class: shown ? "shown" : "" });
      var max = mode === "all" ? 28 : 22;
      text.textContent = node.note.title.length > max ? node.note.title.slice(0, max - 1) + "…" : node.note.title;
      labelLayer.appendChild(text);
      function on() { text.classList.add("active"); labelLayer.appendChild(text); }
      function off() { text.classList.remove("active"); }
      link.addEventListener("mouseenter", on);
      link.addEventListener("focus", on);
      link.addEventListener("mouseleave", off);
      link.addEventListener("blur", off);
      group.appendChild(link);
    });
    svg.appendChild(group);
    svg.appendChild(labelLayer);
    container.textContent = "";
    container.appendChild(svg);
  }

  function start() {
    var rootUrl = new URL(document.body.getAttribute("data-root") || "./", document.baseURI);
    var current = document.body.getAttribute("data-slug") || "";
    document.querySelectorAll(".graph[data-graph]").forEach(function (container) {
      if (container.hasAttribute("data-interactive")) return;  // graph-full.js draws it
      var mode = container.getAttribute("data-graph");
      var url = new URL(container.getAttribute("data-index"), document.baseURI).href;
      loadIndex(url).then(function (index) {
        var graph = pick(index, mode, current);
        if (!graph || (mode !== "all" && graph.nodes.length < 2)) {
          container.textContent = mode === "all" ? "No notes yet." : "No links to or from this note yet.";
          container.classList.add("graph-empty");
          return;
        }
        // Labels only where they fit; every node still names itself on hover and to screen readers.
        draw(container, graph, mode === "all" ? null : current, rootUrl,
             graph.nodes.length <= (mode === "all" ? 60 : 8));
      }).catch(function (error) {
        container.textContent = "The graph needs the site served over HTTP (" + error.message + ").";
        container.classList.add("graph-empty");
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
