/* The last requests sent from each try-it panel, kept in this browser (localStorage), one click
 * to put one back in the editor. tryit.js (loaded after this file) calls box().
 */
(function () {
  "use strict";

  var KEY = "coursegen:history";
  var KEEP = 10;

  function readAll() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function writeAll(all) {
    try { localStorage.setItem(KEY, JSON.stringify(all)); } catch (e) { /* private mode or full */ }
  }
  function sameRequest(a, b) {
    return a.method === b.method && a.path === b.path && a.body === b.body &&
      JSON.stringify(a.query) === JSON.stringify(b.query) &&
      JSON.stringify(a.headers) === JSON.stringify(b.headers);
  }
  function label(entry) {
    var query = entry.query.filter(function (p) { return p[0] !== ""; }).map(function (p) {
      return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
    }).join("&");
    return entry.method + " " + entry.path + (query ? "?" + query : "") +
      (entry.status ? " \u2192 " + entry.status : "");
  }

  /* A history list for the panel stored under `key`; restore(entry) puts a request back. */
  function box(key, restore) {
    var list = el("ol", { className: "tryit-history-list" });
    var summary = el("summary");
    var clear = el("button", { type: "button", className: "tryit-history-clear", text: "Clear the history" });
    var node = el("details", { className: "tryit-history" }, [summary, list, clear]);
    function entries() { return readAll()[key] || []; }
    function draw() {
      var items = entries();
      node.hidden = !items.length;
      summary.textContent = "Sent before (" + items.length + ")";
      list.textContent = "";
      items.forEach(function (entry) {
        var button = el("button", { type: "button", className: "tryit-history-entry", text: label(entry),
          title: "Put this request back in the editor" });
        button.addEventListener("click", function () { restore(entry); });
        list.appendChild(el("li", {}, [button]));
      });
    }
    clear.addEventListener("click", function () {
      var all = readAll();
      delete all[key];
      writeAll(all);
      draw();
    });
    draw();
    return {
      node: node,
      /* The request just sent, newest first; the same request again only moves up. */
      add: function (req, status) {
        var entry = { method: req.method, path: req.path, query: req.query, headers: req.headers,
          body: req.body, status: status || null };
        var all = readAll();
        var kept = (all[key] || []).filter(function (old) { return !sameRequest(old, entry); });
        all[key] = [entry].concat(kept).slice(0, KEEP);
        writeAll(all);
        draw();
      }
    };
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  window.coursegenTryitHistory = { box: box };
})();
