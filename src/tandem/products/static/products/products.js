// Product pages: checklist boxes that save on change, the metric chart and sparklines.
// No inline scripts: the Content-Security-Policy forbids them, so data comes in JSON
// script elements (json_script) and data- attributes.
(function () {
  "use strict";

  var COLORS = {
    brand: "#4f46e5",
    brandSoft: "rgba(79, 70, 229, 0.10)",
    target: "#12805c",
    trend: "#f59e0b",
    grid: "#eef0f3",
    muted: "#667085",
    health: { on_track: "#12805c", at_risk: "#b54708", off_track: "#c0352b", no_data: "#98a2b3" }
  };

  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.matches("input[type=checkbox]")) form.requestSubmit();
  });

  function readJSON(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function day(ms) {
    return new Date(ms).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "2-digit" });
  }

  function xy(pairs) {
    return (pairs || []).map(function (p) { return { x: p[0], y: p[1] }; });
  }

  function number(value) {
    return Number(value).toLocaleString(undefined, { maximumFractionDigits: 2 });
  }

  function metricChart() {
    var data = readJSON("metric-chart-data");
    var canvas = document.getElementById("metric-chart");
    if (!data || !canvas || !window.Chart) return;
    var unit = data.unit ? " " + data.unit : "";
    var datasets = [
      {
        label: "Measurements",
        data: xy(data.points),
        borderColor: COLORS.brand,
        backgroundColor: COLORS.brandSoft,
        fill: true,
        tension: 0.25,
        pointRadius: data.points.length > 60 ? 0 : 2.5,
        pointHoverRadius: 4,
        borderWidth: 2,
        clip: false
      },
      {
        label: "Target " + number(data.target) + unit,
        data: xy(data.target_line),
        borderColor: COLORS.target,
        borderDash: [6, 5],
        borderWidth: 1.5,
        pointRadius: 0,
        fill: false
      }
    ];
    if (data.target_at) {
      datasets.push({
        label: "Target date",
        data: [{ x: data.target_at, y: data.target }],
        borderColor: COLORS.target,
        backgroundColor: COLORS.target,
        pointStyle: "rectRot",
        pointRadius: 6,
        showLine: false,
        clip: false
      });
    }
    if (data.trend) {
      datasets.push({
        label: "Trend (last 90 days)",
        data: xy(data.trend),
        borderColor: COLORS.trend,
        borderDash: [3, 4],
        borderWidth: 2,
        pointRadius: 0,
        fill: false
      });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        layout: { padding: { left: 4, right: 12 } },
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: {
            type: "linear",
            // From the first measurement to the target date (or the last measurement).
            min: data.points.length ? data.points[0][0] : undefined,
            max: Math.max(data.target_at || 0, data.points.length ? data.points[data.points.length - 1][0] : 0) || undefined,
            grid: { color: COLORS.grid },
            ticks: { color: COLORS.muted, maxTicksLimit: 8, callback: function (value) { return day(value); } }
          },
          y: { grid: { color: COLORS.grid }, ticks: { color: COLORS.muted, callback: function (v) { return number(v); } } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 14, usePointStyle: true, color: "#344054" } },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? day(items[0].parsed.x) : ""; },
              label: function (item) { return item.dataset.label + ": " + number(item.parsed.y) + unit; }
            }
          }
        }
      }
    });
  }

  function sparklines() {
    var series = readJSON("sparklines");
    if (!series || !window.Chart) return;
    document.querySelectorAll("canvas[data-sparkline]").forEach(function (canvas) {
      var points = series[canvas.dataset.sparkline] || [];
      if (points.length < 2) return;
      new window.Chart(canvas, {
        type: "line",
        data: { datasets: [{ data: xy(points), borderColor: COLORS.brand, borderWidth: 1.5, pointRadius: 0, tension: 0.3, fill: false }] },
        options: {
          animation: false,
          responsive: false,
          events: [],
          scales: { x: { type: "linear", display: false }, y: { display: false } },
          plugins: { legend: { display: false }, tooltip: { enabled: false } }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    metricChart();
    sparklines();
  });
})();
