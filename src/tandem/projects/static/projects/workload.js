// The workload chart: booked units per resource and working day (bars, red when over the
// capacity), with each resource's capacity as a line. Data comes from a JSON script block.
(function () {
  "use strict";
  var PALETTE = ["#4f46e5", "#0ea5e9", "#10b981", "#f59e0b", "#8b5cf6", "#ec4899", "#14b8a6", "#64748b"];
  function draw() {
    var source = document.getElementById("workload-data");
    var canvas = document.getElementById("workload-chart");
    if (!source || !canvas || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var labels = data.days.map(function (d) {
      var date = new Date(d + "T00:00:00");
      return date.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
    });
    var datasets = [];
    data.resources.forEach(function (resource, i) {
      var colour = PALETTE[i % PALETTE.length];
      datasets.push({
        type: "bar", label: resource.name, data: resource.booked, stack: resource.name,
        backgroundColor: resource.booked.map(function (v, d) { return v > resource.capacity[d] + 1e-9 ? "#dc2626" : colour; }),
        borderRadius: 2, barPercentage: 0.9, categoryPercentage: 0.8
      });
      datasets.push({
        type: "line", label: resource.name + " capacity", data: resource.capacity, borderColor: colour,
        borderDash: [4, 3], borderWidth: 1.5, pointRadius: 0, stepped: "middle", fill: false
      });
    });
    new window.Chart(canvas, {
      data: { labels: labels, datasets: datasets },
      options: {
        maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, title: { display: true, text: "units booked" } }, x: { ticks: { maxRotation: 0, autoSkip: true } } },
        plugins: { legend: { labels: { filter: function (item) { return !/ capacity$/.test(item.text); } } } }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
