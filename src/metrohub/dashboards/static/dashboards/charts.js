// The dashboards' charts (ECharts), each drawn from its JSON data island. No inline script or
// style (strict CSP); every chart's numbers are also in a table beside it.
(() => {
  "use strict";

  const COLOURS = ["#1f5fa8", "#1e7b34", "#b26a00", "#8a3ea8", "#8a96a3", "#b3261e"];
  const charts = [];

  // Long category names (centers, industries) read better along a horizontal bar.
  function horizontal(data, type) {
    return type === "bar" && data.categories.some((name) => name.length > 6);
  }

  function axisChart(data, type) {
    const legend = data.series.length > 1;
    const sideways = horizontal(data, type);
    const categories = {
      type: "category",
      data: data.categories,
      inverse: sideways,
      axisLabel: sideways ? { width: 160, overflow: "break" } : { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 },
    };
    const values = { type: "value", minInterval: 1 };
    return {
      legend: legend ? { top: 0 } : undefined,
      grid: { left: 8, right: 24, top: legend ? 40 : 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: sideways ? values : categories,
      yAxis: sideways ? categories : values,
      series: data.series.map((s) => ({
        name: s.name,
        type,
        data: s.data,
        barMaxWidth: 48,
        label: {
          show: type === "bar",
          position: sideways ? "right" : "top",
          formatter: (p) => (p.value ? p.value : ""),
        },
      })),
    };
  }

  function size(element, data) {
    if (horizontal(data, data.type === "line" ? "line" : "bar") && data.type !== "pie") {
      // one band per category, so that many centers do not squeeze into a fixed height
      const bands = data.categories.length * Math.max(1, data.series.length);
      element.style.height = `${Math.max(200, bands * 26 + 80)}px`;
    }
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
    size(element, data);
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
