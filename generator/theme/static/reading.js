/* Reading aids: a copy button on code blocks, heading anchors that copy a link to their
   section, and "On this page" following the section being read. */
(function () {
  "use strict";

  /* The Clipboard API needs a secure context (https, or 127.0.0.1 while writing); a course
     served over plain http falls back to the older copy command on a hidden text area. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      area.remove();
      if (done) resolve(); else reject(new Error("the browser refused to copy"));
    });
  }

  /* One polite live region says what was copied, for screen readers and everyone else. */
  var toast = null, toastTimer = null;
  function say(message) {
    if (!toast) {
      toast = document.createElement("div");
      toast.className = "copy-toast";
      toast.setAttribute("role", "status");
      document.body.appendChild(toast);
    }
    toast.textContent = message;
    toast.classList.add("shown");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.classList.remove("shown"); }, 1800);
  }

  /* ---- code blocks ---- */
  function setupCode() {
    document.querySelectorAll("pre.highlight").forEach(function (pre) {
      if (pre.closest(".tryit")) return;  // the panels have their own tools
      var holder = pre.parentNode;
      if (!holder.classList || !holder.classList.contains("code-block")) {
        holder = document.createElement("div");
        holder.className = "code-block code-block-bare";
        pre.parentNode.insertBefore(holder, pre);
        holder.appendChild(pre);
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.textContent = "Copy";
      var file = holder.querySelector(".code-file");
      button.setAttribute("aria-label", file ? "Copy " + file.textContent : "Copy the code");
      button.addEventListener("click", function () {
        var code = pre.querySelector("code") || pre;
        copyText(code.textContent.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
          button.classList.add("copied");
          say("Code copied to the clipboard");
          setTimeout(function () { button.textContent = "Copy"; button.classList.remove("copied"); }, 1500);
        }, function (error) { say("Could not copy: " + error.message); });
      });
      var head = holder.querySelector(".code-head");
      if (head) head.appendChild(button); else holder.insertBefore(button, pre);
    });
  }

  /* ---- heading anchors ---- */
  function pageUrl(id) {
    var url = new URL(location.href);
    url.hash = id;
    return url.href;
  }
  function setupAnchors() {
    var selector = ".note-body h2[id], .note-body h3[id], .note-body h4[id], .note-body h5[id], .note-body h6[id]";
    document.querySelectorAll(selector).forEach(function (heading) {
      if (heading.closest(".embed, .callout-title")) return;  // an embed's ids are its own note's
      var id = heading.id;
      var link = document.createElement("a");
      link.className = "heading-anchor";
      link.href = "#" + encodeURIComponent(id);
      link.setAttribute("aria-label", "Copy a link to “" + heading.textContent.trim() + "”");
      link.setAttribute("data-pagefind-ignore", "");
      link.textContent = "#";
      link.addEventListener("click", function (event) {
        event.preventDefault();
        history.replaceState(history.state, "", "#" + encodeURIComponent(id));
        heading.scrollIntoView({ block: "start" });
        copyText(pageUrl(id)).then(function () { say("Link to this section copied"); },
          function (error) { say("Could not copy the link: " + error.message); });
      });
      heading.appendChild(link);
    });
  }

  /* ---- "On this page" follows the reader ---- */
  function setupTocFollow() {
    var links = document.querySelectorAll(".toc a[href^='#']");
    if (!links.length) return;
    var headings = [];
    var seen = {};
    links.forEach(function (link) {
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      if (seen[id]) return;
      var target = document.getElementById(id);
      if (target) { seen[id] = true; headings.push(target); }
    });
    if (!headings.length) return;
    var current = null;
    function mark(id) {
      if (id === current) return;
      current = id;
      links.forEach(function (link) {
        var on = decodeURIComponent(link.getAttribute("href").slice(1)) === id;
        link.classList.toggle("active", on);
        if (on) link.setAttribute("aria-current", "location"); else link.removeAttribute("aria-current");
      });
    }
    function update() {
      // The section being read: the last heading above a line a fifth of the way down the
      // window; at the very bottom of the page, the last one (it may never reach that line).
      var line = Math.min(window.innerHeight * 0.2, 160);
      var found = headings[0];
      for (var i = 0; i < headings.length; i++) {
        if (headings[i].getBoundingClientRect().top <= line) found = headings[i]; else break;
      }
      var bottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
      if (bottom && window.scrollY > 0) found = headings[headings.length - 1];
      mark(found.id);
    }
    var pending = false;
    window.addEventListener("scroll", function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; update(); });
    }, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  function start() {
    setupCode();
    setupAnchors();
    setupTocFollow();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
