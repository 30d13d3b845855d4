// Finance pages: the S-curve, the index trend, the distribution of finish dates with its
// percentiles marked, and the drivers of the finish. No inline scripts (the CSP forbids them):
// data comes from json_script elements; times are milliseconds shown as UTC calendar days.
(function () {
  "use strict";

  var COLORS = {
    planned: "#4f46e5",
    plannedSoft: "rgba(79, 70, 229, 0.08)",
    earned: "#12805c",
    actual: "#c0352b",
    projection: "#f59e0b",
    bac: "#98a2b3",
    grid: "#eef0f3",
    muted: "#667085",
    ink: "#344054",
    status: "#1f2433",
    markers: { p50: "#312e81", p80: "#b54708", p95: "#c0352b", plan: "#12805c", deadline: "#1f2433" }
  };

  // Charts are found by data-chart, not id: htmx carries the style of an element with the
  // same id over to its replacement, and Chart.js's sizing style would break the CSP there.
  function canvasFor(name) {
    return document.querySelector('canvas[data-chart="' + name + '"]');
  }

  function readJSON(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function day(ms, withYear) {
    var options = { day: "numeric", month: "short", timeZone: "UTC" };
    if (withYear) options.year = "numeric";
    return new Date(ms).toLocaleDateString("en-GB", options);
  }

  function moment(ms) {
    return new Date(ms).toLocaleString("en-GB", {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "UTC"
    });
  }

  function money(value, currency, compact) {
    var text = Number(value).toLocaleString(undefined, compact
      ? { notation: "compact", maximumFractionDigits: 1 }
      : { minimumFractionDigits: 0, maximumFractionDigits: 0 });
    return currency + " " + text;
  }

  function xy(pairs) {
    return (pairs || []).map(function (p) { return { x: p[0], y: p[1] }; });
  }

  // A chart drawn once per canvas: htmx swaps bring new canvases, which get their own.
  function fresh(canvas) {
    return canvas && window.Chart && !window.Chart.getChart(canvas);
  }

  function rendered(chart) {
    chart.canvas.setAttribute("data-rendered", "");
  }

  var LEGEND = {
    position: "bottom",
    labels: {
      boxWidth: 14, usePointStyle: true, color: COLORS.ink, padding: 14,
      // In the order the datasets are declared, whatever order they are drawn in.
      sort: function (a, b) { return a.datasetIndex - b.datasetIndex; }
    }
  };

  // A vertical line at a time on a linear x axis, labelled at the top of the plot area.
  var statusLine = {
    id: "statusLine",
    afterDatasetsDraw: function (chart, args, options) {
      if (options.at === undefined || options.at === null) return;
      var x = chart.scales.x.getPixelForValue(options.at);
      var area = chart.chartArea;
      if (x < area.left || x > area.right) return;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = COLORS.status;
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, area.top);
      ctx.lineTo(x, area.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = COLORS.status;
      ctx.font = "600 12px system-ui, sans-serif";
      ctx.textAlign = x > area.right - 120 ? "right" : "left";
      ctx.fillText(options.label, x + (ctx.textAlign === "left" ? 6 : -6), area.top + 14);
      ctx.restore();
    }
  };

  function sCurve() {
    var canvas = canvasFor("s-curve");
    var data = readJSON("s-curve-data");
    if (!data || !fresh(canvas)) return;
    var currency = data.currency;
    var first = data.planned.length ? data.planned[0][0] : data.as_of;
    var last = Math.max(
      data.planned.length ? data.planned[data.planned.length - 1][0] : data.as_of,
      data.projection.length ? data.projection[data.projection.length - 1][0] : data.as_of
    );
    var datasets = [
      { label: "Planned value (PV)", data: xy(data.planned), borderColor: COLORS.planned,
        backgroundColor: COLORS.plannedSoft, fill: true, borderWidth: 2, pointRadius: 0, tension: 0.2 },
      { label: "Earned value (EV)", data: xy(data.earned), borderColor: COLORS.earned,
        backgroundColor: COLORS.earned, borderWidth: 2.5, pointRadius: 3, tension: 0 },
      { label: "Actual cost (AC)", data: xy(data.actual), borderColor: COLORS.actual,
        backgroundColor: COLORS.actual, borderWidth: 2.5, pointRadius: 0, stepped: false, tension: 0 }
    ];
    if (data.projection.length) {
      datasets.push({ label: "Estimate at completion (EAC)", data: xy(data.projection),
        borderColor: COLORS.projection, backgroundColor: COLORS.projection, borderDash: [7, 5],
        borderWidth: 2, pointRadius: [0, 4], pointStyle: "rectRot" });
    }
    datasets.push({ label: "Budget (BAC)", data: [{ x: first, y: data.bac }, { x: last, y: data.bac }],
      borderColor: COLORS.bac, borderDash: [2, 3], borderWidth: 1.5, pointRadius: 0, fill: false });
    var chart = new window.Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      plugins: [statusLine],
      options: {
        animation: false,
        maintainAspectRatio: false,
        layout: { padding: { right: 12, top: 6 } },
        interaction: { mode: "nearest", axis: "x", intersect: false },
        scales: {
          x: { type: "linear", min: first, max: last, grid: { color: COLORS.grid },
               ticks: { color: COLORS.muted, maxTicksLimit: 10, callback: function (v) { return day(v); } } },
          y: { beginAtZero: true, grid: { color: COLORS.grid },
               ticks: { color: COLORS.muted, callback: function (v) { return money(v, currency, true); } } }
        },
        plugins: {
          legend: LEGEND,
          statusLine: { at: data.as_of, label: "Status date " + day(data.as_of) },
          tooltip: { callbacks: {
            title: function (items) { return items.length ? day(items[0].parsed.x, true) : ""; },
            label: function (item) { return item.dataset.label + ": " + money(item.parsed.y, currency); }
          } }
        }
      }
    });
    rendered(chart);
  }

  function trend() {
    var canvas = canvasFor("evm-trend");
    var data = readJSON("evm-trend-data");
    if (!data || !fresh(canvas)) return;
    var xs = data.spi.concat(data.cpi, data.spi_t).map(function (p) { return p[0]; });
    var first = Math.min.apply(null, xs), last = Math.max.apply(null, xs);
    var values = data.spi.concat(data.cpi, data.spi_t).map(function (p) { return p[1]; });
    var chart = new window.Chart(canvas, {
      type: "line",
      data: { datasets: [
        { label: "SPI", data: xy(data.spi), borderColor: COLORS.planned, backgroundColor: COLORS.planned, borderWidth: 2, pointRadius: 3 },
        { label: "CPI", data: xy(data.cpi), borderColor: COLORS.actual, backgroundColor: COLORS.actual, borderWidth: 2, pointRadius: 3 },
        { label: "SPI(t)", data: xy(data.spi_t), borderColor: COLORS.projection, backgroundColor: COLORS.projection, borderWidth: 2, pointRadius: 3, borderDash: [5, 4] },
        { label: "On plan (1.0)", data: [{ x: first, y: 1 }, { x: last, y: 1 }], borderColor: COLORS.muted, borderWidth: 1.5, borderDash: [2, 3], pointRadius: 0 }
      ] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        scales: {
          x: { type: "linear", min: first, max: last, grid: { color: COLORS.grid },
               ticks: { color: COLORS.muted, maxTicksLimit: 8, callback: function (v) { return day(v); } } },
          y: { suggestedMin: Math.min(0.8, Math.min.apply(null, values) - 0.05),
               suggestedMax: Math.max(1.2, Math.max.apply(null, values) + 0.05),
               grid: { color: COLORS.grid }, ticks: { color: COLORS.muted, callback: function (v) { return Number(v).toFixed(1); } } }
        },
        plugins: {
          legend: LEGEND,
          tooltip: { callbacks: {
            title: function (items) { return items.length ? day(items[0].parsed.x, true) : ""; },
            label: function (item) { return item.dataset.label + ": " + item.parsed.y.toFixed(2); }
          } }
        }
      }
    });
    rendered(chart);
  }

  // Vertical lines for percentiles, the plan and the deadline on the histogram's category
  // axis: a time falls inside a bin, at a share of the bin's width.
  var markerLines = {
    id: "markerLines",
    afterDatasetsDraw: function (chart, args, options) {
      var starts = options.starts, markers = options.markers || [];
      if (!starts || starts.length < 2) return;
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      var width = x.getPixelForValue(1) - x.getPixelForValue(0);
      var step = starts[starts.length - 1] - starts[starts.length - 2];
      function pixel(t) {
        var i = 0;
        while (i < starts.length - 1 && starts[i + 1] <= t) i += 1;
        var end = i < starts.length - 1 ? starts[i + 1] : starts[i] + step;
        var share = (t - starts[i]) / (end - starts[i]);
        return x.getPixelForValue(i) - width / 2 + share * width;
      }
      var rows = [];
      ctx.save();
      ctx.font = "600 12px system-ui, sans-serif";
      markers.slice().sort(function (a, b) { return a.at - b.at; }).forEach(function (marker) {
        var colour = COLORS.markers[marker.kind] || COLORS.status;
        var px = pixel(marker.at), outside = "";
        if (px < area.left) { px = area.left; outside = "← "; }
        if (px > area.right) { px = area.right; outside = " →"; }
        var shown = marker.day !== undefined ? marker.day : marker.at;
        var text = (outside === "← " ? outside : "") + marker.label + " " + day(shown) + (outside === " →" ? outside : "");
        ctx.strokeStyle = colour;
        ctx.lineWidth = marker.kind === "plan" || marker.kind === "deadline" ? 1.5 : 2;
        ctx.setLineDash(marker.kind === "plan" ? [6, 4] : marker.kind === "deadline" ? [2, 3] : []);
        if (!outside) {
          ctx.beginPath();
          ctx.moveTo(px, area.top);
          ctx.lineTo(px, area.bottom);
          ctx.stroke();
        }
        ctx.setLineDash([]);
        // Labels stack in rows above the plot so close markers stay readable.
        var w = ctx.measureText(text).width + 10;
        var left = Math.min(Math.max(px - w / 2, area.left), area.right - w);
        var row = 0;
        while (rows[row] !== undefined && rows[row] > left) row += 1;
        rows[row] = left + w + 4;
        var y = area.top - 8 - row * 17;
        ctx.fillStyle = "#fff";
        ctx.fillRect(left, y - 12, w, 16);
        ctx.fillStyle = colour;
        ctx.textAlign = "left";
        ctx.fillText(text, left + 5, y);
      });
      ctx.restore();
    }
  };

  function histogram() {
    var canvas = canvasFor("finish-histogram");
    var data = readJSON("finish-histogram-data");
    if (!data || !fresh(canvas)) return;
    var total = data.count.reduce(function (a, b) { return a + b; }, 0) || 1;
    var p80 = (data.markers.filter(function (m) { return m.kind === "p80"; })[0] || {}).at;
    var p50 = (data.markers.filter(function (m) { return m.kind === "p50"; })[0] || {}).at;
    var running = 0;
    var cumulative = data.count.map(function (c) { running += c; return Math.round(running / total * 1000) / 10; });
    var colours = data.start.map(function (s) {
      if (p50 !== undefined && s < p50) return "rgba(79, 70, 229, 0.85)";
      if (p80 !== undefined && s < p80) return "rgba(79, 70, 229, 0.55)";
      return "rgba(152, 162, 179, 0.55)";
    });
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.start.map(function (s) { return day(s); }),
        datasets: [
          { type: "bar", label: "Runs finishing", data: data.count, backgroundColor: colours,
            borderWidth: 0, barPercentage: 1, categoryPercentage: 0.94, yAxisID: "y", order: 2 },
          { type: "line", label: "Chance of finishing by then", data: cumulative, yAxisID: "chance",
            borderColor: COLORS.earned, backgroundColor: COLORS.earned, borderWidth: 2, pointRadius: 0, tension: 0.2, order: 1 }
        ]
      },
      plugins: [markerLines],
      options: {
        animation: false,
        maintainAspectRatio: false,
        layout: { padding: { top: 60, right: 8 } },
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { grid: { display: false }, ticks: { color: COLORS.muted, autoSkip: true, maxTicksLimit: 14, maxRotation: 0 } },
          y: { beginAtZero: true, grid: { color: COLORS.grid }, title: { display: true, text: "Runs", color: COLORS.muted },
               ticks: { color: COLORS.muted, precision: 0 } },
          chance: { position: "right", min: 0, max: 100, grid: { display: false },
                    ticks: { color: COLORS.muted, callback: function (v) { return v + "%"; } } }
        },
        plugins: {
          legend: LEGEND,
          markerLines: { starts: data.start, markers: data.markers },
          tooltip: { callbacks: {
            title: function (items) {
              if (!items.length) return "";
              var i = items[0].dataIndex;
              return "Finish " + moment(data.start[i]) + (i + 1 < data.start.length ? " – " + moment(data.start[i + 1]) : " or later");
            },
            label: function (item) {
              if (item.dataset.yAxisID === "chance") return item.dataset.label + ": " + item.parsed.y + "%";
              return item.parsed.y.toLocaleString() + " runs (" + (item.parsed.y / total * 100).toFixed(1) + "%)";
            }
          } }
        }
      }
    });
    rendered(chart);
  }

  function drivers() {
    var canvas = canvasFor("drivers-chart");
    var data = readJSON("drivers-chart-data");
    if (!data || !fresh(canvas)) return;
    var names = data.names.map(function (n) { return n.length > 34 ? n.slice(0, 33) + "…" : n; });
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: { labels: names, datasets: [
        { label: "Correlation with the finish", data: data.correlation, backgroundColor: COLORS.planned, borderRadius: 3 },
        { label: "Criticality", data: data.criticality, backgroundColor: COLORS.projection, borderRadius: 3 }
      ] },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { suggestedMin: 0, max: 1, grid: { color: COLORS.grid }, ticks: { color: COLORS.muted } },
          y: { grid: { display: false }, ticks: { color: COLORS.ink, autoSkip: false } }
        },
        plugins: {
          legend: LEGEND,
          tooltip: { callbacks: {
            title: function (items) { return items.length ? data.names[items[0].dataIndex] : ""; },
            label: function (item) {
              return item.dataset.label + ": " + (item.datasetIndex === 1 ? Math.round(item.parsed.x * 100) + "%" : item.parsed.x.toFixed(2));
            }
          } }
        }
      }
    });
    rendered(chart);
  }

  function renderAll() {
    sCurve();
    trend();
    histogram();
    drivers();
  }

  document.addEventListener("DOMContentLoaded", renderAll);
  // A forecast run swaps in new results (and new canvases).
  document.addEventListener("htmx:after:settle", renderAll);
})();
