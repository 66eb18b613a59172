// Bulk selection: a "select all" box ticks or clears every box its data-select-all selector names.
// Served by the app; no CDN. Without JavaScript each row is ticked on its own.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll(all.getAttribute("data-select-all")).forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
}());
