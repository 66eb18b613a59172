// Live self-evaluation score: posts the indicator inputs to the server's scoring engine
// (the same one that scores on save) and shows the result. Served by the app; no CDN.
(function () {
  "use strict";
  var form = document.querySelector("form[data-score-url]");
  if (!form) { return; }
  var out = document.getElementById("live-total");
  var detail = document.getElementById("live-detail");
  var timer = null;
  function refresh() {
    var data = new FormData(form);
    fetch(form.getAttribute("data-score-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": data.get("csrf_token") || "", "Accept": "application/json"}
    }).then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (!res.ok) {
          var e = (res.body.errors && res.body.errors[0]) || {};
          detail.textContent = e.message || "";
          return;
        }
        if (res.body.total === undefined) { return; }
        out.textContent = res.body.total.toFixed(2);
        detail.textContent = res.body.complete ? (res.body.tier_label || "") : (form.getAttribute("data-incomplete") || "");
        (res.body.indicators || []).forEach(function (ind) {
          var cell = document.querySelector("[data-score-for='" + ind.number + "']");
          if (cell) { cell.textContent = ind.score === null ? ind.status_label : ind.score.toFixed(2); }
        });
      }).catch(function () {});
  }
  form.addEventListener("input", function (ev) {
    if (!ev.target.closest(".indicators") && ev.target.name !== "industry") { return; }
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
}());
