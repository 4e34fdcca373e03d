// Klynge's page behaviour; no inline scripts anywhere, so a strict Content-Security-Policy holds.

// The cluster's menu on a phone: one button opens and closes the list of links (a disclosure).
// Without this script the list simply stays open.
function setUpMenu(nav) {
  const button = nav.querySelector(".klynge-menu-button");
  if (!button) return;
  button.hidden = false;
  nav.classList.add("is-collapsible");
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("is-open", open);
  });
}

// A table frame that scrolls sideways must be reachable by keyboard and have a name (WCAG 2.1.1):
// it gets tabindex, role=region and the table's caption or nearest heading as its name. A frame
// that fits loses them again, so it is no extra tab stop on a wide screen.
function tableName(frame) {
  const caption = frame.querySelector("caption");
  if (caption && caption.textContent.trim()) return caption.textContent.trim();
  for (let node = frame; node && node !== document.body; node = node.parentElement) {
    for (let prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
      if (/^H[1-6]$/.test(prev.tagName)) return `Tabel: ${prev.textContent.trim()}`;
      const inner = prev.querySelector && [...prev.querySelectorAll("h1, h2, h3, h4")].pop();
      if (inner) return `Tabel: ${inner.textContent.trim()}`;
    }
  }
  return "Tabel";
}

function markScrollingTables() {
  document.querySelectorAll(".klynge-table-wrap, .table--responsive-scroll").forEach((frame) => {
    if (frame.dataset.staticRegion === undefined) {
      frame.dataset.staticRegion = frame.hasAttribute("tabindex") ? "true" : "false";
    }
    if (frame.dataset.staticRegion === "true") return;
    if (frame.scrollWidth > frame.clientWidth + 1) {
      frame.tabIndex = 0;
      frame.setAttribute("role", "region");
      if (!frame.hasAttribute("aria-label")) frame.setAttribute("aria-label", tableName(frame));
    } else {
      frame.removeAttribute("tabindex");
      frame.removeAttribute("role");
      frame.removeAttribute("aria-label");
    }
  });
}

// Projector views: a button puts the page in full screen (the browser needs a click to allow it).
function setUpFullscreen(button) {
  if (!document.fullscreenEnabled) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  });
}

function setUpPage(root) {
  root.querySelectorAll("[data-confirm]").forEach((element) => {
    if (element.dataset.confirmReady) return;
    element.dataset.confirmReady = "true";
    element.addEventListener("submit", (event) => {
      if (!window.confirm(element.dataset.confirm)) event.preventDefault();
    });
  });
  root.querySelectorAll("[data-copy]").forEach((button) => {
    if (button.dataset.copyReady) return;
    button.dataset.copyReady = "true";
    button.addEventListener("click", () => navigator.clipboard?.writeText(button.dataset.copy));
  });
  markScrollingTables();
}

document.addEventListener("DOMContentLoaded", () => {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  document.querySelectorAll("[data-menu]").forEach(setUpMenu);
  document.querySelectorAll("[data-fullscreen]").forEach(setUpFullscreen);
  setUpPage(document);
  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(markScrollingTables, 100);
  });
  // Parts that htmx swaps in (live results, the idea wall) get the same treatment.
  document.body.addEventListener("htmx:afterSettle", (event) => setUpPage(event.target));
});
