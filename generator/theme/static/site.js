/* Course site behaviour: menu, hover previews, exercise progress (search: search.js). */
(function () {
  "use strict";
  var body = document.body;

  /* ---- menu (narrow screens) ---- */
  function setupMenu() {
    var button = document.querySelector(".menu-button");
    var sidebar = document.getElementById("sidebar");
    if (!button || !sidebar) return;
    function set(open) {
      body.classList.toggle("menu-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var current = sidebar.querySelector("[aria-current]") || sidebar.querySelector("a");
        if (current) current.focus();
      }
    }
    button.addEventListener("click", function () { set(!body.classList.contains("menu-open")); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && body.classList.contains("menu-open")) { set(false); button.focus(); }
    });
    sidebar.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) set(false);
    });
    // A click on the dimmed page beside the open menu closes it.
    document.addEventListener("click", function (event) {
      if (!body.classList.contains("menu-open") || !event.target.closest) return;
      if (!event.target.closest("#sidebar, .menu-button")) set(false);
    });
    var current = sidebar.querySelector("[aria-current]");
    if (current && current.scrollIntoView && sidebar.scrollHeight > sidebar.clientHeight) {
      current.scrollIntoView({ block: "center" });
    }
  }

  /* Search lives in search.js. */

  /* ---- hover previews of internal links ---- */
  function setupPreviews() {
    var box = document.querySelector(".preview");
    if (!box || !window.fetch || !window.DOMParser) return;
    var cache = {};
    var timer = null;
    var current = null;

    function pageOf(link) {
      var url = new URL(link.getAttribute("href"), document.baseURI);
      if (url.origin !== location.origin) return null;
      url.hash = "";
      var path = url.pathname;
      if (!/\/$|\.html$/.test(path)) return null;
      if (url.href === location.href.split("#")[0]) return null;
      return url.href;
    }
    // "Links: [[a]] Ref: … Tags: #x" header lines many vaults start notes with: not a summary.
    function looksLikeMetadata(text) {
      var labels = text.match(/(^|\s)[A-Z][A-Za-z ]{0,15}:\s/g);
      return !!labels && labels.length >= 2;
    }
    function fetchPreview(url) {
      if (!cache[url]) {
        cache[url] = fetch(url).then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.text();
        }).then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var title = doc.querySelector(".note-title");
          var paragraphs = doc.querySelectorAll(".note-body > p");
          var first = null;
          for (var i = 0; i < paragraphs.length && !first; i++) {
            var text = paragraphs[i].textContent.trim();
            if (text.length > 20 && !looksLikeMetadata(text)) first = text;
          }
          if (!first) {
            // No prose paragraph: the author's description is the next best summary.
            var meta = doc.querySelector('meta[name="description"]');
            first = meta ? meta.getAttribute("content") : "";
          }
          return { title: title ? title.textContent : "", text: first || "" };
        });
      }
      return cache[url];
    }
    function place(link) {
      var rect = link.getBoundingClientRect();
      var width = Math.min(360, window.innerWidth - 16);
      var left = Math.max(8, Math.min(rect.left, window.innerWidth - width - 8));
      box.style.width = width + "px";
      box.style.left = left + window.scrollX + "px";
      var below = rect.bottom + window.scrollY + 8;
      box.style.top = below + "px";
    }
    function open(link) {
      var url = pageOf(link);
      if (!url) return;
      current = link;
      fetchPreview(url).then(function (data) {
        if (current !== link) return;
        box.textContent = "";
        var title = document.createElement("strong");
        title.className = "preview-title";
        title.textContent = data.title;
        var text = document.createElement("p");
        text.textContent = data.text || "No summary yet.";
        box.appendChild(title);
        box.appendChild(text);
        place(link);
        box.hidden = false;
        link.setAttribute("aria-describedby", "preview");
      }).catch(function () {});
    }
    function hide() {
      clearTimeout(timer);
      if (current) current.removeAttribute("aria-describedby");
      current = null;
      box.hidden = true;
    }
    box.id = "preview";
    function target(event) {
      var el = event.target;
      return el && el.closest ? el.closest("main a.internal, aside a.internal") : null;
    }
    document.addEventListener("mouseover", function (event) {
      var link = target(event);
      if (!link || link === current) return;
      clearTimeout(timer);
      timer = setTimeout(function () { open(link); }, 250);
    });
    document.addEventListener("mouseout", function (event) {
      var link = target(event);
      if (link && !link.contains(event.relatedTarget)) hide();
    });
    document.addEventListener("focusin", function (event) {
      var link = target(event);
      if (link) { clearTimeout(timer); timer = setTimeout(function () { open(link); }, 400); }
    });
    document.addEventListener("focusout", function (event) { if (target(event)) hide(); });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
  }

  /* ---- exercise progress (the try-it script writes it) ---- */
  var PROGRESS_KEY = "coursegen:progress";
  function readProgress() {
    try { return JSON.parse(localStorage.getItem(PROGRESS_KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function ids(el) {
    return (el.getAttribute("data-exercises") || "").split(/\s+/).filter(Boolean);
  }
  function writeProgress(progress) {
    try { localStorage.setItem(PROGRESS_KEY, JSON.stringify(progress)); } catch (e) { /* private mode */ }
  }
  /* A lesson is done when its exercises are all solved, or, without exercises, marked read. */
  function lessonDone(li, passed) {
    var list = ids(li);
    if (list.length) return list.every(passed);
    var key = li.getAttribute("data-read-key");
    return !!key && passed(key);
  }
  function setupMarkRead() {
    document.querySelectorAll(".mark-read[data-read-key]").forEach(function (box) {
      var key = box.getAttribute("data-read-key");
      var button = box.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var progress = readProgress();
        var read = !(progress[key] && progress[key].passed);
        if (read) progress[key] = { passed: true, at: new Date().toISOString() };
        else delete progress[key];
        writeProgress(progress);
        document.dispatchEvent(new CustomEvent("coursegen:progress", { bubbles: true, detail: { id: key, passed: read } }));
      });
    });
  }
  function showProgress() {
    var progress = readProgress();
    function passed(id) { return !!(progress[id] && progress[id].passed); }
    document.querySelectorAll(".mark-read[data-read-key]").forEach(function (box) {
      var read = passed(box.getAttribute("data-read-key"));
      var button = box.querySelector("button");
      box.classList.toggle("done", read);
      if (button) {
        button.setAttribute("aria-pressed", read ? "true" : "false");
        button.textContent = read ? "Read ✓ (undo)" : "Mark as read";
      }
    });
    document.querySelectorAll(".lesson[data-exercises]").forEach(function (li) {
      var list = ids(li);
      var done = lessonDone(li, passed);
      li.classList.toggle("done", done);
      var tick = li.querySelector(".tick");
      if (tick) tick.setAttribute("title", done ? (list.length ? "All exercises solved" : "Read") : "");
      var link = li.querySelector("a");
      if (link) {
        var label = link.querySelector(".visually-hidden");
        if (done && !label) {
          label = document.createElement("span");
          label.className = "visually-hidden";
          label.textContent = list.length ? " (exercises solved)" : " (read)";
          link.appendChild(label);
        } else if (!done && label) { label.remove(); }
      }
    });
    // The home note's outline ticks the same lessons as the sidebar (same page, same href).
    document.querySelectorAll(".note-body li > .lesson-number + a.internal").forEach(function (link) {
      var href = link.getAttribute("href");
      var lesson = null;
      document.querySelectorAll("#sidebar .lesson[data-exercises] > a").forEach(function (a) {
        if (a.getAttribute("href") === href) lesson = a.parentNode;
      });
      if (!lesson) return;
      var done = lesson.classList.contains("done");
      link.parentNode.classList.toggle("done", done);
      if (done) link.setAttribute("title", "Done"); else link.removeAttribute("title");
    });
    showChapterProgress(passed);
    document.querySelectorAll(".progress-summary[data-exercises]").forEach(function (el) {
      var list = ids(el);
      el.textContent = list.filter(passed).length + "/" + list.length + " exercises";
    });
  }

  /* Per chapter: lessons done out of lessons, in the sidebar and under the outline's headings. */
  function showChapterProgress(passed) {
    var allDone = 0, allLessons = 0;
    var byHref = {};
    document.querySelectorAll("#sidebar .chapter").forEach(function (chapter) {
      var lessons = chapter.querySelectorAll(".lesson[data-exercises]");
      var done = Array.prototype.filter.call(lessons, function (li) { return lessonDone(li, passed); }).length;
      allDone += done;
      allLessons += lessons.length;
      var text = done + "/" + lessons.length;
      var slot = chapter.querySelector(".chapter-progress");
      if (slot) {
        slot.textContent = " " + text;
        slot.setAttribute("title", text + " lessons done");
        chapter.classList.toggle("done", lessons.length > 0 && done === lessons.length);
      }
      Array.prototype.forEach.call(lessons, function (li) {
        var a = li.querySelector("a");
        if (a) byHref[a.getAttribute("href")] = { done: done, total: lessons.length };
      });
    });
    // The home note's outline: the heading above each chapter's list gets that chapter's count.
    document.querySelectorAll('.note[data-kind="home"] .note-body h2').forEach(function (heading) {
      var list = heading.nextElementSibling;
      while (list && !/^(UL|OL)$/.test(list.tagName) && !/^H[1-6]$/.test(list.tagName)) list = list.nextElementSibling;
      if (!list || !/^(UL|OL)$/.test(list.tagName)) return;
      var counts = null;
      list.querySelectorAll("a.internal").forEach(function (a) {
        if (!counts && byHref[a.getAttribute("href")]) counts = byHref[a.getAttribute("href")];
      });
      if (!counts) return;
      var badge = heading.querySelector(".chapter-progress");
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "chapter-progress";
        heading.appendChild(badge);
      }
      badge.textContent = counts.done + "/" + counts.total + " lessons done";
      badge.classList.toggle("complete", counts.done === counts.total);
    });
    document.querySelectorAll(".lessons-summary").forEach(function (el) {
      el.textContent = allDone + "/" + allLessons + " lessons done";
    });
  }

  function start() {
    setupMarkRead();
    setupMenu();
    setupPreviews();
    showProgress();
    window.addEventListener("storage", function (event) { if (event.key === PROGRESS_KEY) showProgress(); });
    document.addEventListener("coursegen:progress", showProgress);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
