// Line charts drawn as SVG by the page itself: no library, nothing fetched from elsewhere.
// Each series is a <path> with data-series (its name), data-last (its newest value) and
// data-points (how many points it has), so a test or a curious reader can see what is drawn.
"use strict";

window.RoundaboutCharts = (function () {
  const svgNs = "http://www.w3.org/2000/svg";
  const width = 400, height = 150, left = 44, right = 6, top = 8, bottom = 18;
  const palette = ["#0969da", "#1a7f37", "#8250df", "#bf8700", "#0a7480", "#d1242f", "#6e7781", "#e16f24", "#4d2d00", "#953800"];

  function node(tag, attributes, text) {
    const n = document.createElementNS(svgNs, tag);
    Object.keys(attributes).forEach(function (key) { n.setAttribute(key, String(attributes[key])); });
    if (text !== undefined) {
      n.textContent = String(text);
    }
    return n;
  }

  function niceMax(value) {
    if (!(value > 0)) {
      return 1;
    }
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    const steps = [1, 2, 2.5, 5, 10];
    for (let i = 0; i < steps.length; i++) {
      if (steps[i] * magnitude >= value) {
        return steps[i] * magnitude;
      }
    }
    return 10 * magnitude;
  }

  function label(value) {
    return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  }

  function colour(index) {
    return palette[index % palette.length];
  }

  // series: [{ name, colour, points: [[timeMs, value or null]], slow }]; a null value breaks the line.
  function draw(svg, series, nowMs, windowMs) {
    let max = 0;
    series.forEach(function (s) {
      s.points.forEach(function (p) { if (p[1] !== null && p[1] > max) { max = p[1]; } });
    });
    max = niceMax(max);
    const x = function (t) { return left + (width - left - right) * (1 - (nowMs - t) / windowMs); };
    const y = function (v) { return top + (height - top - bottom) * (1 - v / max); };

    const children = [];
    [0, 0.5, 1].forEach(function (f) {
      const gy = y(max * f);
      children.push(node("line", { x1: left, x2: width - right, y1: gy, y2: gy, class: "grid" }));
      children.push(node("text", { x: left - 4, y: gy + 3, "text-anchor": "end", class: "axis" }, label(max * f)));
    });
    children.push(node("text", { x: left, y: height - 4, class: "axis" }, "-" + Math.round(windowMs / 60000) + " min"));
    children.push(node("text", { x: width - right, y: height - 4, "text-anchor": "end", class: "axis" }, "now"));

    series.forEach(function (s) {
      let d = "", pen = false, last = null, count = 0;
      s.points.forEach(function (p) {
        if (p[1] === null || p[0] < nowMs - windowMs) {
          pen = false;
          return;
        }
        d += (pen ? "L" : "M") + x(p[0]).toFixed(1) + " " + y(p[1]).toFixed(1);
        pen = true;
        last = p[1];
        count++;
      });
      const path = node("path", { d: d, class: "line" + (s.slow ? " slow" : ""), stroke: s.colour });
      path.dataset.series = s.name;
      path.dataset.points = String(count);
      path.dataset.last = last === null ? "" : String(last);
      path.append(node("title", {}, s.name));
      children.push(path);
    });
    svg.replaceChildren.apply(svg, children);
    svg.dataset.max = String(max);
  }

  return { draw: draw, colour: colour };
})();
