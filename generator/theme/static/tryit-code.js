/* Code that sends the try-it panel's request from outside the browser: curl, HTTPie, Python
 * httpx (sync and async) and JavaScript fetch. Pure functions of (url, request), no DOM; tryit.js
 * (loaded after this file) shows them and keeps them in step with the edits.
 *
 * A request is { method, url, headers: [[name, value]], body, json }, where url is the full
 * address, headers are the ones typed (Content-Type added here when the body is JSON, as the
 * panel's own fetch does) and json says the body is JSON.
 */
(function () {
  "use strict";

  var NO_BODY = { GET: true, HEAD: true };

  function shellQuote(text) { return "'" + String(text).replace(/'/g, "'\\''") + "'"; }
  /* JSON string literals are valid Python and JavaScript string literals too. */
  function quote(text) { return JSON.stringify(String(text)); }
  function hasHeader(headers, name) {
    return headers.some(function (h) { return h[0].toLowerCase() === name.toLowerCase(); });
  }
  /* What is sent: the typed headers, plus the Content-Type a JSON body needs (curl would
     otherwise send a form type, which the API refuses with a 415). */
  function sentHeaders(req) {
    var headers = req.headers.filter(function (h) { return h[0] !== ""; });
    if (hasBody(req) && req.json && !hasHeader(headers, "content-type")) {
      headers = headers.concat([["Content-Type", "application/json"]]);
    }
    return headers;
  }
  function hasBody(req) { return !NO_BODY[req.method] && req.body.trim() !== ""; }
  function parsedBody(req) {
    if (!req.json) return undefined;
    try { return JSON.parse(req.body); } catch (e) { return undefined; }
  }

  function curl(req) {
    var parts = ["curl"];
    if (req.method !== "GET") parts.push("-X " + req.method);
    parts.push(shellQuote(req.url));
    sentHeaders(req).forEach(function (h) { parts.push("-H " + shellQuote(h[0] + ": " + h[1])); });
    if (hasBody(req)) parts.push("--data-raw " + shellQuote(req.body));
    return parts.join(" \\\n  ");
  }

  function httpie(req) {
    var parts = ["http"];
    // --raw sends the body as typed; HTTPie would otherwise read key=value items
    if (hasBody(req)) parts.push("--raw " + shellQuote(req.body));
    parts.push(req.method, shellQuote(req.url));
    sentHeaders(req).forEach(function (h) { parts.push(shellQuote(h[0] + ":" + h[1])); });
    return parts.join(" \\\n  ");
  }

  /* A JSON value as a Python literal (True, False, None), indented like the panel's body. */
  function pythonValue(value, indent) {
    var pad = new Array(indent + 1).join("    "), inner = pad + "    ";
    if (value === null) return "None";
    if (value === true) return "True";
    if (value === false) return "False";
    if (typeof value === "string") return quote(value);
    if (typeof value === "number") return String(value);
    if (Array.isArray(value)) {
      if (!value.length) return "[]";
      return "[\n" + value.map(function (item) { return inner + pythonValue(item, indent + 1); }).join(",\n") +
        ",\n" + pad + "]";
    }
    var keys = Object.keys(value);
    if (!keys.length) return "{}";
    return "{\n" + keys.map(function (key) {
      return inner + quote(key) + ": " + pythonValue(value[key], indent + 1);
    }).join(",\n") + ",\n" + pad + "}";
  }
  function pythonHeaders(headers, indent) {
    var pad = new Array(indent + 1).join("    ");
    return "{\n" + headers.map(function (h) { return pad + "    " + quote(h[0]) + ": " + quote(h[1]); }).join(",\n") +
      ",\n" + pad + "}";
  }
  /* The call's arguments: the URL, then headers and the body (json= when it parses). */
  function pythonArguments(req, indent) {
    var pad = new Array(indent + 2).join("    ");
    var parsed = parsedBody(req);
    var headers = req.headers.filter(function (h) { return h[0] !== ""; });
    // json= sets the Content-Type itself; raw content needs the one the panel would send
    if (parsed === undefined) headers = sentHeaders(req);
    var args = [];
    // httpx.get/delete/head/options take no body: a body goes through request(METHOD, ...)
    var method = req.method.toLowerCase();
    var call = method;
    if (hasBody(req) && !{ post: true, put: true, patch: true }[method]) {
      call = "request";
      args.push(quote(req.method));
    } else if (["get", "post", "put", "patch", "delete", "head", "options"].indexOf(method) < 0) {
      call = "request";
      args.push(quote(req.method));
    }
    args.push(quote(req.url));
    if (headers.length) args.push("headers=" + pythonHeaders(headers, indent + 1));
    if (hasBody(req)) {
      args.push(parsed === undefined ? "content=" + quote(req.body) : "json=" + pythonValue(parsed, indent + 1));
    }
    return { call: call, text: "(\n" + args.map(function (a) { return pad + a + ",\n"; }).join("") +
      new Array(indent + 1).join("    ") + ")" };
  }
  function httpxSync(req) {
    var call = pythonArguments(req, 0);
    return "import httpx\n\n" +
      "response = httpx." + call.call + call.text + "\n" +
      "print(response.status_code)\n" +
      "print(response.text)\n";
  }
  function httpxAsync(req) {
    var call = pythonArguments(req, 2);
    return "import asyncio\n\nimport httpx\n\n\n" +
      "async def main() -> None:\n" +
      "    async with httpx.AsyncClient() as client:\n" +
      "        response = await client." + call.call + call.text + "\n" +
      "        print(response.status_code)\n" +
      "        print(response.text)\n\n\n" +
      "asyncio.run(main())\n";
  }

  function fetchCode(req) {
    var options = ["  method: " + quote(req.method) + ","];
    var headers = sentHeaders(req);
    if (headers.length) {
      options.push("  headers: {\n" + headers.map(function (h) {
        return "    " + quote(h[0]) + ": " + quote(h[1]) + ",";
      }).join("\n") + "\n  },");
    }
    if (hasBody(req)) {
      var parsed = parsedBody(req);
      options.push(parsed === undefined ? "  body: " + quote(req.body) + ","
        : "  body: JSON.stringify(" + JSON.stringify(parsed, null, 2).replace(/\n/g, "\n  ") + "),");
    }
    return "const response = await fetch(" + quote(req.url) + ", {\n" + options.join("\n") + "\n});\n" +
      "console.log(response.status);\n" +
      "console.log(await response.text());\n";
  }

  window.coursegenTryitCode = {
    /* The tabs, in order: an id, the label shown, and what writes the code. */
    languages: [
      { id: "curl", label: "curl", make: curl },
      { id: "httpie", label: "HTTPie", make: httpie },
      { id: "httpx", label: "Python httpx", make: httpxSync },
      { id: "httpx-async", label: "httpx async", make: httpxAsync },
      { id: "fetch", label: "JavaScript fetch", make: fetchCode }
    ]
  };
})();
