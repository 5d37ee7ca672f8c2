/* The plan's flowchart and timetable (vendored ECharts), drawn from the same plan_detail as the .docx pictures.
   Flowchart: items in columns by stage, arrows from each prerequisite, the critical path in red.
   Timetable: planned bars, today, each item's running due date (coloured by its warning) and the permit date. */
(function () {
  "use strict";
  var source = document.getElementById("plan-chart-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var RED = "#c0392b", BLUE = "#1f5fa8", GREEN = "#2e7d32", YELLOW = "#d4a017", GREY = "#9aa5b1";
  var WARNING = { normal: GREEN, warning: YELLOW, overdue: RED };
  var MOVING = ["dispatched", "in_progress", "awaiting_correction", "suspended", "reported_up"];
  var DAY = 24 * 3600 * 1000;
  var FONT = '"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif';

  function day(text) {  // "2026-11-02" as local midnight, like the axis labels
    if (!text) { return null; }
    var parts = text.split("-");
    return new Date(+parts[0], +parts[1] - 1, +parts[2]).getTime();
  }

  function short(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  function look(item) {
    if (item.status === "approved") { return { fill: "#e7f5e9", border: GREEN }; }
    if (item.status === "refused" || item.status === "withdrawn") { return { fill: "#eeeeee", border: GREY }; }
    var fill = item.warning === "overdue" ? "#fdecea" : item.warning === "warning" ? "#fff6d6" : null;
    if (MOVING.indexOf(item.status) >= 0) { return { fill: fill || "#e8f0fb", border: BLUE }; }
    return { fill: fill || "#ffffff", border: GREY };
  }

  function tooltip(item) {
    var lines = ["<b>" + item.code + " " + item.name + "</b>", item.department,
                 "计划：" + (item.start || "—") + " 至 " + (item.due || "—") + (item.provisional ? "（暂定）" : ""),
                 "承诺时限：" + item.limit + " 个工作日", "状态：" + item.status_label];
    if (item.running_due && MOVING.concat(["pending"]).indexOf(item.status) >= 0) {
      lines.push("办理期限：" + item.running_due + (item.warning_label ? "（" + item.warning_label + "）" : ""));
    }
    if (item.finished_on) { lines.push("办结日期：" + item.finished_on); }
    if (item.owner_prerequisites.length) { lines.push("业主自行办理的前置：" + item.owner_prerequisites.join("、")); }
    if (item.critical) { lines.push('<span style="color:' + RED + '">关键路径</span>'); }
    return lines.join("<br>");
  }

  var byCode = {};
  data.items.forEach(function (item) { byCode[item.code] = item; });
  var onPath = {};
  for (var k = 1; k < data.critical_path.length; k += 1) {
    onPath[data.critical_path[k - 1] + ">" + data.critical_path[k]] = true;
  }

  // -- the flowchart ---------------------------------------------------------------------------------------
  var column = {}, place = {}, rowsOf = [];
  data.stages.forEach(function (stage, index) { column[stage.code] = index; rowsOf.push(0); });
  data.items.forEach(function (item) {
    var c = column[item.stage];
    place[item.code] = [c, rowsOf[c]];
    rowsOf[c] += 1;
  });
  var columns = Math.max(data.stages.length, 1), depth = Math.max.apply(null, rowsOf.concat([1]));
  var ROW = 62, HEAD = 34, NODE_H = 42, MIN_COLUMN = 150, GUTTER = 22;  // the gutter holds arrows round the left
  var flowElement = document.getElementById("plan-flowchart");

  function flowOption(width) {
    var columnWidth = (width - GUTTER) / columns, nodeWidth = Math.min(190, columnWidth - 22);
    var half = (nodeWidth / 2) / columnWidth, halfH = (NODE_H / 2) / ROW;
    var nodes = data.items.map(function (item) {
      var style = look(item);
      return { value: place[item.code], item: item, fill: style.fill, stroke: item.critical ? RED : style.border,
               tooltipText: tooltip(item) };
    });
    function drawNode(params, api) {
      var node = nodes[params.dataIndex], item = node.item, at = api.coord(node.value);
      var x = at[0] - nodeWidth / 2, y = at[1] - NODE_H / 2;
      return { type: "group", children: [
        { type: "rect", shape: { x: x, y: y, width: nodeWidth, height: NODE_H, r: 5 },
          style: { fill: node.fill, stroke: node.stroke, lineWidth: item.critical ? 2.2 : 1.2 } },
        { type: "text", x: x + 8, y: y + 5, silent: true,
          style: { text: item.code + (item.status === "approved" ? " ✓ 已办结" : ""), font: "bold 12px " + FONT,
                   fill: item.status === "approved" ? GREEN : item.critical ? RED : BLUE } },
        { type: "text", x: x + 8, y: y + 23, silent: true,
          style: { text: item.name, font: "11px " + FONT, fill: "#1d2530", width: nodeWidth - 14,
                   overflow: "truncate" } }
      ] };
    }
    var arrows = [];
    data.items.forEach(function (item) {
      item.prerequisites.forEach(function (code) {
        var from = place[code], to = place[item.code];
        if (!from || !to) { return; }
        var red = onPath[code + ">" + item.code], points, bend = 0;
        if (from[0] === to[0] && Math.abs(to[1] - from[1]) === 1) {  // next in the same stage: straight down
          points = [[from[0], from[1] + halfH], [to[0], to[1] - halfH]];
        } else if (from[0] === to[0]) {  // further down the same stage: round the left side of the boxes
          points = [[from[0] - half, from[1]], [to[0] - half, to[1]]];
          bend = -0.35;
        } else {
          points = [[from[0] + half, from[1]], [to[0] - half, to[1]]];
        }
        arrows.push({ coords: points, critical: red,
                      lineStyle: { color: red ? RED : "#8795a5", width: red ? 2 : 1.1, opacity: 0.9, curveness: bend } });
      });
    });
    arrows.sort(function (a, b) { return (a.critical ? 1 : 0) - (b.critical ? 1 : 0); });  // red on top
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", confine: true,
                 formatter: function (p) { return p.data && p.data.tooltipText ? p.data.tooltipText : ""; } },
      grid: { left: GUTTER, right: 0, top: HEAD, bottom: 6 },
      xAxis: { type: "value", min: -0.5, max: columns - 0.5, show: false },
      yAxis: { type: "value", min: -0.5, max: depth - 0.5, inverse: true, show: false },
      series: [
        { type: "lines", coordinateSystem: "cartesian2d", data: arrows, symbol: ["none", "arrow"], symbolSize: 8,
          silent: true, z: 1 },
        { type: "custom", data: nodes, renderItem: drawNode, z: 2, cursor: "default", encode: { x: 0, y: 1 } }
      ],
      graphic: data.stages.map(function (stage, index) {
        return { type: "text", x: GUTTER + columnWidth * index + columnWidth / 2, y: 8,
                 style: { text: stage.label, font: "bold 13px " + FONT, fill: "#1d2530", textAlign: "center" } };
      })
    };
  }

  function flowWidth() {
    var frame = flowElement.parentElement.clientWidth || flowElement.clientWidth;
    return Math.max(frame, columns * MIN_COLUMN + GUTTER);
  }

  var flowchart = null;
  if (flowElement) {
    flowElement.style.height = (HEAD + depth * ROW + 10) + "px";
    flowElement.style.width = flowWidth() + "px";
    flowchart = window.echarts.init(flowElement);
    flowchart.setOption(flowOption(flowWidth()));
  }

  // -- the timetable (Gantt) -------------------------------------------------------------------------------
  var ganttElement = document.getElementById("plan-gantt");
  var planned = data.items.filter(function (item) { return item.start && item.due; });
  var today = day(data.today), permit = day(data.permit);

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function ganttOption(narrow) {
    // The axis counts days from the Monday before the first date, so its ticks fall on Mondays (week lines).
    var low = today, high = today;
    planned.forEach(function (item) {
      [item.start, item.due, item.running_due, item.finished_on].forEach(function (text) {
        var t = day(text);
        if (t !== null) { low = Math.min(low, t); high = Math.max(high, t); }
      });
    });
    if (permit) { high = Math.max(high, permit); }
    var first = new Date(low - 2 * DAY);
    var origin = new Date(first.getFullYear(), first.getMonth(), first.getDate() - (first.getDay() + 6) % 7).getTime();
    function at(text) { return text ? Math.round((day(text) - origin) / DAY) : null; }
    var span = Math.round((high - origin) / DAY) + 3;
    var step = 7 * Math.max(1, Math.ceil(span / 7 / (narrow ? 4 : 12)));
    var end = Math.ceil(span / step) * step;
    var bars = planned.map(function (item, index) {
      var style = look(item), done = item.status === "approved";
      return {
        value: [index, at(item.start), at(item.due)], tooltipText: tooltip(item),
        itemStyle: { color: done ? "#7fb685" : item.critical ? RED : BLUE, opacity: done ? 0.75 : 1,
                     borderColor: item.provisional ? YELLOW : style.border, borderWidth: item.provisional ? 2 : 0,
                     borderType: "dashed" }
      };
    });
    var dues = [], finishes = [];
    planned.forEach(function (item, index) {
      if (item.finished_on) {
        finishes.push({ value: [at(item.finished_on), index], tooltipText: tooltip(item) });
      } else if (item.running_due && item.warning) {
        dues.push({ value: [at(item.running_due), index], tooltipText: tooltip(item),
                    itemStyle: { color: WARNING[item.warning] || GREY, borderColor: "#fff", borderWidth: 1 } });
      }
    });
    var marks = [{ xAxis: at(data.today), name: "今天", lineStyle: { color: YELLOW, type: "dashed", width: 1.6 },
                   label: { formatter: "今天 " + data.today.slice(5), color: "#8a6d00", position: "start" } }];
    if (permit) {
      marks.push({ xAxis: at(data.permit), name: "预计取得施工许可", lineStyle: { color: GREEN, type: "solid", width: 1.6 },
                   label: { formatter: "预计施工许可 " + data.permit.slice(5), color: GREEN,
                            position: "insideEndTop" } });
    }
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", confine: true,
                 formatter: function (p) { return p.data && p.data.tooltipText ? p.data.tooltipText : ""; } },
      grid: { left: 8, right: 24, top: 26, bottom: 4, containLabel: true },
      xAxis: { type: "value", min: 0, max: end, interval: step,
               splitLine: { show: true, lineStyle: { color: "#e5e8ec" } },
               axisLabel: { fontSize: 11, hideOverlap: true, formatter: function (value) {
                 var date = new Date(origin + value * DAY);
                 return pad(date.getMonth() + 1) + "-" + pad(date.getDate()); } } },
      yAxis: { type: "category", inverse: true, axisTick: { show: false },
               data: planned.map(function (item) { return narrow ? item.code : item.code + " " + short(item.name, 11); }),
               axisLabel: { fontSize: 11, color: function (value, index) {
                 return planned[index] && planned[index].critical ? RED : "#1d2530"; } } },
      series: [
        { type: "custom", name: "计划", data: bars, encode: { x: [1, 2], y: 0 },
          renderItem: function (params, api) {
            var row = api.value(0), start = api.coord([api.value(1), row]), end = api.coord([api.value(2), row]);
            var height = api.size([0, 1])[1] * 0.56;
            var shape = window.echarts.graphic.clipRectByRect(
              { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 4), height: height },
              { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width,
                height: params.coordSys.height });
            return shape && { type: "rect", shape: shape, style: api.style() };
          },
          markLine: { silent: true, symbol: ["none", "none"], data: marks, label: { fontSize: 11 } } },
        { type: "scatter", name: "办理期限", data: dues, symbol: "diamond", symbolSize: 11, z: 4 },
        { type: "scatter", name: "办结", data: finishes, symbol: "circle", symbolSize: 8, z: 4,
          itemStyle: { color: GREEN, borderColor: "#fff", borderWidth: 1 } }
      ]
    };
  }

  var gantt = null;
  if (ganttElement && planned.length) {
    ganttElement.style.height = (planned.length * 28 + 60) + "px";
    gantt = window.echarts.init(ganttElement);
    gantt.setOption(ganttOption(ganttElement.clientWidth < 560));
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      if (flowchart) {
        var width = flowWidth();
        flowElement.style.width = width + "px";
        flowchart.resize({ width: width });
        flowchart.setOption(flowOption(width), true);
      }
      if (gantt) {
        gantt.resize();
        gantt.setOption(ganttOption(ganttElement.clientWidth < 560), true);
      }
    }, 120);
  });
}());
