// Centers by province, a stacked bar chart (ECharts) drawn from the page's JSON data island.
// No inline script or style (strict CSP); the numbers are also in a table on the page.
(() => {
  "use strict";

  const COLOURS = ["#b26a00", "#1e7b34", "#8a96a3"];
  const charts = [];

  function draw(element) {
    const island = document.getElementById(element.dataset.provinceChart);
    if (!island || typeof echarts === "undefined") return;
    const data = JSON.parse(island.textContent);
    // One bar per province: the chart grows with them rather than squeezing them.
    element.style.height = `${Math.max(160, data.provinces.length * 34 + 80)}px`;
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: COLOURS,
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.provinces, inverse: true },
      series: data.series.map((s) => ({
        name: s.name,
        type: "bar",
        stack: "centers",
        data: s.data,
        label: { show: true, formatter: (p) => (p.value ? p.value : "") },
      })),
    });
    element.dataset.drawn = "true";
    charts.push(chart);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const element of document.querySelectorAll("[data-province-chart]")) draw(element);
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
