/* Mermaid diagrams drawn in the page. The library (a copy shipped in the theme, no network)
   is loaded only on pages that have a ```mermaid block, and the diagrams are drawn again in
   the other colours when the reader switches between the light and dark themes. */
(function () {
  "use strict";
  var blocks = document.querySelectorAll("pre.mermaid");
  if (!blocks.length) return;
  var me = document.currentScript;
  var library = me && me.getAttribute("data-mermaid");
  if (!library) return;
  var root = document.documentElement;
  var sources = [];
  blocks.forEach(function (block) { sources.push(block.textContent); });
  var serial = 0;
  var drawnDark = null;

  function dark() { return root.getAttribute("data-theme") === "dark"; }

  function showError(block, error) {
    var note = block.nextElementSibling;
    if (!note || !note.classList.contains("mermaid-error")) {
      note = document.createElement("p");
      note.className = "mermaid-error";
      block.parentNode.insertBefore(note, block.nextSibling);
    }
    var reason = (error && (error.message || error.str)) || String(error);
    note.textContent = "This diagram could not be drawn: " + reason.split("\n")[0];
  }

  function draw() {
    var mermaid = window.mermaid;
    if (drawnDark === dark()) return;  // theme.js sets the same theme again on load
    drawnDark = dark();
    var round = ++serial;
    mermaid.initialize({
      startOnLoad: false,
      // "strict": labels are text, never HTML or scripts, and clicks call no page function.
      securityLevel: "strict",
      theme: dark() ? "dark" : "default",
      fontFamily: getComputedStyle(document.body).fontFamily,
    });
    var chain = Promise.resolve();
    blocks.forEach(function (block, i) {
      chain = chain.then(function () {
        if (round !== serial) return;
        return mermaid.render("mermaid-diagram-" + i + "-" + round, sources[i]).then(function (out) {
          if (round !== serial) return;
          block.innerHTML = out.svg;
          block.setAttribute("data-rendered", "");
          block.setAttribute("role", "img");
          block.setAttribute("aria-label", "Diagram: " + sources[i].trim().split("\n")[0]);
          var svg = block.querySelector("svg");
          if (svg && out.bindFunctions) out.bindFunctions(svg);
          var stale = block.nextElementSibling;
          if (stale && stale.classList.contains("mermaid-error")) stale.remove();
        }, function (error) {
          // The source stays on the page, as it was written, with what is wrong under it.
          block.textContent = sources[i];
          block.removeAttribute("data-rendered");
          showError(block, error);
          var leftover = document.getElementById("dmermaid-diagram-" + i + "-" + round);
          if (leftover) leftover.remove();
        });
      });
    });
  }

  var script = document.createElement("script");
  script.src = library;
  script.onload = function () {
    draw();
    new MutationObserver(draw).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  };
  script.onerror = function () {
    blocks.forEach(function (block) { showError(block, new Error("the diagram library did not load")); });
  };
  document.head.appendChild(script);
})();
