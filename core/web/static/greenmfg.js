// A table wider than a phone scrolls inside its own box (greenmfg.css); such a box must be reachable by the
// keyboard (WCAG 2.1.1, axe "scrollable-region-focusable"), so it takes a tab stop while it overflows.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrollStop = "1";
      } else if (!scrolls && table.dataset.scrollStop) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollStop;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
