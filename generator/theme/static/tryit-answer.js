/* The answer of a try-it request in full: status with what it means, time, size, then tabs for
 * the body (JSON pretty-printed and foldable), an HTML preview, and the headers.
 *
 * Everything from the API is inserted as text, never as HTML; an HTML answer is previewed in an
 * iframe sandboxed without allow-scripts or allow-same-origin, so it can neither run code nor
 * touch the course page. tryit.js (loaded after this file) calls render().
 */
(function () {
  "use strict";

  var REASONS = {
    100: "Continue", 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
    301: "Moved Permanently", 302: "Found", 304: "Not Modified", 307: "Temporary Redirect",
    308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout",
    409: "Conflict", 410: "Gone", 413: "Content Too Large", 415: "Unsupported Media Type",
    422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error",
    501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout"
  };
  /* What a learner should read into the status, in a sentence. */
  var MEANINGS = {
    200: "The request worked; the answer is in the body.",
    201: "Created: the body is the new resource, and Location says where it lives.",
    202: "Accepted: the work will happen later.",
    204: "Done; there is no body to show.",
    301: "Moved for good: Location gives the new address.",
    302: "Found elsewhere for now: Location gives the address.",
    304: "Not modified since the copy you have.",
    307: "Go to Location for now, with the same method and body.",
    308: "Go to Location from now on, with the same method and body.",
    400: "The API refused the request; its detail says why.",
    401: "Authentication is needed, or the credentials are wrong.",
    403: "The credentials are known but not allowed to do this.",
    404: "Nothing at this path, or no item with this id.",
    405: "This path exists but does not take this method.",
    406: "The API cannot answer in the format the Accept header asks for.",
    408: "The request took too long to arrive.",
    409: "The request conflicts with the current state of the data.",
    410: "This existed once and is gone for good.",
    413: "The body is too large for the API.",
    415: "The body's format is not one the API takes (is Content-Type application/json?).",
    422: "The request's data does not fit the schema: detail names each field and why.",
    429: "Too many requests: wait a moment (Retry-After says how long) and try again.",
    500: "The API failed on its side: a bug in the server, not in the request.",
    501: "The API does not implement this.",
    502: "A gateway in front of the API got no valid answer from it.",
    503: "The API cannot serve now (down or overloaded); try again later.",
    504: "A gateway in front of the API waited too long for it."
  };
  var FAMILY_MEANINGS = {
    1: "An interim answer.", 2: "The request worked.", 3: "Look elsewhere: see Location.",
    4: "The request has a problem the client must fix.", 5: "The server failed."
  };
  var counter = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function size(text, headers) {
    var bytes = typeof Blob === "function" ? new Blob([text]).size : text.length;
    var declared = parseInt(headers.get("content-length") || "", 10);
    if (!bytes && declared > 0) bytes = declared;
    return bytes < 1024 ? bytes + " B" : (bytes / 1024).toFixed(1) + " kB";
  }

  /* Pretty JSON whose objects and arrays fold. The text content stays exactly
     JSON.stringify(value, null, 2): fold buttons and the "…" are drawn by CSS. */
  function jsonNode(value, depth, into) {
    var isArray = Array.isArray(value);
    var isContainer = value !== null && typeof value === "object";
    var keys = isContainer ? Object.keys(value) : [];
    if (!isContainer || !keys.length) {
      var kind = value === null ? "null" : isContainer ? "empty" : typeof value;
      into.appendChild(el("span", { className: "tryit-json-" + kind, text: JSON.stringify(value) }));
      return;
    }
    var node = el("span", { className: "tryit-json-node" });
    var fold = el("button", { type: "button", className: "tryit-fold", "aria-expanded": "true",
      "aria-label": "Fold this " + (isArray ? "list" : "object") + " (" + keys.length + ")" });
    fold.addEventListener("click", function () {
      var folded = node.classList.toggle("tryit-folded");
      fold.setAttribute("aria-expanded", folded ? "false" : "true");
    });
    node.appendChild(fold);
    node.appendChild(document.createTextNode(isArray ? "[" : "{"));
    var inner = el("span", { className: "tryit-json-inner" });
    var pad = new Array(depth + 2).join("  ");
    keys.forEach(function (key, index) {
      inner.appendChild(document.createTextNode("\n" + pad + "  "));
      if (!isArray) {
        inner.appendChild(el("span", { className: "tryit-json-key", text: JSON.stringify(key) }));
        inner.appendChild(document.createTextNode(": "));
      }
      jsonNode(value[key], depth + 1, inner);
      if (index < keys.length - 1) inner.appendChild(document.createTextNode(","));
    });
    inner.appendChild(document.createTextNode("\n" + pad));
    node.appendChild(inner);
    node.appendChild(el("span", { className: "tryit-json-close", text: isArray ? "]" : "}" }));
    into.appendChild(node);
  }

  /* Tabs over panels: [{ label, node }], the first one shown. */
  function tabs(items) {
    counter += 1;
    var list = el("div", { className: "tryit-answer-tabs", role: "tablist", "aria-label": "Answer" });
    var box = el("div", { className: "tryit-answer" }, [list]);
    var buttons = items.map(function (item, index) {
      var panelId = "tryit-answer-" + counter + "-" + index;
      var tab = el("button", { type: "button", role: "tab", className: "tryit-answer-tab",
        "aria-controls": panelId, text: item.label });
      var panel = el("div", { id: panelId, role: "tabpanel", className: "tryit-answer-panel" }, [item.node]);
      box.appendChild(panel);
      tab.addEventListener("click", function () { select(index); });
      list.appendChild(tab);
      return { tab: tab, panel: panel };
    });
    function select(chosen) {
      buttons.forEach(function (pair, index) {
        pair.tab.setAttribute("aria-selected", index === chosen ? "true" : "false");
        pair.tab.tabIndex = index === chosen ? 0 : -1;
        pair.panel.hidden = index !== chosen;
      });
    }
    list.addEventListener("keydown", function (event) {
      var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      event.preventDefault();
      var at = buttons.findIndex(function (pair) { return pair.tab.getAttribute("aria-selected") === "true"; });
      var next = (at + step + buttons.length) % buttons.length;
      select(next);
      buttons[next].tab.focus();
    });
    select(0);
    return box;
  }

  /* The answer as nodes, and the parsed JSON body (undefined when the body is not JSON). */
  function render(response, text, elapsed) {
    var code = response.status;
    var reason = response.statusText || REASONS[code] || "";
    var family = Math.floor(code / 100);
    var statusLine = el("p", { className: "tryit-status-line" }, [
      el("span", { className: "tryit-status tryit-status-" + family + "xx", text: code + (reason ? " " + reason : "") }),
      el("span", { className: "tryit-status-meaning", text: MEANINGS[code] || FAMILY_MEANINGS[family] || "" }),
      el("span", { className: "tryit-time", text: Math.round(elapsed) + " ms" }),
      el("span", { className: "tryit-size", text: size(text, response.headers) })
    ]);
    var headerLines = [];
    response.headers.forEach(function (value, name) { headerLines.push(name + ": " + value); });
    var parsed;
    if (text) { try { parsed = JSON.parse(text); } catch (e) { parsed = undefined; } }
    var body = el("pre", { className: "tryit-body", tabindex: "0", "aria-label": "Response body" });
    var bodyCode = el("code");
    body.appendChild(bodyCode);
    if (parsed !== undefined) {
      body.classList.add("tryit-json");
      jsonNode(parsed, -1, bodyCode);
    } else {
      bodyCode.textContent = text || "(empty body)";
    }
    var items = [{ label: "Body", node: body }];
    if (/text\/html/i.test(response.headers.get("content-type") || "") && text) {
      items[0].label = "HTML source";
      // no allow-scripts, no allow-same-origin: the page cannot run code or reach ours
      items.push({ label: "Preview", node: el("iframe", { className: "tryit-preview", sandbox: "",
        srcdoc: text, title: "Preview of the HTML answer", referrerpolicy: "no-referrer" }) });
    }
    items.push({ label: "Headers (" + headerLines.length + ")", node: el("div", { className: "tryit-answer-headers" },
      [el("pre", {}, [el("code", { text: headerLines.join("\n") })])]) });
    return { nodes: [statusLine, tabs(items)], json: parsed };
  }

  window.coursegenTryitAnswer = { render: render, reasons: REASONS };
})();
