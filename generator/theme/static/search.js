/* Search (Pagefind): pages with their lesson number and chapter, the sections that match
   under each page, more results on demand, and the closest titles when nothing matches. */
(function () {
  "use strict";
  var PAGE_SIZE = 8;      // results shown at first, and added by "Show more"
  var SECTIONS = 3;       // matching sections shown under a page
  var body = document.body;
  var rootUrl = new URL(body.getAttribute("data-root") || "./", document.baseURI);

  /* Lesson numbers and chapter names, from the course outline every page carries. */
  function outline() {
    var lessons = {};
    document.querySelectorAll("#sidebar .chapter").forEach(function (chapter) {
      var heading = chapter.querySelector(".chapter-title");
      var name = "";
      if (heading) {
        var copy = heading.cloneNode(true);
        copy.querySelectorAll(".number, .chapter-progress").forEach(function (part) {
          part.remove();  /* the chapter's name only, not its number or the reader's progress */
        });
        name = copy.textContent.trim();
      }
      chapter.querySelectorAll(".lesson > a").forEach(function (link) {
        var label = link.querySelector(".number");
        lessons[pageKey(link.href)] = { label: label ? label.textContent.trim() : "", chapter: name };
      });
    });
    return lessons;
  }
  function pageKey(href) {
    var url = new URL(href, document.baseURI);
    url.hash = "";
    return url.href;
  }

  /* Titles and aliases of every note, read once, when a search finds nothing. */
  var titles = null;
  function loadTitles() {
    if (!titles) {
      titles = fetch(new URL("content-index.json", rootUrl)).then(function (r) {
        if (!r.ok) throw new Error("content-index.json: HTTP " + r.status);
        return r.json();
      }).then(function (index) {
        var out = [];
        Object.keys(index.notes || {}).forEach(function (slug) {
          var note = index.notes[slug];
          var url = new URL(note.url, rootUrl).href;
          out.push({ title: note.title, name: note.title, url: url });
          (note.aliases || []).forEach(function (alias) {
            out.push({ title: note.title, name: alias, url: url });
          });
        });
        return out;
      });
      titles.catch(function () { titles = null; });
    }
    return titles;
  }
  function distance(a, b) {
    // Levenshtein distance, one row at a time.
    var previous = [], i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i];
      for (j = 1; j <= b.length; j++) {
        row.push(Math.min(previous[j] + 1, row[j - 1] + 1,
          previous[j - 1] + (a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1)));
      }
      previous = row;
    }
    return previous[b.length];
  }
  function likeness(query, name) {
    // The whole name, or its closest word: "pydantc" is close to "Pydantic models".
    var q = query.toLowerCase(), n = name.toLowerCase();
    var best = 1 - distance(q, n) / Math.max(q.length, n.length, 1);
    n.split(/[^\p{L}\p{N}]+/u).forEach(function (word) {
      if (word.length < 3) return;
      var score = 1 - distance(q, word) / Math.max(q.length, word.length);
      if (score > best) best = score;
    });
    return best;
  }
  function closest(query, all) {
    var byUrl = {};
    all.forEach(function (entry) {
      var score = likeness(query, entry.name);
      var known = byUrl[entry.url];
      if (!known || score > known.score) byUrl[entry.url] = { entry: entry, score: score };
    });
    return Object.keys(byUrl).map(function (url) { return byUrl[url]; })
      .filter(function (item) { return item.score >= 0.5; })
      .sort(function (a, b) { return b.score - a.score || a.entry.title.localeCompare(b.entry.title); })
      .slice(0, 3).map(function (item) { return item.entry; });
  }

  function setup() {
    var input = document.getElementById("search-input");
    var box = document.getElementById("search-results");
    if (!input || !box) return;
    var pagefind = null;
    var lessons = null;
    var active = -1;
    var timer = null;
    var serial = 0;
    var current = null;  // {query, results, shown}

    function load() {
      if (!pagefind) {
        var src = new URL(input.getAttribute("data-pagefind"), document.baseURI);
        var options = { baseUrl: rootUrl.pathname };
        pagefind = import(src.href).then(function (pf) {
          return Promise.resolve(pf.options(options)).then(function () {
            // Big sites are indexed in shards; merge the extra ones into one search.
            return fetch(new URL("shards.json", src)).then(function (r) { return r.ok ? r.json() : []; })
              .catch(function () { return []; });
          }).then(function (shards) {
            return Promise.all(shards.map(function (folder) {
              return pf.mergeIndex(new URL(folder, src).pathname, options);
            }));
          }).then(function () { return pf; });
        });
        pagefind.catch(function () { pagefind = null; });
      }
      return pagefind;
    }
    function options() { return box.querySelectorAll("[role=option]"); }
    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function open() {
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function excerpt(html) {
      // Keep Pagefind's <mark> highlights, nothing else.
      var template = document.createElement("template");
      template.innerHTML = html;
      var out = document.createDocumentFragment();
      template.content.childNodes.forEach(function (node) {
        if (node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          mark.textContent = node.textContent;
          out.appendChild(mark);
        } else {
          out.appendChild(document.createTextNode(node.textContent));
        }
      });
      return out;
    }
    function span(className, text) {
      var el = document.createElement("span");
      el.className = className;
      if (text) el.textContent = text;
      return el;
    }
    var ids = 0;
    function option(className, href) {
      var link = document.createElement("a");
      link.className = className;
      link.id = "search-option-" + (++ids);
      link.setAttribute("role", "option");
      link.href = href;
      return link;
    }
    function sections(data) {
      var subs = (data.sub_results || []).filter(function (sub) { return sub.url && sub.url.indexOf("#") > 0; });
      // The sections with the most matches first; a page's own top is its result already.
      subs.sort(function (a, b) { return (b.locations || []).length - (a.locations || []).length; });
      return subs.slice(0, SECTIONS);
    }
    function pageResult(data) {
      var group = document.createElement("div");
      group.className = "search-group";
      var link = option("search-result", data.url);
      var title = span("search-result-title");
      var lesson = lessons[pageKey(data.url)];
      if (lesson && lesson.label) title.appendChild(span("search-result-number", lesson.label + " "));
      title.appendChild(document.createTextNode((data.meta && data.meta.title) || data.url));
      link.appendChild(title);
      if (lesson && lesson.chapter) link.appendChild(span("search-result-chapter", lesson.chapter));
      var text = span("search-result-excerpt");
      text.appendChild(excerpt(data.excerpt || ""));
      link.appendChild(text);
      group.appendChild(link);
      sections(data).forEach(function (sub) {
        var item = option("search-sub", sub.url);
        item.appendChild(span("search-sub-title", sub.title));
        var subText = span("search-result-excerpt");
        subText.appendChild(excerpt(sub.excerpt || ""));
        item.appendChild(subText);
        group.appendChild(item);
      });
      return group;
    }
    function moreButton() {
      var left = current.results.length - current.shown;
      var more = document.createElement("button");
      more.type = "button";
      more.className = "search-more";
      more.id = "search-option-" + (++ids);
      more.setAttribute("role", "option");
      more.setAttribute("data-more", "");
      more.textContent = "Show " + Math.min(left, PAGE_SIZE) + " more of " + left + " results";
      more.addEventListener("click", function (event) {
        event.stopPropagation();
        showMore(true);
      });
      return more;
    }
    function showMore(focusFirstNew) {
      var mine = serial;
      var state = current;
      var batch = state.results.slice(state.shown, state.shown + PAGE_SIZE);
      return Promise.all(batch.map(function (r) { return r.data(); })).then(function (datas) {
        if (mine !== serial || state !== current) return;
        var old = box.querySelector(".search-more");
        if (old) old.remove();
        var firstNew = null;
        datas.forEach(function (data) {
          var group = pageResult(data);
          if (!firstNew) firstNew = group.querySelector("[role=option]");
          box.appendChild(group);
        });
        state.shown += batch.length;
        if (state.shown < state.results.length) box.appendChild(moreButton());
        if (focusFirstNew && firstNew) {
          var items = Array.prototype.indexOf.call(options(), firstNew);
          highlight(items);
        }
      });
    }
    function showNothing(query) {
      var empty = document.createElement("p");
      empty.className = "search-empty";
      empty.textContent = "No results for “" + query + "”";
      box.appendChild(empty);
      var mine = serial;
      loadTitles().then(function (all) {
        if (mine !== serial) return;
        var near = closest(query, all);
        if (!near.length) return;
        var label = document.createElement("p");
        label.className = "search-suggest-label";
        label.textContent = "Did you mean";
        box.appendChild(label);
        near.forEach(function (entry) {
          var link = option("search-suggestion", entry.url);
          var lesson = lessons[pageKey(entry.url)];
          if (lesson && lesson.label) link.appendChild(span("search-result-number", lesson.label + " "));
          link.appendChild(document.createTextNode(entry.title));
          box.appendChild(link);
        });
      }).catch(function () {});
    }
    function run() {
      var query = input.value.trim();
      var mine = ++serial;
      if (!query) { close(); return; }
      if (!lessons) lessons = outline();
      load().then(function (pf) { return pf.search(query); }).then(function (search) {
        if (mine !== serial) return;
        box.textContent = "";
        active = -1;
        input.removeAttribute("aria-activedescendant");
        current = { query: query, results: search.results, shown: 0 };
        open();
        if (!search.results.length) { showNothing(query); return; }
        return showMore(false);
      }).catch(function (error) {
        if (mine !== serial) return;
        box.textContent = "";
        var p = document.createElement("p");
        p.className = "search-empty";
        p.textContent = "Search is not available here (" + (error && error.message ? error.message : error) + ").";
        box.appendChild(p);
        open();
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    input.addEventListener("focus", function () { load().catch(function () {}); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter") {
        var items = options();
        var target = items[active >= 0 ? active : 0];
        if (!target) return;
        event.preventDefault();
        if (target.hasAttribute("data-more")) { showMore(true); return; }
        close();
        location.href = target.href;
      } else if (event.key === "Escape") { close(); }
    });
    box.addEventListener("click", function (event) {
      // A section of this very page: the address only changes its #, so close the list.
      if (event.target.closest && event.target.closest("a[role=option]")) close();
    });
    document.addEventListener("keydown", function (event) {
      var tag = (event.target && event.target.tagName) || "";
      if (event.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(tag) && !event.target.isContentEditable) {
        event.preventDefault();
        input.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".search")) close();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
