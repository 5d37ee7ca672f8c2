/* The public page's month chart (vendored ECharts): cases received and completed, and the on-time rate. */
(function () {
  "use strict";
  var source = document.getElementById("public-figures");
  var element = document.getElementById("chart-public");
  if (!source || !element || !window.echarts) { return; }
  var months = JSON.parse(source.textContent).months;
  var chart = window.echarts.init(element);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 40, right: 45, top: 30, bottom: 56 },
    xAxis: { type: "category", data: months.map(function (m) { return m.month.slice(5) + "月"; }) },
    yAxis: [{ type: "value", name: "件", minInterval: 1 },
            { type: "value", name: "按时率", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: "受理", type: "bar", barMaxWidth: 26, data: months.map(function (m) { return m.accepted; }) },
      { name: "办结", type: "bar", barMaxWidth: 26, data: months.map(function (m) { return m.completed; }) },
      { name: "按时办结率", type: "line", yAxisIndex: 1, connectNulls: true,
        data: months.map(function (m) { return m.on_time_rate === null ? null : Math.round(m.on_time_rate * 1000) / 10; }) }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
