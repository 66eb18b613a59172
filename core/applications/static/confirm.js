// Irreversible actions (submit, recommend, return, reject, withdraw, publish): the form's required
// "I confirm" box works without JavaScript; with it, a dialog asks once more before the form is sent.
// Served by the app; no CDN.
(function () {
  "use strict";
  document.querySelectorAll("form.confirm[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
}());
