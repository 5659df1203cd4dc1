/* The graph page: every note and its links, laid out by d3-force (a copy of d3 shipped in
   the theme). Zoom and pan with the wheel, a drag or the buttons; drag a note to move it;
   hovering or focusing a note lights up its neighbours; a click opens it. Lessons are
   coloured by chapter, and ringed by the reader's progress on their exercises. */
(function () {
  "use strict";
  var d3 = window.d3;
  var container = document.querySelector(".graph[data-graph='all'][data-interactive]");
  if (!container) return;
  if (!d3 || !d3.forceSimulation) {
    container.textContent = "The graph library did not load.";
    container.classList.add("graph-empty");
    return;
  }
  var PROGRESS_KEY = "coursegen:progress";
  var CHAPTER_COLOURS = 8;  // chapter-1 … chapter-8 in graph-full.css, then round again
  var rootUrl = new URL(document.body.getAttribute("data-root") || "./", document.baseURI);

  function pageKey(href) {
    var url = new URL(href, document.baseURI);
    url.hash = "";
    return url.href;
  }
  /* Chapters and each lesson's exercises, from the course outline every page carries. */
  function outline() {
    var chapters = [], lessons = {};
    document.querySelectorAll("#sidebar .chapter").forEach(function (chapter, i) {
      var heading = chapter.querySelector(".chapter-title");
      chapters.push({ number: i + 1, title: heading ? heading.textContent.trim() : "Chapter " + (i + 1) });
      chapter.querySelectorAll(".lesson").forEach(function (item) {
        var link = item.querySelector("a");
        if (!link) return;
        lessons[pageKey(link.href)] = (item.getAttribute("data-exercises") || "").split(/\s+/).filter(Boolean);
      });
    });
    return { chapters: chapters, lessons: lessons };
  }
  function readProgress() {
    try { return JSON.parse(localStorage.getItem(PROGRESS_KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function progressOf(exercises, progress) {
    if (!exercises || !exercises.length) return "";
    var passed = exercises.filter(function (id) { return progress[id] && progress[id].passed; }).length;
    return passed === exercises.length ? "done" : passed ? "started" : "todo";
  }

  function graphOf(index) {
    var notes = index.notes || {};
    var slugs = Object.keys(notes).sort();
    var nodes = slugs.map(function (slug) {
      var note = notes[slug];
      return { id: slug, note: note, url: new URL(note.url, rootUrl).href, degree: 0, near: {} };
    });
    var byId = {};
    nodes.forEach(function (node) { byId[node.id] = node; });
    var links = [], seen = {};
    nodes.forEach(function (node) {
      (node.note.links || []).forEach(function (target) {
        if (!(target in byId) || target === node.id) return;
        var key = node.id < target ? node.id + "\u0000" + target : target + "\u0000" + node.id;
        if (seen[key]) return;
        seen[key] = true;
        links.push({ source: node.id, target: target });
        node.degree++; byId[target].degree++;
        node.near[target] = true; byId[target].near[node.id] = true;
      });
    });
    return { nodes: nodes, links: links };
  }

  function legend(chapters) {
    var list = document.createElement("ul");
    list.className = "graph-legend";
    chapters.forEach(function (chapter) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "graph-swatch chapter-" + (((chapter.number - 1) % CHAPTER_COLOURS) + 1);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(chapter.title));
      list.appendChild(item);
    });
    [["concept", "Concept"], ["done", "Exercises solved"], ["started", "Exercises started"]].forEach(function (pair) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "graph-swatch " + pair[0];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(pair[1]));
      list.appendChild(item);
    });
    return list;
  }

  function button(label, text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "graph-button";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }

  function draw(index) {
    var course = outline();
    var graph = graphOf(index);
    if (!graph.nodes.length) {
      container.textContent = "No notes yet.";
      container.classList.add("graph-empty");
      return;
    }
    var progress = readProgress();
    var width = Math.max(container.clientWidth, 300);
    var height = Math.round(Math.max(420, Math.min(window.innerHeight * 0.72, 900)));
    container.textContent = "";

    var svg = d3.select(container).append("svg")
      .attr("viewBox", [0, 0, width, height].join(" "))
      .attr("width", "100%").attr("height", height)
      .attr("role", "group")
      .attr("aria-label", "Graph of " + graph.nodes.length + " notes");
    var view = svg.append("g").attr("class", "graph-viewport");
    var edges = view.append("g").attr("class", "graph-edges").selectAll("line")
      .data(graph.links).join("line");
    var crowded = graph.nodes.length > 60;
    function radius(d) { return Math.min((crowded ? 3 : 4.5) + Math.sqrt(d.degree) * 1.4, 12); }

    var nodes = view.append("g").attr("class", "graph-nodes").selectAll("a")
      .data(graph.nodes).join("a")
      .attr("href", function (d) { return d.url; })
      .attr("data-slug", function (d) { return d.id; })
      .attr("class", function (d) {
        var lesson = d.note.lesson;
        var names = ["graph-node", lesson ? "lesson" : "concept"];
        if (lesson) {
          names.push("chapter-" + (((lesson.chapter - 1) % CHAPTER_COLOURS) + 1));
          var state = progressOf(course.lessons[pageKey(d.url)], progress);
          if (state) names.push(state);
        }
        return names.join(" ");
      });
    nodes.append("circle").attr("r", radius);
    nodes.append("title").text(function (d) {
      var lesson = d.note.lesson;
      return (lesson ? "Lesson " + lesson.chapter + "." + lesson.number + " · " : "") + d.note.title;
    });
    // Names of the best-connected notes always; the others when zoomed in, or on hover.
    var ranked = graph.nodes.slice().sort(function (a, b) { return b.degree - a.degree; });
    var always = {};
    ranked.slice(0, crowded ? 15 : graph.nodes.length).forEach(function (d) { always[d.id] = true; });
    var labelLayer = view.append("g").attr("class", "graph-labels").attr("aria-hidden", "true");
    var labels = labelLayer.selectAll("text").data(graph.nodes).join("text")
      .attr("class", function (d) { return always[d.id] ? "shown" : ""; })
      .attr("dy", function (d) { return radius(d) + 2; })
      .attr("text-anchor", "middle")
      .text(function (d) { return d.note.title.length > 32 ? d.note.title.slice(0, 31) + "…" : d.note.title; });

    var simulation = d3.forceSimulation(graph.nodes)
      .force("link", d3.forceLink(graph.links).id(function (d) { return d.id; }).distance(crowded ? 60 : 70))
      .force("charge", d3.forceManyBody().strength(crowded ? -240 : -220).distanceMax(600))
      .force("collide", d3.forceCollide().radius(function (d) { return radius(d) + 8; }))
      .force("x", d3.forceX(width / 2).strength(0.04))
      .force("y", d3.forceY(height / 2).strength(0.06));
    simulation.on("tick", function () {
      edges.attr("x1", function (d) { return d.source.x; }).attr("y1", function (d) { return d.source.y; })
        .attr("x2", function (d) { return d.target.x; }).attr("y2", function (d) { return d.target.y; });
      nodes.select("circle").attr("cx", function (d) { return d.x; }).attr("cy", function (d) { return d.y; });
      labels.attr("x", function (d) { return d.x; }).attr("y", function (d) { return d.y; });
    });

    /* Hover or focus: the note, its neighbours and their links stand out. */
    function light(d) {
      svg.classed("graph-focus", true);
      nodes.classed("near", function (n) { return n === d || !!d.near[n.id]; });
      labels.classed("near", function (n) { return n === d || !!d.near[n.id]; });
      edges.classed("near", function (e) { return e.source === d || e.target === d; });
      labels.filter(function (n) { return n === d; }).raise();
    }
    function unlight() {
      svg.classed("graph-focus", false);
      nodes.classed("near", false);
      labels.classed("near", false);
      edges.classed("near", false);
    }
    nodes.on("mouseenter focus", function (event, d) { light(d); })
      .on("mouseleave blur", unlight);

    /* Drag a note to move it; it stays where it is dropped. d3-drag swallows the click that
       ends a drag, so only a click without moving opens the note. */
    nodes.call(d3.drag()
      .on("start", function (event, d) {
        if (!event.active) simulation.alphaTarget(0.2).restart();
        d.fx = d.x; d.fy = d.y;
      })
      .on("drag", function (event, d) { d.fx = event.x; d.fy = event.y; })
      .on("end", function (event) { if (!event.active) simulation.alphaTarget(0); }));

    /* Zoom and pan: the wheel, a drag on the background, two fingers, or the buttons. */
    var fittedScale = 1;
    var zoom = d3.zoom().scaleExtent([0.2, 8]).on("zoom", function (event) {
      view.attr("transform", event.transform);
      // Names keep their size on screen: zooming in makes room between them, not bigger names.
      labelLayer.style("font-size", (11 / event.transform.k).toFixed(2) + "px");
      // Every name once zoomed in well past the whole-graph view.
      svg.classed("graph-near", event.transform.k >= fittedScale * 1.8);
      container.setAttribute("data-zoom", event.transform.k.toFixed(2));
    });
    svg.call(zoom).on("dblclick.zoom", null);
    var tools = document.createElement("div");
    tools.className = "graph-tools";
    tools.appendChild(button("Zoom in", "+", function () { svg.transition().duration(200).call(zoom.scaleBy, 1.5); }));
    tools.appendChild(button("Zoom out", "\u2212", function () { svg.transition().duration(200).call(zoom.scaleBy, 1 / 1.5); }));
    tools.appendChild(button("Fit the whole graph", "\u2922", fit));
    container.appendChild(tools);
    container.parentNode.insertBefore(legend(course.chapters), container.nextSibling);

    function fitted() {
      var xs = d3.extent(graph.nodes, function (d) { return d.x; });
      var ys = d3.extent(graph.nodes, function (d) { return d.y; });
      var minX = xs[0], maxX = xs[1], minY = ys[0], maxY = ys[1];
      var k = Math.min(2, 0.9 / Math.max((maxX - minX + 40) / width, (maxY - minY + 40) / height));
      return d3.zoomIdentity.translate(width / 2, height / 2).scale(k)
        .translate(-(minX + maxX) / 2, -(minY + maxY) / 2);
    }
    function fit() { svg.transition().duration(250).call(zoom.transform, fitted()); }
    // Lay out first (no animation for the reader to wait through), then show it fitted.
    simulation.stop();
    for (var i = 0, n = Math.ceil(Math.log(simulation.alphaMin()) / Math.log(1 - simulation.alphaDecay())); i < n; i++) {
      simulation.tick();
    }
    simulation.on("tick")();
    var whole = fitted();
    fittedScale = whole.k;
    svg.call(zoom.transform, whole);
    container.setAttribute("data-settled", "");

    /* Progress solved in another tab shows here too. */
    window.addEventListener("storage", function (event) {
      if (event.key !== PROGRESS_KEY) return;
      var now = readProgress();
      nodes.each(function (d) {
        if (!d.note.lesson) return;
        var state = progressOf(course.lessons[pageKey(d.url)], now);
        d3.select(this).classed("done", state === "done").classed("started", state === "started")
          .classed("todo", state === "todo");
      });
    });
  }

  var url = new URL(container.getAttribute("data-index"), document.baseURI).href;
  fetch(url).then(function (r) {
    if (!r.ok) throw new Error("content-index.json: HTTP " + r.status);
    return r.json();
  }).then(draw).catch(function (error) {
    container.textContent = "The graph needs the site served over HTTP (" + error.message + ").";
    container.classList.add("graph-empty");
  });
})();
