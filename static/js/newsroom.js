// Small, framework-free behaviour for the reader pages. htmx does the fetching; this file only
// makes highlights keyboard-operable, keeps place links inside quotes working as links, and moves
// focus into the side panel when htmx fills it and back to the highlight when it closes.
(function () {
  "use strict";
  let lastHighlight = null;

  function panel() { return document.getElementById("panel"); }

  document.addEventListener("click", function (event) {
    // A place link inside a quote is a link: don't also open the quote's panel.
    if (event.target.closest("a.place") && event.target.closest("mark.quote")) {
      event.stopPropagation();
      return;
    }
    const mark = event.target.closest("mark.quote");
    if (mark) {
      lastHighlight = mark;
      document.querySelectorAll("mark.quote.is-active").forEach(function (m) { m.classList.remove("is-active"); });
      document.querySelectorAll('mark.quote[data-quote="' + mark.dataset.quote + '"]').forEach(function (m) { m.classList.add("is-active"); });
    }
    const close = event.target.closest("[data-close-panel]");
    if (close && panel()) {
      event.preventDefault();
      closePanel(close.getAttribute("href"));
    }
  }, true);

  function closePanel(url) {
    const p = panel();
    p.replaceChildren();
    document.querySelectorAll("mark.quote.is-active").forEach(function (m) { m.classList.remove("is-active"); });
    if (url) { history.pushState({}, "", url); }
    if (lastHighlight) { lastHighlight.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    const mark = event.target.closest && event.target.closest("mark.quote");
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      mark.click();
    } else if (event.key === "Escape" && panel() && panel().firstElementChild) {
      const close = panel().querySelector("[data-close-panel]");
      closePanel(close ? close.getAttribute("href") : null);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "panel") {
      const content = document.getElementById("panel-content");
      if (content) { content.focus(); }
    }
  });
})();
