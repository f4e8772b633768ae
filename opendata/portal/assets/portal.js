// Tongxing open-data portal: draws the chart of a dataset page with the
// embedded ECharts. The page works without JavaScript; only the chart needs
// it. The data comes from <script type="application/json" id="chart-data">,
// computed from the published table at build time.
(function () {
  "use strict";
  var el = document.getElementById("chart");
  var src = document.getElementById("chart-data");
  if (!el || !src || typeof echarts === "undefined") {
    return;
  }
  var data;
  try {
    data = JSON.parse(src.textContent);
  } catch (e) {
    el.setAttribute("data-chart-error", String(e));
    return;
  }
  var label = function (t) {
    return t && t.zh && t.en && t.zh !== t.en ? t.zh + " " + t.en : (t && (t.zh || t.en)) || "";
  };
  var twoAxes = data.series.some(function (s) { return s.axis === 1; });
  var yAxis = [{ type: "value", axisLabel: { formatter: compact } }];
  if (twoAxes) {
    yAxis.push({ type: "value", splitLine: { show: false }, axisLabel: { formatter: compact } });
  }
  function compact(v) {
    if (Math.abs(v) >= 10000) {
      return (v / 10000).toFixed(v % 10000 === 0 ? 0 : 1) + "万";
    }
    return String(v);
  }
  var chart = echarts.init(el, null, { renderer: "svg" });
  if (data.type === "scatter") {
    // Points on their WGS-84 coordinates, without map tiles: the axes are
    // longitude and latitude, kept at the same scale so distances look true.
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      color: ["#c23a2b", "#2f6f9f", "#d9962b", "#4c8c4a", "#7a5195", "#5d6d7e"],
      textStyle: { fontFamily: "system-ui, -apple-system, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif" },
      tooltip: {
        trigger: "item",
        formatter: function (p) { return p.data[2] + "<br>" + p.seriesName + "<br>" + p.data[1].toFixed(4) + "°N, " + p.data[0].toFixed(4) + "°E"; }
      },
      legend: { top: 0, data: data.series.map(function (s) { return label(s.name); }) },
      grid: { left: 64, right: 24, top: 40, bottom: 48 },
      xAxis: { type: "value", scale: true, name: "经度 Longitude", nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", scale: true, name: "纬度 Latitude" },
      series: data.series.map(function (s) {
        return {
          name: label(s.name),
          type: "scatter",
          symbolSize: 12,
          data: (s.points || []).map(function (p) { return [p.x, p.y, p.label]; })
        };
      })
    });
    el.setAttribute("data-chart-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
    return;
  }
  chart.setOption({
    aria: { enabled: true },
    animation: false,
    color: ["#c23a2b", "#2f6f9f", "#d9962b", "#4c8c4a", "#7a5195", "#5d6d7e"],
    textStyle: { fontFamily: "system-ui, -apple-system, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif" },
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: data.series.map(function (s) { return label(s.name); }) },
    grid: { left: 56, right: twoAxes ? 64 : 24, top: 40, bottom: data.categories.length > 12 ? 72 : 40 },
    xAxis: {
      type: "category",
      data: data.categories,
      axisLabel: { rotate: data.categories.length > 12 ? 45 : 0, hideOverlap: true }
    },
    yAxis: yAxis,
    dataZoom: data.categories.length > 36 ? [{ type: "inside" }, { type: "slider", height: 18, bottom: 4 }] : [],
    series: data.series.map(function (s) {
      return {
        name: label(s.name),
        type: data.type === "line" ? "line" : "bar",
        yAxisIndex: s.axis === 1 ? 1 : 0,
        data: s.data,
        connectNulls: false,
        showSymbol: false,
        barMaxWidth: 36
      };
    })
  });
  el.setAttribute("data-chart-rendered", "true");
  window.addEventListener("resize", function () { chart.resize(); });
})();
