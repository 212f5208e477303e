// The insights charts: each <canvas data-chart="ID"> is drawn with Chart.js from the JSON of the
// <script type="application/json" id="ID"> beside it (Django's json_script), also when htmx
// brings a chart in later (the network funnel). Without JavaScript the tables show the numbers.
(function () {
  "use strict";

  // Colours with enough contrast on white, one per series (statuses keep theirs).
  var PALETTE = ["#b45309", "#1e4f8a", "#1f6b3a", "#6b3fa0", "#8a1c1c", "#4b5563"];
  var STATUS_COLOURS = {
    PENDING: "#4b5563",
    SCHEDULED: "#1e4f8a",
    IN_PROGRESS: "#b45309",
    COMPLETED: "#1f6b3a",
    CANCELLED: "#6b3fa0",
    FAILED: "#8a1c1c"
  };

  function colour(dataset, index) {
    return STATUS_COLOURS[dataset.key] || PALETTE[index % PALETTE.length];
  }

  function config(spec) {
    var horizontal = Boolean(spec.horizontal);
    var valueAxis = {
      beginAtZero: true,
      stacked: Boolean(spec.stacked),
      title: { display: Boolean(spec.y_title), text: spec.y_title || "" }
    };
    if (spec.y_min !== undefined) { valueAxis.min = spec.y_min; }
    if (spec.y_max !== undefined) { valueAxis.max = spec.y_max; }
    if (spec.type === "bar" && !spec.y_max) { valueAxis.ticks = { precision: 0 }; }
    var categoryAxis = { stacked: Boolean(spec.stacked) };
    return {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset, index) {
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: colour(dataset, index),
            borderColor: colour(dataset, index),
            spanGaps: true,
            tension: 0.2
          };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: spec.datasets.length > 1 } },
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis }
      }
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || canvas.dataset.drawn || typeof window.Chart === "undefined") {
      return;
    }
    canvas.dataset.drawn = "true";
    new window.Chart(canvas, config(JSON.parse(source.textContent)));
  }

  function drawAll(root) {
    if (root.matches && root.matches("canvas[data-chart]")) {
      draw(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll("canvas[data-chart]").forEach(draw);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  // htmx announces every piece of page it inserts.
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
