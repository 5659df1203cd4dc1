// coursegen dev only: injected before </body> of every page the dev server serves (never
// written into the site). It reloads the page when its own file changed, keeps the scroll
// position, and lists every current problem of the vault in an overlay on every page: the
// ones of this page first, with the paths `coursegen check` prints. The overlay folds and
// closes; once closed it stays away until a problem appears that was not listed then.
(() => {
  const scrollKey = "coursegen-scroll:" + location.pathname;
  const closedKey = "coursegen-overlay-closed";
  const foldedKey = "coursegen-overlay-folded";
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    addEventListener("load", () => scrollTo(0, +saved));
  }
  let file = decodeURIComponent(location.pathname).replace(/^\//, "");
  if (file === "" || file.endsWith("/")) file += "index.html";

  const readList = (key) => {
    try { return JSON.parse(sessionStorage.getItem(key) || "[]"); } catch { return []; }
  };

  const build = () => {
    const box = document.createElement("section");
    box.id = "coursegen-overlay";
    box.setAttribute("aria-label", "Problems in the vault");
    box.style.cssText = "position:fixed;right:1rem;bottom:1rem;max-width:min(44rem,90vw);" +
      "z-index:99999;background:#1e1e1e;color:#f5f5f5;font:13px/1.4 monospace;" +
      "border-left:4px solid #e5484d;border-radius:6px;box-shadow:0 4px 16px rgba(0,0,0,.4)";
    const head = document.createElement("div");
    head.style.cssText = "display:flex;gap:.5rem;align-items:center;padding:.5rem .75rem";
    const fold = document.createElement("button");
    fold.type = "button";
    fold.className = "coursegen-overlay-fold";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "coursegen-overlay-close";
    close.textContent = "×";
    close.setAttribute("aria-label", "Close (it comes back when a new problem appears)");
    for (const button of [fold, close]) {
      button.style.cssText = "background:none;border:0;color:inherit;font:inherit;cursor:pointer";
    }
    fold.style.flex = "1";
    fold.style.textAlign = "left";
    head.append(fold, close);
    const list = document.createElement("ul");
    list.className = "coursegen-overlay-list";
    list.style.cssText = "margin:0;padding:0 1rem .75rem;list-style:none;max-height:45vh;" +
      "overflow:auto;white-space:pre-wrap";
    box.append(head, list);
    fold.addEventListener("click", () => {
      const folded = !list.hidden;
      sessionStorage.setItem(foldedKey, folded ? "1" : "");
      show(box, folded);
    });
    close.addEventListener("click", () => {
      sessionStorage.setItem(closedKey, JSON.stringify(box.dataset.problems ?
        JSON.parse(box.dataset.problems) : []));
      box.remove();
    });
    return box;
  };

  const show = (box, folded) => {
    const list = box.querySelector(".coursegen-overlay-list");
    const fold = box.querySelector(".coursegen-overlay-fold");
    list.hidden = folded;
    fold.setAttribute("aria-expanded", String(!folded));
    fold.textContent = (folded ? "▸ " : "▾ ") + box.dataset.title;
  };

  const overlay = (problems, here) => {
    let box = document.getElementById("coursegen-overlay");
    const closed = readList(closedKey);
    const fresh = problems.some((line) => !closed.includes(line));
    if (!problems.length || !fresh) {
      if (!problems.length) sessionStorage.removeItem(closedKey);
      if (box) box.remove();
      return;
    }
    sessionStorage.removeItem(closedKey);
    if (!box) { box = build(); document.body.appendChild(box); }
    const count = problems.length;
    box.dataset.problems = JSON.stringify(problems);
    box.dataset.title = `${count} problem${count === 1 ? "" : "s"} in the vault` +
      (here.length ? ` (${here.length} on this page)` : "");
    const list = box.querySelector(".coursegen-overlay-list");
    list.replaceChildren(...problems.map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      if (here.includes(line)) { item.className = "coursegen-here"; item.style.color = "#ffb4b4"; }
      item.style.padding = ".15rem 0";
      return item;
    }));
    show(box, sessionStorage.getItem(foldedKey) === "1");
  };

  const source = new EventSource("/__coursegen/events");
  source.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    const here = state.pages[file] || [];
    const others = state.problems.filter((line) => !here.includes(line));
    const failed = state.error
      ? ["Build failed (still showing the last good site): " + state.error] : [];
    overlay(failed.concat(here, others), here);
    if (state.reload && state.changed.includes(file)) {
      sessionStorage.setItem(scrollKey, String(scrollY));
      source.close();
      location.reload();
    }
  });
})();
