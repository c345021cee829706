// The annotate view: turn a text selection in the article body into offsets, and ask the server
// for the annotation form. Offsets are counted in UTF-16 units, as the browser does; the server
// converts them to code points and checks the selected text against the body.
(function () {
  "use strict";
  let reselect = null;

  function body() { return document.getElementById("annotate-body"); }

  function offsetIn(container, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function selection() {
    const container = body();
    const sel = window.getSelection();
    if (!container || !sel || sel.rangeCount === 0 || sel.isCollapsed) { return null; }
    const range = sel.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) { return null; }
    return {
      start: offsetIn(container, range.startContainer, range.startOffset),
      end: offsetIn(container, range.endContainer, range.endOffset),
      text: range.toString(),
    };
  }

  function loadForm(params) {
    htmx.ajax("GET", body().dataset.formUrl + "?" + new URLSearchParams(params).toString(),
      { target: "#annotate-form", swap: "innerHTML" });
  }

  function setReselect(key, text) {
    reselect = key;
    const banner = document.getElementById("reselect-banner");
    if (banner) {
      banner.hidden = !key;
      document.getElementById("reselect-text").textContent = text || "";
    }
  }

  function onSelectionDone(event) {
    const selected = selection();
    if (selected) {
      const params = { start16: selected.start, end16: selected.end, text: selected.text };
      if (reselect) { params.span = reselect; setReselect(null); }
      loadForm(params);
      return;
    }
    const mark = event.type === "mouseup" && event.target.closest && event.target.closest("#annotate-body [data-span]");
    if (mark) { loadForm({ edit: mark.dataset.span }); }
  }

  document.addEventListener("mouseup", onSelectionDone);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") { onSelectionDone(event); }
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-reselect]");
    if (button) {
      event.preventDefault();
      setReselect(button.dataset.reselect, button.dataset.exact);
      body().focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    const container = body();
    if (container && container.dataset.reselect) {
      const item = document.querySelector('[data-orphan="' + container.dataset.reselect + '"] [data-reselect]');
      setReselect(container.dataset.reselect, item ? item.dataset.exact : "");
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "annotate-form") {
      const first = event.detail.target.querySelector("input:not([type=hidden]):not([type=radio]), select, textarea");
      const error = event.detail.target.querySelector(".errornote, .errorlist");
      if (error) { error.setAttribute("tabindex", "-1"); error.focus(); }
      else if (first) { first.focus(); }
    }
  });
})();
