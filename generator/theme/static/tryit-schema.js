/* The API's schema as help in a try-it panel: what each parameter of the lesson's endpoint takes
 * (type, allowed values, bounds, description), and which typed value the schema refuses.
 *
 * The build passes the operation in the panel's data (generator/tryit/params.py). Refused
 * values are only flagged: exercises ask for a 422 on purpose, so the request can still be sent.
 * tryit.js (loaded after this file) calls these functions.
 */
(function () {
  "use strict";

  function templateRegex(template) {
    var names = [];
    var source = template.split(/(\{[^}\/]+\})/).map(function (part) {
      if (/^\{[^}\/]+\}$/.test(part)) { names.push(part.slice(1, -1)); return "([^/]+)"; }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("");
    return { regex: new RegExp("^" + source + "/?$"), names: names };
  }

  /* The path parameters of `path` if it is the operation's path, else null. */
  function pathValues(operation, path) {
    var compiled = templateRegex(operation.path);
    var found = compiled.regex.exec(path);
    if (!found) return null;
    var values = {};
    compiled.names.forEach(function (name, index) { values[name] = found[index + 1]; });
    return values;
  }

  function bound(value) { return typeof value === "string" ? value : String(value); }

  /* "integer, 1 to 100, default 20" */
  function describe(param) {
    var parts = [];
    parts.push((param.required ? "required " : "optional ") + (param.type || "value") + " in " + param.in);
    if (param.enum) parts.push("one of " + param.enum.map(bound).join(", "));
    var low = param.minimum !== undefined ? param.minimum : param.exclusiveMinimum;
    var high = param.maximum !== undefined ? param.maximum : param.exclusiveMaximum;
    if (low !== undefined && high !== undefined) parts.push("from " + bound(low) + " to " + bound(high));
    else if (low !== undefined) parts.push("at least " + bound(low));
    else if (high !== undefined) parts.push("at most " + bound(high));
    if (param.minLength !== undefined || param.maxLength !== undefined) {
      parts.push((param.minLength || 0) + " to " + (param.maxLength !== undefined ? param.maxLength : "any") + " characters");
    }
    if (param.pattern) parts.push("matching " + param.pattern);
    if (param.default !== undefined && param.default !== null) parts.push("default " + bound(param.default));
    return parts.join(", ");
  }

  /* Why the schema refuses `text` for `param`, or "". */
  function refusal(param, text) {
    var name = param.name;
    var value = text.trim();
    if (param.type === "integer" && !/^[+-]?\d+$/.test(value)) return name + " must be a whole number";
    if (param.type === "number" && (value === "" || !isFinite(Number(value)))) return name + " must be a number";
    if (param.type === "boolean" && !/^(true|false|1|0|yes|no|on|off)$/i.test(value)) return name + " must be true or false";
    if (param.enum && param.enum.map(bound).indexOf(text) < 0) {
      return name + " must be one of " + param.enum.map(bound).join(", ");
    }
    if (param.type === "integer" || param.type === "number") {
      var number = Number(value);
      if (param.minimum !== undefined && number < Number(param.minimum)) return name + " must be at least " + bound(param.minimum);
      if (param.maximum !== undefined && number > Number(param.maximum)) return name + " must be at most " + bound(param.maximum);
      if (param.exclusiveMinimum !== undefined && number <= Number(param.exclusiveMinimum)) return name + " must be more than " + bound(param.exclusiveMinimum);
      if (param.exclusiveMaximum !== undefined && number >= Number(param.exclusiveMaximum)) return name + " must be less than " + bound(param.exclusiveMaximum);
    }
    if (param.minLength !== undefined && text.length < param.minLength) return name + " must have at least " + param.minLength + " characters";
    if (param.maxLength !== undefined && text.length > param.maxLength) return name + " must have at most " + param.maxLength + " characters";
    if (param.pattern) {
      try { if (!new RegExp(param.pattern, "u").test(text)) return name + " must match " + param.pattern; }
      catch (e) { /* a Python-only pattern: the API judges */ }
    }
    return "";
  }

  /* What the schema refuses in a request { method, path, query: [[name, value]] } already
     split and decoded; [] when the request is not the operation's (the student moved on). */
  function problems(operation, sent) {
    if (sent.method !== operation.method) return [];
    var inPath = pathValues(operation, sent.path);
    if (inPath === null) return [];
    var found = [];
    operation.parameters.forEach(function (param) {
      if (param.in === "path") {
        var why = refusal(param, inPath[param.name] || "");
        if (why) found.push({ name: param.name, in: "path", message: why });
      } else if (param.in === "query") {
        var values = sent.query.filter(function (p) { return p[0] === param.name; });
        if (!values.length && param.required) {
          found.push({ name: param.name, in: "query", message: param.name + " is required" });
        }
        values.forEach(function (pair) {
          var reason = refusal(param, pair[1]);
          if (reason) found.push({ name: param.name, in: "query", message: reason });
        });
      }
    });
    return found;
  }

  window.coursegenTryitSchema = { describe: describe, problems: problems };
})();
