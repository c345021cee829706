// Small, framework-free behaviour for the reader pages. htmx does the fetching; this file only
// enhances the article page, which works without it:
// - the first piece of every quote highlight (#q-<id>) becomes focusable (named by its title,
//   "Speaker: Kind", described "Press Enter for details."); Enter or Space on it, or a click on
//   any piece, opens the side panel. The marks are not buttons, so the place links inside
//   quotes stay plain links, not controls nested in a control;
// - the legend's toggles show or hide the highlights of a speaker or a kind (the text stays;
//   hidden highlights leave the tab order and stop opening the panel);
// - "Next" / "Previous" buttons and the j / k keys move focus between the shown quotes;
// - focus moves into the panel when it opens, Esc closes it and focus goes back to the highlight;
// - /articles/<slug>/#q-<id> opens that quote's panel on load.
(function () {
  "use strict";
  const OFF = "hl-off";
  const STORAGE_KEY = "newsroom:shortcuts";
  const hiddenBy = { speaker: new Set(), kind: new Set() };
  let lastHighlight = null;
  let shortcutsOn = readShortcutsSetting();

  function articleBody() { return document.getElementById("article-body"); }
  function panel() { return document.getElementById("panel"); }
  function isFirstPiece(mark) { return mark.id === "q-" + mark.dataset.quote; }
  function firstPiece(mark) { return document.getElementById("q-" + mark.dataset.quote) || mark; }
  function isOff(mark) { return mark.classList.contains(OFF); }
  function bodyMark(element) {
    const body = articleBody();
    const mark = element instanceof Element ? element.closest("mark.quote") : null;
    return mark && body && body.contains(mark) ? mark : null;
  }
  function say(text) {
    const status = document.getElementById("hl-status");
    if (status) { status.textContent = text; }
  }

  function readShortcutsSetting() {
    try { return window.localStorage.getItem(STORAGE_KEY) !== "off"; } catch (e) { return true; }
  }
  function writeShortcutsSetting(on) {
    try { window.localStorage.setItem(STORAGE_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }

  // --- Showing and hiding highlights ---------------------------------------------------------

  function applyFilters() {
    const body = articleBody();
    if (!body) { return; }
    document.querySelectorAll("[data-toggle-speaker]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(!hiddenBy.speaker.has(button.dataset.toggleSpeaker)));
    });
    document.querySelectorAll("[data-toggle-kind]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(!hiddenBy.kind.has(button.dataset.toggleKind)));
    });
    body.querySelectorAll("mark.quote").forEach(function (mark) {
      const off = hiddenBy.speaker.has(mark.dataset.speaker || "") || hiddenBy.kind.has(mark.dataset.kind);
      mark.classList.toggle(OFF, off);
      if (!isFirstPiece(mark)) { return; }
      if (off) {
        mark.removeAttribute("tabindex");
        mark.removeAttribute("aria-describedby");
      } else {
        // Its name is its title ("Speaker: Kind"); its text stays the quote.
        mark.tabIndex = 0;
        if (document.getElementById("hl-howto")) { mark.setAttribute("aria-describedby", "hl-howto"); }
      }
    });
  }

  function toggle(button) {
    const bySpeaker = button.hasAttribute("data-toggle-speaker");
    const set = bySpeaker ? hiddenBy.speaker : hiddenBy.kind;
    const key = bySpeaker ? button.dataset.toggleSpeaker : button.dataset.toggleKind;
    if (set.has(key)) { set.delete(key); } else { set.add(key); }
    applyFilters();
  }

  // --- Moving between highlights -------------------------------------------------------------

  function shownQuotes() {
    const body = articleBody();
    if (!body) { return []; }
    // One stop per quote: the first piece of a quote split by paragraphs or crossing spans.
    return Array.prototype.filter.call(body.querySelectorAll("mark.quote[id]"), function (mark) {
      return isFirstPiece(mark) && !isOff(mark);
    });
  }

  function focusMark(mark) {
    mark.focus({ preventScroll: true });
    mark.scrollIntoView({ block: "center" });
  }

  function move(step) {
    const marks = shownQuotes();
    if (!marks.length) { say("No highlights are shown."); return; }
    const body = articleBody();
    const active = document.activeElement;
    let from = body.contains(active) && active !== body ? active : lastHighlight;
    if (from && !from.isConnected) { from = null; }
    let target = null;
    if (from) {
      const following = marks.filter(function (mark) {
        const position = from.compareDocumentPosition(mark);
        return mark !== from && (position & Node.DOCUMENT_POSITION_FOLLOWING) &&
          !(position & Node.DOCUMENT_POSITION_CONTAINED_BY);
      });
      const preceding = marks.filter(function (mark) {
        const position = from.compareDocumentPosition(mark);
        return mark !== from && (position & Node.DOCUMENT_POSITION_PRECEDING) &&
          !(position & Node.DOCUMENT_POSITION_CONTAINS);
      });
      target = step > 0 ? following[0] : preceding[preceding.length - 1];
    }
    if (!target) {
      target = step > 0 ? marks[0] : marks[marks.length - 1];
      say(from ? (step > 0 ? "Back to the first highlight." : "Back to the last highlight.") : "");
    } else {
      say("");
    }
    lastHighlight = target;
    focusMark(target);
  }

  // --- The panel -----------------------------------------------------------------------------

  function markActive(mark) {
    document.querySelectorAll("mark.quote.is-active").forEach(function (m) { m.classList.remove("is-active"); });
    if (!mark) { return; }
    document.querySelectorAll('mark.quote[data-quote="' + CSS.escape(mark.dataset.quote) + '"]')
      .forEach(function (m) { m.classList.add("is-active"); });
  }

  function focusPanel() {
    const content = document.getElementById("panel-content");
    if (!content) { return; }
    content.focus({ preventScroll: true });
    const box = content.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 48) {
      content.scrollIntoView({ block: "start" });
    }
  }

  function closePanel(url) {
    const p = panel();
    const focusWasInPanel = p.contains(document.activeElement) || document.activeElement === document.body;
    p.replaceChildren();
    markActive(null);
    // htmx restores {htmx: true} entries from the server on Back and Forward; mark the entry
    // we leave too (a page served with its panel open has none yet).
    if (url) {
      history.replaceState({ htmx: true }, "", window.location.href);
      history.pushState({ htmx: true }, "", url);
    }
    if (focusWasInPanel && lastHighlight && lastHighlight.isConnected) {
      focusMark(lastHighlight);
    }
  }

  function syncWithPanel() {
    // A page served with its panel open (/articles/<slug>/quotes/<id>/): remember its highlight.
    const content = document.getElementById("panel-content");
    const mark = content && document.getElementById("q-" + content.dataset.quote);
    if (mark) {
      lastHighlight = mark;
      markActive(mark);
    }
    return mark;
  }

  // --- Deep links ----------------------------------------------------------------------------

  function openFromHash() {
    const match = /^#q-(\d+)$/.exec(window.location.hash);
    const mark = match && bodyMark(document.getElementById("q-" + match[1]));
    if (!mark || isOff(mark)) { return false; }
    mark.scrollIntoView({ block: "center" });
    mark.click(); // our click handler remembers it; htmx fetches the panel, focusPanel follows
    return true;
  }

  // --- Wiring --------------------------------------------------------------------------------

  function syncShortcutsButton() {
    document.querySelectorAll("[data-shortcuts]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(shortcutsOn));
    });
    document.querySelectorAll("[data-move]").forEach(function (button) {
      if (shortcutsOn) {
        button.setAttribute("aria-keyshortcuts", button.dataset.move === "1" ? "j" : "k");
      } else {
        button.removeAttribute("aria-keyshortcuts");
      }
    });
  }

  function enhance() {
    if (!articleBody()) { return; }
    document.querySelectorAll("[data-js-only], .hl-toggle").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll("[data-no-js]").forEach(function (el) { el.hidden = true; });
    syncShortcutsButton();
    applyFilters();
    return syncWithPanel();
  }

  document.addEventListener("click", function (event) {
    const mark = bodyMark(event.target);
    if (!mark) { return; }
    // A place link inside a quote is a link, and a hidden highlight is plain text: neither
    // opens the quote's panel (htmx listens on the mark, after this capturing listener).
    const link = event.target.closest("a");
    if ((link && mark.contains(link)) || isOff(mark)) {
      event.stopPropagation();
      return;
    }
    lastHighlight = firstPiece(mark);
    markActive(mark);
  }, true);

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) { return; }
    const toggleButton = event.target.closest(".hl-toggle");
    const moveButton = event.target.closest("[data-move]");
    const shortcutsButton = event.target.closest("[data-shortcuts]");
    const close = event.target.closest("[data-close-panel]");
    if (toggleButton) {
      toggle(toggleButton);
    } else if (moveButton) {
      move(Number(moveButton.dataset.move));
    } else if (shortcutsButton) {
      shortcutsOn = !shortcutsOn;
      writeShortcutsSetting(shortcutsOn);
      syncShortcutsButton();
    } else if (close && panel() && panel().contains(close)) {
      event.preventDefault();
      closePanel(close.getAttribute("href"));
    }
  });

  function isTyping(element) {
    return element instanceof Element &&
      element.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])");
  }

  document.addEventListener("keydown", function (event) {
    if (!articleBody()) { return; }
    const target = event.target;
    const mark = bodyMark(target);
    if (mark && mark === target && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      mark.click();
    } else if (event.key === "Escape" && panel() && panel().firstElementChild) {
      const close = panel().querySelector("[data-close-panel]");
      closePanel(close ? close.getAttribute("href") : null);
    } else if (shortcutsOn && (event.key === "j" || event.key === "k") && !event.ctrlKey &&
               !event.metaKey && !event.altKey && !event.isComposing && !isTyping(target)) {
      event.preventDefault();
      move(event.key === "j" ? 1 : -1);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "panel") {
      syncWithPanel();
      focusPanel();
    }
  });

  // With historyCacheSize 0, Back and Forward re-render the page from the server.
  document.addEventListener("htmx:historyRestore", function () { enhance(); });

  window.addEventListener("hashchange", function (event) {
    const before = new URL(event.oldURL);
    const after = new URL(event.newURL);
    if (before.pathname === after.pathname && before.search === after.search) { openFromHash(); }
  });

  // htmx (loaded before this file) processes the page on DOMContentLoaded first.
  function start() {
    const served = enhance();
    if (!openFromHash() && served) {
      served.scrollIntoView({ block: "center" });
      focusPanel();
    }
  }
  // A deferred script runs while readyState is still "interactive", before DOMContentLoaded.
  if (document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
