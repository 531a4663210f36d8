// The Monte Carlo histogram of each measurand, drawn with ECharts from the JSON data island
// the page renders next to it (<script type="application/json">): no inline script (strict CSP).
(() => {
  "use strict";

  const charts = [];

  function digits(width) {
    // Enough decimals for the axis labels to tell neighbouring ticks apart.
    return Math.min(12, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(width) || 1))));
  }

  function intervalLines(interval, name, colour, dash) {
    return interval.map((x) => ({
      xAxis: x,
      name,
      lineStyle: { color: colour, type: dash, width: 1.5 },
      label: { show: false },
    }));
  }

  function draw(element) {
    const island = document.getElementById(element.dataset.histogram);
    if (!island || typeof echarts === "undefined") return;
    const data = JSON.parse(island.textContent);
    const labels = data.labels;
    const decimals = digits(data.width * 10);
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 64, right: 24, top: 40, bottom: 56 },
      legend: { top: 0, data: [labels.mcm, labels.gum] },
      tooltip: {
        trigger: "axis",
        valueFormatter: (v) => (typeof v === "number" ? v.toPrecision(4) : v),
      },
      xAxis: {
        type: "value",
        name: labels.x,
        nameLocation: "middle",
        nameGap: 32,
        scale: true,
        axisLabel: { formatter: (v) => v.toFixed(decimals) },
      },
      yAxis: { type: "value", name: labels.y, splitLine: { show: true } },
      series: [
        {
          name: labels.mcm,
          type: "bar",
          data: data.bars,
          barWidth: "100%",
          barGap: "-100%",
          itemStyle: { color: "#7aa6d6" },
          markLine: {
            symbol: "none",
            silent: true,
            data: [
              ...intervalLines(data.mcm_interval, labels.mcm_interval, "#1f5fa8", "solid"),
              ...intervalLines(data.gum_interval, labels.gum_interval, "#c0392b", "dashed"),
            ],
          },
        },
        {
          name: labels.gum,
          type: "line",
          data: data.curve,
          showSymbol: false,
          smooth: true,
          lineStyle: { color: "#c0392b", width: 2 },
          itemStyle: { color: "#c0392b" },
        },
      ],
    });
    charts.push(chart);
  }

  function drawAll(root) {
    for (const element of root.querySelectorAll("[data-histogram]")) {
      if (!element.dataset.drawn) {
        element.dataset.drawn = "true";
        draw(element);
      }
    }
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();

// The model builder: "Add an input" copies the empty row of the formset (a <template>) and counts
// it in the management form, so the server sees one more row. Without script the rows shown are
// the ones there are, and each can still be removed with its box.
(() => {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    const button = document.querySelector("[data-add-row]");
    const template = document.getElementById("uc-empty-row");
    const total = document.getElementById("id_inputs-TOTAL_FORMS");
    const body = document.querySelector("[data-rows]");
    if (!button || !template || !total || !body) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const index = Number(total.value);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const first = body.lastElementChild && body.lastElementChild.querySelector("input");
      if (first) first.focus();
    });
  });
})();
