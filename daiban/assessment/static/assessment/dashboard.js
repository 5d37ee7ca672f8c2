/* The dashboard's charts (vendored ECharts). Clicking a unit or a department lists its cases below. */
(function () {
  "use strict";
  var source = document.getElementById("assessment-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function drill(by, key) {
    var url = data.drill.replace("__by__", by).replace("__key__", key);
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#drill", swap: "innerHTML" }).then(function () {
        document.getElementById("drill").scrollIntoView({ behavior: "smooth" });
      });
    } else {
      window.location.href = url;
    }
  }

  function draw(id, option, by, rows) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = window.echarts.init(element);
    chart.setOption(option);
    if (by) {
      chart.on("click", function (params) {
        var row = rows[params.dataIndex];
        if (row) { drill(by, row.key); }
      });
    }
    charts.push(chart);
  }

  var months = data.months;
  draw("chart-months", {
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 40, right: 45, top: 30, bottom: 56 },
    xAxis: { type: "category", data: months.map(function (m) { return m.month; }) },
    yAxis: [{ type: "value", name: "件", minInterval: 1 },
            { type: "value", name: "按时率", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: "收到申请", type: "bar", barMaxWidth: 26, data: months.map(function (m) { return m.received; }) },
      { name: "受理", type: "bar", barMaxWidth: 26, data: months.map(function (m) { return m.accepted; }) },
      { name: "办结", type: "bar", barMaxWidth: 26, data: months.map(function (m) { return m.completed; }) },
      { name: "事项按时办结率", type: "line", yAxisIndex: 1, connectNulls: true,
        data: months.map(function (m) { return m.on_time_rate === null ? null : Math.round(m.on_time_rate * 1000) / 10; }) }
    ]
  });

  var units = data.units.filter(function (u) { return u.on_time_rate !== null; });
  draw("chart-units", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    grid: { left: 130, right: 30, top: 10, bottom: 30 },
    xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: units.map(function (u) { return u.name.replace("投资项目代办服务站", ""); }) },
    series: [{ type: "bar", name: "按时办结率", barMaxWidth: 26, itemStyle: { color: "#2e7d32" }, cursor: "pointer",
               data: units.map(function (u) { return Math.round(u.on_time_rate * 1000) / 10; }) }]
  }, "unit", units);

  var departments = data.departments.filter(function (d) { return d.overdue > 0; });
  draw("chart-departments", {
    tooltip: { trigger: "axis" },
    grid: { left: 130, right: 30, top: 10, bottom: 30 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: departments.map(function (d) { return d.name; }) },
    series: [{ type: "bar", name: "逾期案件", barMaxWidth: 26, itemStyle: { color: "#c0392b" }, cursor: "pointer",
               data: departments.map(function (d) { return d.overdue; }) }]
  }, "department", departments);

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
