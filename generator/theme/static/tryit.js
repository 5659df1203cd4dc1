/* Try-it panels and checked exercises. Vanilla JS, no framework, no network but the demo API.
 *
 * Every `.tryit[data-tryit]` block the build wrote becomes an editable request panel; every
 * `.exercise` also gets Check / Hint / Solution. Data from the API is inserted with textContent,
 * never as HTML. The header's `.api-control` shows where the API is and whether it answers.
 */
(function () {
  "use strict";

  var BASE_KEY = "coursegen:api-base";
  var STUDENT_KEY = "coursegen:student-base";
  /* The student's own app (build-along exercises): never 8000, where the demo API listens. */
  var STUDENT_DEFAULT = "http://127.0.0.1:8001";
  var PROGRESS_KEY = "coursegen:progress";
  var DEFAULT_BASE = "http://127.0.0.1:8000";
  var METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
  var NO_BODY = { GET: true, HEAD: true };
  var TIMEOUT_MS = 15000;
  var POLL_MS = 10000;
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
  var counter = 0;

  /* ---- small DOM helpers ---- */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "text") node.textContent = value;
        else if (key === "className") node.className = value;
        else node.setAttribute(key, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function uid(prefix) { counter += 1; return "tryit-" + counter + "-" + prefix; }
  function storageGet(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function storageSet(key, value) {
    try {
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { /* private mode: nothing remembered */ }
  }

  /* ---- where the API is ---- */
  function configuredBase() {
    var control = document.querySelector(".api-control");
    if (!control || !control.hasAttribute("data-api-base")) return DEFAULT_BASE;
    return control.getAttribute("data-api-base") || "";
  }
  function normaliseBase(text) {
    var value = (text || "").trim().replace(/\/+$/, "");
    if (value && !/^https?:\/\//i.test(value)) value = "http://" + value;
    return value;
  }
  function apiBase() {
    var stored = storageGet(BASE_KEY);
    return stored === null ? configuredBase() : stored;
  }
  function shownBase(base) { return base || window.location.origin; }
  function studentBase() {
    var stored = storageGet(STUDENT_KEY);
    return stored === null || stored === "" ? STUDENT_DEFAULT : stored;
  }

  var health = { state: "unknown", base: null, listeners: [] };
  function setHealth(state) {
    // A new address with the same state (down before, down now) still says the new address.
    var base = apiBase();
    if (health.state === state && health.base === base) return;
    health.state = state;
    health.base = base;
    health.listeners.forEach(function (fn) { fn(state); });
  }

  function setupApiControl() {
    var control = document.querySelector(".api-control");
    if (!control) return;
    var inputId = "api-base-input";
    var dot = el("span", { className: "api-dot", "data-state": "unknown", "aria-hidden": "true" });
    var input = el("input", {
      id: inputId, className: "api-base", type: "text", inputmode: "url", spellcheck: "false",
      autocomplete: "off", placeholder: "same origin", value: apiBase(),
      "aria-describedby": "api-base-status"
    });
    var status = el("span", { id: "api-base-status", className: "visually-hidden",
      role: "status", "aria-live": "polite" });
    var reset = el("button", { type: "button", className: "api-reset", title: "Back to the course's API address",
      text: "↺" }, []);
    reset.appendChild(el("span", { className: "visually-hidden", text: "Reset the API address" }));
    var label = el("label", { for: inputId, className: "api-label", text: "API" });
    // On phones the address folds behind this button (CSS shows one or the other).
    var toggleDot = el("span", { className: "api-toggle-dot", "data-state": "unknown", "aria-hidden": "true" });
    var toggle = el("button", { type: "button", className: "api-toggle", "aria-expanded": "false",
      "aria-controls": "api-edit", title: "Where the demo API is" }, [toggleDot, "API"]);
    var shownStatus = el("p", { className: "api-edit-status", "aria-hidden": "true" });
    var edit = el("span", { id: "api-edit", className: "api-edit" }, [
      el("span", { className: "api-edit-label", "aria-hidden": "true", text: "Demo API address" }),
      input, reset, shownStatus
    ]);
    control.textContent = "";
    control.appendChild(dot);
    control.appendChild(label);
    control.appendChild(toggle);
    control.appendChild(edit);
    control.appendChild(status);

    function setOpen(open) {
      control.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) input.focus();
    }
    toggle.addEventListener("click", function () { setOpen(!control.classList.contains("open")); });
    control.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && control.classList.contains("open")) { setOpen(false); toggle.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (control.classList.contains("open") && !control.contains(event.target)) setOpen(false);
    });

    function refreshReset() { reset.hidden = storageGet(BASE_KEY) === null; }
    function commit() {
      var value = normaliseBase(input.value);
      input.value = value;
      storageSet(BASE_KEY, value === configuredBase() ? null : value);
      refreshReset();
      document.dispatchEvent(new CustomEvent("coursegen:api-base", { bubbles: true, detail: value }));
      poll();
    }
    input.addEventListener("change", commit);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); commit(); }
    });
    reset.addEventListener("click", function () {
      storageSet(BASE_KEY, null);
      input.value = configuredBase();
      refreshReset();
      document.dispatchEvent(new CustomEvent("coursegen:api-base", { bubbles: true, detail: input.value }));
      poll();
    });
    health.listeners.push(function (state) {
      dot.setAttribute("data-state", state);
      toggleDot.setAttribute("data-state", state);
      var where = shownBase(apiBase());
      var text = state === "up" ? "The demo API answers at " + where
        : state === "down" ? "The demo API is not answering at " + where : "Checking the demo API";
      dot.setAttribute("title", text);
      control.setAttribute("title", text);
      status.textContent = text;
      shownStatus.textContent = text + ".";
    });
    refreshReset();
  }

  var pollTimer = null;
  function poll() {
    clearTimeout(pollTimer);
    var base = apiBase();
    var controller = "AbortController" in window ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 4000);
    fetch(base + "/api/health", { cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function (response) { if (base === apiBase()) setHealth(response.ok ? "up" : "down"); })
      .catch(function () { if (base === apiBase()) setHealth("down"); })
      .then(function () {
        clearTimeout(timer);
        pollTimer = setTimeout(poll, POLL_MS);
      });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") poll(); else clearTimeout(pollTimer);
  });

  /* ---- requests ---- */
  function encodePath(path) {
    return path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@\/%]/gu, function (c) { return encodeURIComponent(c); });
  }
  function queryString(pairs) {
    var parts = pairs.filter(function (p) { return p[0] !== ""; }).map(function (p) {
      return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
    });
    return parts.length ? "?" + parts.join("&") : "";
  }
  /* The path names something on the API, never another server: with a same-origin API (base
     "", as deploys build) "//host/x" would be a request to host, and "http://host/x" is no
     path at all. The build reports such paths; a student can still type one. */
  function pathProblem(text) {
    var path = text.trim();
    if (/^[\/\\]{2}/.test(path)) {
      return "The path must start with a single /: " + path + " would send the request to another server.";
    }
    if (/^[a-z][a-z0-9+.\-]*:/i.test(path)) {
      return "Write only the path, starting with /, not a full address: the API's address is set at the top of the page.";
    }
    return "";
  }
  function requestUrl(base, req) {
    var path = req.path.trim() || "/";
    if (path.charAt(0) !== "/") path = "/" + path;
    var extra = "";
    var mark = path.indexOf("?");
    if (mark >= 0) { extra = path.slice(mark + 1); path = path.slice(0, mark); }
    var query = queryString(req.query);
    if (extra) query += (query ? "&" : "?") + extra;
    return base + encodePath(path) + query;
  }
  function requestText(req) {
    var lines = [req.method + " " + req.path + queryString(req.query)];
    req.headers.forEach(function (h) { lines.push(h[0] + ": " + h[1]); });
    if (req.body) { lines.push(""); lines.push(req.body); }
    return lines.join("\n");
  }
  function isJsonRequest(req) {
    var type = "";
    req.headers.forEach(function (h) { if (h[0].toLowerCase() === "content-type") type = h[1].toLowerCase(); });
    if (type) return type.indexOf("json") >= 0;
    return /^\s*[\[{]/.test(req.body);
  }
  function notAnswering(base) {
    return ["The demo API is not answering at " + shownBase(base) + ". Start it with ",
      el("code", { text: "make api" }), ", or change the API address."];
  }

  /* ---- checks (the same rules as generator/tryit/blocks.py) ---- */
  var MISSING = {};
  function lookup(data, path) {
    var current = data;
    var parts = path.split(".");
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      if (current !== null && typeof current === "object" && !Array.isArray(current) &&
          Object.prototype.hasOwnProperty.call(current, part)) {
        current = current[part];
      } else if (Array.isArray(current) && /^-?\d+$/.test(part)) {
        var index = parseInt(part, 10);
        if (index < 0) index += current.length;
        if (index < 0 || index >= current.length) return MISSING;
        current = current[index];
      } else {
        return MISSING;
      }
    }
    return current;
  }
  function show(value) { return typeof value === "string" ? value : JSON.stringify(value); }
  function same(expected, actual) {
    if (typeof expected === "boolean" || typeof actual === "boolean") {
      return expected === actual || (typeof expected === "string" && expected === String(actual));
    }
    if (typeof expected === "number" && typeof actual === "number") return expected === actual;
    if (expected !== null && typeof expected === "object") return JSON.stringify(expected) === JSON.stringify(actual);
    return expected === actual;
  }
  /* The request part of a check: what is wrong, never the expected value (but the method). */
  function textOf(value) { return typeof value === "boolean" ? (value ? "true" : "false") : String(value); }
  function pathMatches(pattern, path) {
    var parts = pattern.split(/\{[A-Za-z_][A-Za-z0-9_]*\}/);
    var source = parts.map(function (part) { return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("[^/]+");
    return new RegExp("^" + source + "$").test(path);
  }
  function splitRequest(req) {
    var path = req.path.trim() || "/";
    if (path.charAt(0) !== "/") path = "/" + path;
    var query = req.query.slice();
    var mark = path.indexOf("?");
    if (mark >= 0) {
      path.slice(mark + 1).split("&").forEach(function (pair) {
        if (!pair) return;
        var eq = pair.indexOf("=");
        var name = eq >= 0 ? pair.slice(0, eq) : pair, value = eq >= 0 ? pair.slice(eq + 1) : "";
        try { query.push([decodeURIComponent(name.replace(/\+/g, " ")), decodeURIComponent(value.replace(/\+/g, " "))]); }
        catch (e) { query.push([name, value]); }
      });
      path = path.slice(0, mark);
    }
    try { path = decodeURIComponent(path); } catch (e) { /* keep it as typed */ }
    var body = MISSING;
    if (req.body.trim() && !NO_BODY[req.method] && isJsonRequest(req)) {
      try { body = JSON.parse(req.body); } catch (e) { body = MISSING; }
    }
    return { method: req.method.toUpperCase(), path: path, query: query, body: body };
  }
  function requestDifferences(check, req) {
    var sent = splitRequest(req);
    var differences = [];
    if (check.method && sent.method !== check.method) {
      differences.push("the task asks for a " + check.method + " request, not " + sent.method);
    }
    if (check.path && !pathMatches(check.path, sent.path)) {
      differences.push(sent.path + " is not the path the task is about");
    }
    Object.keys(check.query || {}).forEach(function (name) {
      var expected = check.query[name];
      var values = sent.query.filter(function (p) { return p[0] === name; }).map(function (p) { return p[1]; });
      if (expected === null) {
        if (values.length) differences.push("the task needs no query parameter " + name);
      } else if (!values.length) {
        differences.push("the task needs the query parameter " + name);
      } else if (expected !== "*" && expected !== true && values.indexOf(textOf(expected)) < 0) {
        differences.push("the query parameter " + name + " is not what the task asks for");
      }
    });
    var bodyKeys = Object.keys(check.body || {});
    if (bodyKeys.length && sent.body === MISSING) {
      differences.push("the task needs a JSON body");
      return differences;
    }
    bodyKeys.forEach(function (dotted) {
      var expected = check.body[dotted];
      var actual = lookup(sent.body, dotted);
      if (expected === null) {
        if (actual !== MISSING) differences.push("the body should have no " + dotted);
      } else if (actual === MISSING) {
        differences.push("the body needs a " + dotted);
      } else if (expected !== "*" && !same(expected, actual)) {
        differences.push("the body's " + dotted + " is not what the task asks for");
      }
    });
    return differences;
  }
  function detailDifferences(expected, body) {
    var actual = body !== null && typeof body === "object" && !Array.isArray(body) &&
      Object.prototype.hasOwnProperty.call(body, "detail") ? body.detail : MISSING;
    if (actual === MISSING) return ["expected an error detail, but the answer has none"];
    if (typeof expected === "string") {
      return actual === expected ? [] : ["expected detail = " + expected + ", got " + show(actual)];
    }
    var errors = Array.isArray(actual) ? actual : [];
    var differences = [];
    expected.forEach(function (wanted) {
      var found = errors.some(function (error) {
        return error !== null && typeof error === "object" && Object.keys(wanted).every(function (key) {
          return Object.prototype.hasOwnProperty.call(error, key) && same(wanted[key], error[key]);
        });
      });
      if (!found) {
        differences.push("expected a validation error with " + Object.keys(wanted).map(function (key) {
          return key + " = " + show(wanted[key]);
        }).join(", ") + " in detail");
      }
    });
    return differences;
  }
  function evaluate(check, status, headers, body) {
    var differences = [];
    if (status !== check.status) differences.push("expected " + check.status + ", got " + status);
    Object.keys(check.json || {}).forEach(function (path) {
      var expected = check.json[path];
      var actual = lookup(body, path);
      if (actual === MISSING) differences.push("expected " + path + " = " + show(expected) + ", but the answer has no " + path);
      else if (expected !== "*" && !same(expected, actual)) differences.push("expected " + path + " = " + show(expected) + ", got " + show(actual));
    });
    if (check.detail !== undefined && check.detail !== null) {
      differences = differences.concat(detailDifferences(check.detail, body));
    }
    Object.keys(check.header || {}).forEach(function (name) {
      var expected = check.header[name];
      var actual = headers.get(name);
      if (actual === null) differences.push("expected a " + name + " header, but there is none");
      else if (expected === true || expected === "*") return;
      else if (actual.trim() !== show(expected).trim()) differences.push("expected header " + name + ": " + show(expected) + ", got " + actual);
    });
    return differences;
  }

  /* ---- progress ---- */
  function readProgress() {
    try { return JSON.parse(storageGet(PROGRESS_KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function markPassed(id) {
    var progress = readProgress();
    progress[id] = { passed: true, at: new Date().toISOString() };
    storageSet(PROGRESS_KEY, JSON.stringify(progress));
    // bubbles from document to window: listeners on either hear it
    document.dispatchEvent(new CustomEvent("coursegen:progress", { bubbles: true, detail: { id: id, passed: true } }));
  }

  /* ---- the panel ---- */
  function keyValueRows(legendText, kind, pairs) {
    var fieldset = el("fieldset", { className: "tryit-rows tryit-" + kind });
    fieldset.appendChild(el("legend", { text: legendText }));
    var list = el("div", { className: "tryit-row-list" });
    fieldset.appendChild(list);
    var singular = kind === "query" ? "query parameter" : "header";
    function addRow(name, value, focus) {
      var row = el("div", { className: "tryit-row" });
      var key = el("input", { type: "text", className: "tryit-key", value: name, spellcheck: "false",
        "aria-label": (kind === "query" ? "Query parameter" : "Header") + " name", placeholder: "name" });
      var val = el("input", { type: "text", className: "tryit-value", value: value, spellcheck: "false",
        "aria-label": (kind === "query" ? "Query parameter" : "Header") + " value", placeholder: "value" });
      var remove = el("button", { type: "button", className: "tryit-remove", title: "Remove this " + singular },
        [el("span", { "aria-hidden": "true", text: "×" }), el("span", { className: "visually-hidden", text: "Remove " + singular })]);
      remove.addEventListener("click", function () {
        row.remove();
        add.focus();
      });
      row.appendChild(key); row.appendChild(val); row.appendChild(remove);
      list.appendChild(row);
      if (focus) key.focus();
    }
    var add = el("button", { type: "button", className: "tryit-add", text: "+ Add " + singular });
    add.addEventListener("click", function () { addRow("", "", true); });
    fieldset.appendChild(add);
    return {
      node: fieldset,
      set: function (items) { list.textContent = ""; items.forEach(function (p) { addRow(p[0], p[1], false); }); },
      get: function () {
        return Array.prototype.map.call(list.querySelectorAll(".tryit-row"), function (row) {
          return [row.querySelector(".tryit-key").value.trim(), row.querySelector(".tryit-value").value];
        }).filter(function (p) { return p[0] !== "" || p[1] !== ""; });
      }
    };
  }

  function buildPanel(block, index) {
    var data;
    try { data = JSON.parse(block.getAttribute("data-tryit")); } catch (e) { return; }
    var original = data.request;
    var isExercise = data.kind === "exercise";
    var isStudent = isExercise && data.target === "student";
    var panel = el("form", { className: "tryit-panel", novalidate: true,
      "aria-label": (isExercise ? "Exercise request: " : "Request: ") + (data.title || original.method + " " + original.path) });

    var methodId = uid("method"), pathId = uid("path"), bodyId = uid("body"), bodyErrorId = uid("body-error");
    var method = el("select", { id: methodId, className: "tryit-method" },
      METHODS.map(function (m) { return el("option", { value: m, text: m }); }));
    var path = el("input", { id: pathId, className: "tryit-path", type: "text", spellcheck: "false", autocomplete: "off" });
    var line = el("div", { className: "tryit-line" }, [
      el("div", { className: "tryit-field tryit-field-method" }, [el("label", { for: methodId, text: "Method" }), method]),
      el("div", { className: "tryit-field tryit-field-path" }, [el("label", { for: pathId, text: "Path" }), path])
    ]);
    var query = keyValueRows("Query parameters", "query", original.query);
    var headers = keyValueRows("Headers", "headers", original.headers);
    var body = el("textarea", { id: bodyId, className: "tryit-body-input", rows: "5", spellcheck: "false",
      "aria-describedby": bodyErrorId });
    var bodyError = el("p", { id: bodyErrorId, className: "tryit-json-error", "aria-live": "polite" });
    var bodyField = el("div", { className: "tryit-field tryit-field-body" },
      [el("label", { for: bodyId, text: "Body (JSON)" }), body, bodyError]);

    var send = el("button", { type: "submit", className: "tryit-send", text: isExercise ? "Check" : "Send" });
    send.appendChild(el("kbd", { className: "tryit-shortcut", "aria-hidden": "true", text: /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘↵" : "Ctrl+↵" }));
    var resetButton = el("button", { type: "button", className: "tryit-reset", text: "Reset" });
    var buttons = el("div", { className: "tryit-buttons" }, [send, resetButton]);
    var code = codeBox();

    var note = el("p", { className: "tryit-note", role: "status", "aria-live": "polite" });
    var result = el("div", { className: "tryit-response", "aria-live": "polite", "aria-atomic": "false" });

    if (isStudent) panel.appendChild(studentAddress());
    panel.appendChild(line);
    panel.appendChild(query.node);
    var schemaHelp = schemaBox();
    if (schemaHelp) panel.appendChild(schemaHelp.node);
    panel.appendChild(headers.node);
    panel.appendChild(bodyField);
    panel.appendChild(buttons);
    if (code) panel.appendChild(code.node);
    /* per page and panel: an exercise by its id, a try-it by its place on the page */
    var sentBefore = window.coursegenTryitHistory ? window.coursegenTryitHistory.box(
      window.location.pathname + "#" + (data.id || index), function (entry) {
        fill(entry);
        note.textContent = "Back to a request sent before: " + entry.method + " " + entry.path + ".";
        method.focus();
      }) : null;
    if (sentBefore) panel.appendChild(sentBefore.node);
    panel.appendChild(note);

    var verdict = null, hintBox = null, solutionBox = null, failures = 0;
    if (isExercise) {
      verdict = el("div", { className: "exercise-verdict", role: "status", "aria-live": "polite" });
      var hintButton = data.hint ? el("button", { type: "button", className: "exercise-hint-button", "aria-expanded": "false", text: "Show a hint" }) : null;
      var solutionButton = data.solution ? el("button", { type: "button", className: "exercise-solution-button", "aria-expanded": "false", text: "Show the solution" }) : null;
      if (hintButton) buttons.appendChild(hintButton);
      if (solutionButton) buttons.appendChild(solutionButton);
      if (data.hint) {
        hintBox = el("div", { className: "exercise-hint-box", hidden: true }, [el("strong", { text: "Hint: " })]);
        var builtHint = block.querySelector(".exercise-hint.tryit-static > :not(summary)");
        hintBox.appendChild(builtHint ? builtHint.cloneNode(true) : document.createTextNode(data.hint));
        hintButton.addEventListener("click", function () { reveal(hintBox, hintButton); });
      }
      if (data.solution) {
        var useIt = el("button", { type: "button", className: "exercise-use-solution", text: "Put it in the editor" });
        solutionBox = el("div", { className: "exercise-solution-box", hidden: true }, [
          el("p", { text: "One request that passes:" }),
          el("pre", { className: "exercise-solution-code" }, [el("code", { text: requestText(data.solution) })]),
          useIt
        ]);
        solutionButton.addEventListener("click", function () { reveal(solutionBox, solutionButton); });
        useIt.addEventListener("click", function () { fill(data.solution); method.focus(); });
      }
      panel.appendChild(verdict);
      if (hintBox) panel.appendChild(hintBox);
      if (solutionBox) panel.appendChild(solutionBox);
      var saved = readProgress()[data.id];
      if (saved && saved.passed) solved();
    }
    panel.appendChild(result);

    /* Build-along exercises call the student's own app; its address is theirs to change. */
    function studentAddress() {
      var inputId = uid("student-base");
      var input = el("input", { id: inputId, className: "student-base", type: "text", inputmode: "url",
        spellcheck: "false", autocomplete: "off", value: studentBase() });
      input.addEventListener("change", function () {
        var value = normaliseBase(input.value) || STUDENT_DEFAULT;
        input.value = value;
        storageSet(STUDENT_KEY, value === STUDENT_DEFAULT ? null : value);
        document.querySelectorAll("input.student-base").forEach(function (other) { other.value = value; });
      });
      return el("div", { className: "tryit-field tryit-field-student" }, [
        el("label", { for: inputId, text: "Your app's address" }), input
      ]);
    }
    function reveal(box, button) {
      box.hidden = false;
      if (button) { button.setAttribute("aria-expanded", "true"); button.hidden = true; }
    }
    function solved() {
      block.classList.add("exercise-solved");
      var head = block.querySelector(".tryit-head");
      if (head && !head.querySelector(".exercise-badge")) {
        head.appendChild(el("span", { className: "exercise-badge", text: "Solved" }));
      }
    }
    function showBody() {
      var hasBody = !NO_BODY[method.value] || body.value.trim() !== "";
      bodyField.hidden = !hasBody;
    }
    function fill(req) {
      method.value = METHODS.indexOf(req.method) >= 0 ? req.method : "GET";
      path.value = req.path;
      query.set(req.query);
      headers.set(req.headers);
      body.value = prettyBody(req.body, req.json);
      // tall enough to show the lesson's whole body (within reason); the student can still resize
      body.rows = Math.max(3, Math.min(16, body.value.split("\n").length + 1));
      checkJson();
      showBody();
      refreshCode();
    }
    function current() {
      return { method: method.value, path: path.value, query: query.get(), headers: headers.get(), body: body.value };
    }
    function checkJson() {
      var req = current();
      var text = req.body.trim();
      bodyError.textContent = "";
      body.removeAttribute("aria-invalid");
      if (!text || !isJsonRequest(req)) return true;
      try { JSON.parse(text); return true; } catch (e) {
        body.setAttribute("aria-invalid", "true");
        bodyError.textContent = "This body is not valid JSON: " + e.message;
        return false;
      }
    }
    body.addEventListener("input", checkJson);
    path.addEventListener("input", function () { path.removeAttribute("aria-invalid"); });
    method.addEventListener("change", showBody);

    panel.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      }
    });
    panel.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    resetButton.addEventListener("click", function () {
      fill(original);
      result.textContent = "";
      note.textContent = "Back to the lesson's request.";
      if (verdict) { verdict.textContent = ""; verdict.className = "exercise-verdict"; }
    });
    /* The code follows every edit: typing, a row added or removed, Reset, another API address. */
    function refreshCode() {
      if (code) code.update();
      if (schemaHelp) schemaHelp.update();
    }
    panel.addEventListener("input", refreshCode);
    panel.addEventListener("change", refreshCode);
    panel.addEventListener("click", refreshCode);
    document.addEventListener("coursegen:api-base", refreshCode);

    /* The schema's word on the lesson's endpoint (tryit-schema.js): each parameter beside the
       fields, and what it refuses in the current request, flagged but still sendable. */
    function schemaBox() {
      var schema = window.coursegenTryitSchema;
      var operation = data.operation;
      if (!schema || !operation || !operation.parameters || !operation.parameters.length) return null;
      var list = el("dl", { className: "tryit-params-list" });
      operation.parameters.forEach(function (param) {
        list.appendChild(el("dt", {}, [el("code", { text: param.name }), " ",
          el("span", { className: "tryit-param-rules", text: schema.describe(param) })]));
        if (param.description) list.appendChild(el("dd", { text: param.description }));
      });
      var warning = el("p", { className: "tryit-schema-warning", role: "status", "aria-live": "polite" });
      var box = el("details", { className: "tryit-params", open: true }, [
        el("summary", { text: "Parameters of " + operation.method + " " + operation.path }), list
      ]);
      var node = el("div", { className: "tryit-schema" }, [box, warning]);
      function update() {
        var found = schema.problems(operation, splitRequest(current()));
        warning.textContent = found.length ? "The schema refuses this: " +
          found.map(function (f) { return f.message; }).join("; ") +
          ". The API will answer 422; send it anyway if that is what you want to see." : "";
        var refused = {};
        found.forEach(function (f) { refused[f.in + ":" + f.name] = true; });
        query.node.querySelectorAll(".tryit-row").forEach(function (row) {
          var value = row.querySelector(".tryit-value");
          var name = row.querySelector(".tryit-key").value.trim();
          if (refused["query:" + name]) value.setAttribute("aria-invalid", "true");
          else value.removeAttribute("aria-invalid");
        });
        var pathRefused = found.some(function (f) { return f.in === "path"; });
        if (pathRefused) path.setAttribute("data-schema-refused", "true");
        else path.removeAttribute("data-schema-refused");
      }
      return { node: node, update: update };
    }

    /* Tabs of code that sends the current request (tryit-code.js writes it). */
    function codeBox() {
      var writers = window.coursegenTryitCode;
      if (!writers) return null;
      var chosen = writers.languages[0];
      var box = el("details", { className: "tryit-code" }, [
        el("summary", { text: "Code for this request" })
      ]);
      var tabs = el("div", { className: "tryit-code-tabs", role: "tablist", "aria-label": "Language" });
      var shownId = uid("code");
      var pre = el("pre", { id: shownId, className: "tryit-code-text", role: "tabpanel", tabindex: "0" });
      var copy = el("button", { type: "button", className: "tryit-code-copy" });
      var copied = el("span", { className: "tryit-code-copied", role: "status", "aria-live": "polite" });
      var buttonsByLanguage = writers.languages.map(function (language) {
        var tab = el("button", { type: "button", role: "tab", className: "tryit-code-tab",
          "aria-controls": shownId, "data-language": language.id, text: language.label });
        tab.addEventListener("click", function () { chosen = language; update(); });
        tabs.appendChild(tab);
        return tab;
      });
      function text() {
        var req = current();
        var base = shownBase(isStudent ? studentBase() : apiBase());
        return chosen.make({ method: req.method, url: requestUrl(base, req), headers: req.headers,
          body: req.body, json: isJsonRequest(req) });
      }
      function update() {
        buttonsByLanguage.forEach(function (tab, index) {
          var on = writers.languages[index] === chosen;
          tab.setAttribute("aria-selected", on ? "true" : "false");
          tab.tabIndex = on ? 0 : -1;
        });
        var shown = text();
        if (pre.textContent !== shown) { pre.textContent = shown; copied.textContent = ""; }
        copy.textContent = "Copy";
        copy.setAttribute("aria-label", "Copy the " + chosen.label + " code");
      }
      // arrows move between tabs, as in any tab list
      tabs.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        event.preventDefault();
        var index = (writers.languages.indexOf(chosen) + step + writers.languages.length) % writers.languages.length;
        chosen = writers.languages[index];
        update();
        buttonsByLanguage[index].focus();
      });
      copy.addEventListener("click", function () {
        var shown = text();
        copyText(shown).then(function () {
          copied.textContent = "Copied the " + chosen.label + " code.";
        }, function () {
          copied.textContent = "Select the code and copy it with Ctrl+C.";
        });
      });
      box.appendChild(tabs);
      box.appendChild(pre);
      box.appendChild(el("div", { className: "tryit-code-actions" }, [copy, copied]));
      return { node: box, update: update };
    }

    var busy = false;
    function run() {
      if (busy) return;
      var req = current();
      note.textContent = "";
      // A request that is not sent leaves no answer on screen from an earlier one.
      function notSent(message) {
        note.textContent = message;
        result.textContent = "";
        if (verdict) { verdict.textContent = ""; verdict.className = "exercise-verdict"; }
      }
      if (!checkJson()) { body.focus(); notSent("Fix the JSON body before sending."); return; }
      var problem = pathProblem(req.path);
      if (problem) {
        path.setAttribute("aria-invalid", "true");
        path.focus();
        notSent(problem);
        return;
      }
      var base = isStudent ? studentBase() : apiBase();
      var init = { method: req.method, headers: new Headers(), cache: "no-store", mode: "cors" };
      try {
        req.headers.forEach(function (h) { if (h[0]) init.headers.append(h[0], h[1]); });
      } catch (e) {
        notSent("A header is not valid: " + e.message);
        return;
      }
      if (req.body.trim() && !NO_BODY[req.method]) {
        init.body = req.body;
        if (!init.headers.has("Content-Type") && isJsonRequest(req)) init.headers.set("Content-Type", "application/json");
      }
      var controller = "AbortController" in window ? new AbortController() : null;
      if (controller) init.signal = controller.signal;
      var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
      var started = performance.now();
      busy = true;
      send.disabled = true;
      block.setAttribute("aria-busy", "true");
      result.textContent = "";
      result.appendChild(el("p", { className: "tryit-sending", text: "Sending…" }));
      fetch(requestUrl(base, req), init).then(function (response) {
        return response.text().then(function (text) {
          showResponse(response, text, performance.now() - started, req);
          if (sentBefore) sentBefore.add(req, response.status);
          if (!isStudent) setHealth("up");
        });
      }).catch(function (error) {
        result.textContent = "";
        var message = el("div", { className: "tryit-message tryit-unreachable", role: "alert" });
        if (isStudent) {
          message.appendChild(document.createTextNode("Your app is not answering at " + base +
            ". Start it in your own folder with "));
          message.appendChild(el("code", { text: "uvicorn main:app --port 8001" }));
          message.appendChild(document.createTextNode(", or change your app's address above. If it is running, " +
            "it may not accept requests from " + window.location.origin + ": its CORS middleware must allow them."));
        } else if (error && error.name === "AbortError") {
          message.appendChild(document.createTextNode("The demo API at " + shownBase(base) +
            " did not answer within " + (TIMEOUT_MS / 1000) + " seconds. Is it stuck? Restart it with "));
          message.appendChild(el("code", { text: "make api" }));
          message.appendChild(document.createTextNode(", or change the API address."));
        } else {
          notAnswering(base).forEach(function (part) { message.appendChild(typeof part === "string" ? document.createTextNode(part) : part); });
          message.appendChild(el("span", { className: "tryit-cors-note", text:
            " If it is running, it may not accept requests from " + window.location.origin +
            ": add that origin to WEATHER_CORS_ORIGINS." }));
          setHealth("down");
        }
        result.appendChild(message);
        if (verdict) { verdict.textContent = ""; verdict.className = "exercise-verdict"; }
      }).then(function () {
        clearTimeout(timer);
        busy = false;
        send.disabled = false;
        block.removeAttribute("aria-busy");
      });
    }

    function showResponse(response, text, elapsed, req) {
      result.textContent = "";
      var parsed = MISSING;
      var answer = window.coursegenTryitAnswer;
      if (answer) {
        var shown = answer.render(response, text, elapsed);
        shown.nodes.forEach(function (node) { result.appendChild(node); });
        if (shown.json !== undefined) parsed = shown.json;
      } else {
        // a theme without tryit-answer.js: the status and the body as text
        if (text) { try { parsed = JSON.parse(text); } catch (e) { parsed = MISSING; } }
        result.appendChild(el("p", { className: "tryit-status-line" }, [el("span", { className: "tryit-status",
          text: response.status + " " + (response.statusText || REASONS[response.status] || "") })]));
        result.appendChild(el("pre", { className: "tryit-body" }, [el("code", { text: text || "(empty body)" })]));
      }
      if (isExercise) judge(response.status, response.headers, parsed === MISSING ? text : parsed, req);
    }

    function judge(code, responseHeaders, parsedBody, req) {
      // what is wrong with the request comes first: a right answer to another question is no pass
      var differences = requestDifferences(data.check, req).concat(
        evaluate(data.check, code, responseHeaders, parsedBody));
      verdict.textContent = "";
      if (!differences.length) {
        verdict.className = "exercise-verdict exercise-pass";
        verdict.appendChild(el("strong", { text: "Passed. " }));
        verdict.appendChild(document.createTextNode("Well done: the answer matches the check."));
        markPassed(data.id);
        solved();
        return;
      }
      failures += 1;
      verdict.className = "exercise-verdict exercise-fail";
      verdict.appendChild(el("strong", { text: "Not yet: " }));
      verdict.appendChild(document.createTextNode(differences.join("; ") + "."));
      if (failures >= 2 && solutionBox && solutionBox.hidden) {
        verdict.appendChild(document.createTextNode(" The solution is shown below."));
        reveal(solutionBox, block.querySelector(".exercise-solution-button"));
      } else if (hintBox && hintBox.hidden) {
        verdict.appendChild(document.createTextNode(" Stuck? Ask for a hint."));
      }
    }

    fill(original);
    block.querySelectorAll(".tryit-static").forEach(function (node) { node.hidden = true; });
    block.appendChild(panel);
    block.classList.add("tryit-ready");
  }

  function prettyBody(text, isJson) {
    if (!text || !isJson) return text || "";
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = el("textarea", { className: "visually-hidden", readonly: true });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  function start() {
    setupApiControl();
    document.querySelectorAll(".tryit[data-tryit]").forEach(buildPanel);
    poll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
