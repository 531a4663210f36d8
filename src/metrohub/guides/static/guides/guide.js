// The procedure of a rule pack drawn with ECharts (graph, fixed positions) from the JSON data
// island the page renders beside it. No inline script or style: the strict CSP holds. Tooltips
// render as rich text inside the canvas (HTML tooltips would carry inline styles).
(() => {
  "use strict";

  const COLOURS = { main: "#0b5cad", steady: "#1e7b34", side: "#5b6b7c", end: "#b3261e" };
  const charts = [];

  function draw(element) {
    const island = document.getElementById(element.dataset.flow);
    if (!island || typeof echarts === "undefined") return;
    const data = JSON.parse(island.textContent);
    const columns = data.columns.length || 1;
    const narrow = element.clientWidth < 560;
    const boxWidth = narrow
      ? Math.max(72, Math.floor((element.clientWidth - 24) / columns) - 12)
      : 150;
    const pad = boxWidth / 2 + 8;
    const rowHeight = 64;
    // Positions in pixels, and a container exactly as tall as the rows: ECharts then draws at
    // scale 1 on both axes, so the boxes keep their size and shape.
    const usable = element.clientWidth - 2 * pad;
    const step = columns > 1 ? Math.min(usable / (columns - 1), 320) : 0;
    const offset = (usable - step * (columns - 1)) / 2;
    element.style.height = `${(data.rows - 1) * rowHeight + 60}px`;
    const place = (n) => ({
      x: offset + data.columns.indexOf(n.col) * step,
      y: n.row * rowHeight,
    });
    const rowOf = Object.fromEntries(data.nodes.map((n) => [n.id, n]));
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: {
        renderMode: "richText",
        formatter: (p) => (p.data.article ? `${p.data.name}\n${p.data.article}` : p.data.name),
      },
      series: [
        {
          type: "graph",
          layout: "none",
          roam: false,
          left: pad,
          top: 30,
          width: usable,
          height: (data.rows - 1) * rowHeight,
          nodeScaleRatio: 0,
          symbol: "roundRect",
          symbolSize: [boxWidth, 34],
          edgeSymbol: ["none", "arrow"],
          edgeSymbolSize: 7,
          label: {
            show: true,
            color: "#fff",
            fontSize: narrow ? 10 : 12,
            width: boxWidth - 8,
            overflow: "truncate",
          },
          data: data.nodes.map((n) => ({
            ...n,
            ...place(n),
            itemStyle: { color: COLOURS[n.kind] || COLOURS.side },
          })),
          links: data.edges.map((e) => ({
            ...e,
            lineStyle: {
              color: e.main ? "#0b5cad" : "#9aa8b6",
              width: e.main ? 2 : 1,
              type: e.optional ? "dashed" : "solid",
              // A step back up the same column curves away from the main line.
              curveness: rowOf[e.source].col === rowOf[e.target].col && !e.main ? 0.4 : 0,
            },
          })),
          emphasis: { focus: "adjacency" },
        },
      ],
    });
    element.dataset.drawn = "true";
    charts.push(chart);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const element of document.querySelectorAll("[data-flow]")) draw(element);
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
