// A traceability chain as a tree (ECharts), from the page's JSON data island. No inline script
// (strict CSP); the same links are in the table on the page.
(() => {
  "use strict";

  function draw(element) {
    const island = document.getElementById(element.dataset.chainGraph);
    if (!island || typeof echarts === "undefined") return;
    const data = JSON.parse(island.textContent);
    const colour = (node) => (["ok", "unrecognised"].includes(node.status) ? "#1e7b34" : "#b00020");
    const paint = (node) => {
      node.itemStyle = { color: colour(node) };
      (node.children || []).forEach(paint);
    };
    paint(data);
    element.style.height = "420px";
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText", formatter: (p) => `${p.name}\n${p.value || ""}` },
      series: [{
        type: "tree", data: [data], orient: "BT", top: 40, bottom: 60, left: 40, right: 40,
        symbolSize: 12, initialTreeDepth: -1, expandAndCollapse: false,
        label: { position: "top", fontSize: 11 }, leaves: { label: { position: "top" } },
      }],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-chain-graph]").forEach(draw);
  });
})();
