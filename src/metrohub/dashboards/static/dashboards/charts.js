// The dashboards' charts (ECharts), each drawn from its JSON data island. No inline script or
// style (strict CSP); every chart's numbers are also in a table beside it.
(() => {
  "use strict";

  const COLOURS = ["#1f5fa8", "#1e7b34", "#b26a00", "#8a3ea8", "#8a96a3", "#b3261e"];
  const charts = [];

  function axisChart(data, type) {
    const many = data.categories.length > 6;
    return {
      legend: data.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: data.series.length > 1 ? 36 : 12, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: many ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map((s) => ({
        name: s.name,
        type,
        data: s.data,
        label: { show: type === "bar", position: "top", formatter: (p) => (p.value ? p.value : "") },
      })),
    };
  }

  function option(data) {
    if (data.type === "pie") {
      const s = data.series[0];
      return {
        tooltip: { trigger: "item", renderMode: "richText" },
        legend: { bottom: 0 },
        series: [{
          name: s.name,
          type: "pie",
          radius: ["35%", "65%"],
          data: data.categories.map((name, i) => ({ name, value: s.data[i] })),
          label: { formatter: "{b}：{c}" },
        }],
      };
    }
    // plan targets: the plan and what is built side by side, one group per target
    return axisChart(data, data.type === "line" ? "line" : "bar");
  }

  function draw(element) {
    const island = document.getElementById(element.dataset.dashChart);
    if (!island || typeof echarts === "undefined") return;
    const data = JSON.parse(island.textContent);
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({ animation: false, color: COLOURS, ...option(data) });
    element.dataset.drawn = "true";
    charts.push(chart);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const element of document.querySelectorAll("[data-dash-chart]")) draw(element);
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
