// Live deviation of each expert score from the applicant's self-score, and the totals (no server round trip).
document.addEventListener("DOMContentLoaded", function () {
  var inputs = document.querySelectorAll("input.score-input");
  function fmt(x) { return (x >= 0 ? "+" : "") + x.toFixed(2); }
  function update() {
    var total = 0, devTotal = 0, any = false, anyDev = false;
    inputs.forEach(function (input) {
      var row = input.closest("tr");
      var selfText = row.querySelector("td.self").getAttribute("data-self");
      var cell = row.querySelector("td.deviation");
      var value = parseFloat(input.value);
      var selfScore = parseFloat(selfText);
      if (!isNaN(value)) { total += value; any = true; }
      if (!isNaN(value) && !isNaN(selfScore)) {
        var dev = value - selfScore;
        devTotal += dev;
        anyDev = true;
        cell.textContent = fmt(dev);
        cell.className = "deviation " + (dev < 0 ? "neg" : "pos");
      } else {
        cell.textContent = "—";
        cell.className = "deviation";
      }
    });
    var t = document.getElementById("score-total"), d = document.getElementById("deviation-total");
    if (t) { t.textContent = any ? total.toFixed(2) : "—"; }
    // the total deviation counts only indicators the applicant scored itself
    if (d) { d.textContent = anyDev ? fmt(devTotal) : "—"; }
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
});
// The review queue: one box ticks every application that can take experts.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("tick-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll("input.pick").forEach(function (box) { box.checked = all.checked; });
  });
});
