import { pointLabelTransformScript } from "./point-label-transform.ts";

/** Below this width of a plot's place, in CSS pixels, its legends go under the plot instead of beside it. */
export const narrowPlotWidth = 640;

/** The narrowest a plot (or one panel of it) is drawn to fit its place; below it the place scrolls. */
const narrowestPlot = 100;

/**
 * The report page's script: it registers the report's point-label transform on the page's `vega`
 * (`pointLabelTransformScript`), then draws each plot of the JSON in `#mull-vega-specs` (compiled Vega specs)
 * into its element `#plot-<name>` with `vega.View` (to SVG), then fits it to that element: a plot wider
 * than its place is drawn narrower (its `width`, or the panel width `child_width` of a plot of panels,
 * down to 100 px), and a plot of panels in columns (the signal `columns`) takes fewer columns when its
 * panels would get narrower than that. Where the place is narrower than 640 px the plot's legends go
 * under it. A window resized refits every plot (and redraws one whose legends must move). The views are
 * `window.mullViews` and `window.mullReportReady` resolves, and `body[data-rendered]` is set, once all
 * are drawn and fitted.
 */
export const reportRenderScript = `
(function () {
  (${pointLabelTransformScript})(vega);
  var specs = JSON.parse(document.getElementById("mull-vega-specs").textContent);
  var views = {};
  var drawn = {};
  window.mullViews = views;

  function hasSignal(view, name) {
    try { view.signal(name); return true; } catch (error) { return false; }
  }

  function drawnWidth(container) {
    var svg = container.querySelector("svg");
    return svg ? svg.getBoundingClientRect().width : 0;
  }

  function legendsBelow(spec) {
    if (!spec.legends) return spec;
    var copy = Object.assign({}, spec);
    copy.legends = spec.legends.map(function (legend) {
      return Object.assign({}, legend, { orient: "bottom", direction: "vertical" });
    });
    return copy;
  }

  function fit(entry) {
    var view = entry.view, container = entry.container;
    view.signal(entry.widthSignal, entry.width);
    if (entry.columns !== undefined) view.signal("columns", entry.columns);
    function step(tries) {
      var over = drawnWidth(container) - container.clientWidth;
      if (over <= 0.5 || tries === 0) return Promise.resolve();
      var width = view.signal(entry.widthSignal);
      var columns = entry.columns === undefined ? 1 : view.signal("columns");
      var narrower = Math.floor(width - over / columns);
      if (narrower >= ${narrowestPlot}) view.signal(entry.widthSignal, narrower);
      else if (columns > 1) view.signal("columns", columns - 1).signal(entry.widthSignal, entry.width);
      else if (width > ${narrowestPlot}) view.signal(entry.widthSignal, ${narrowestPlot});
      else return Promise.resolve();
      // Vega lays out a plot's size anew only when asked to (resize), not on a changed signal.
      return view.resize().runAsync().then(function () { return step(tries - 1); });
    }
    return view.resize().runAsync().then(function () { return step(24); });
  }

  function draw(name) {
    var container = document.getElementById("plot-" + name);
    var narrow = container.clientWidth < ${narrowPlotWidth};
    var spec = narrow ? legendsBelow(specs[name]) : specs[name];
    if (views[name]) views[name].finalize();
    var view = new vega.View(vega.parse(spec), { renderer: "svg", container: container, hover: true });
    views[name] = view;
    var widthSignal = hasSignal(view, "child_width") ? "child_width" : "width";
    var entry = {
      view: view,
      container: container,
      narrow: narrow,
      widthSignal: widthSignal,
      width: view.signal(widthSignal),
      columns: hasSignal(view, "columns") ? view.signal("columns") : undefined,
    };
    drawn[name] = entry;
    return view.runAsync().then(function () { return fit(entry); });
  }

  window.mullReportReady = Promise.all(Object.keys(specs).map(draw)).then(function () {
    document.body.setAttribute("data-rendered", "true");
  });

  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      Object.keys(drawn).forEach(function (name) {
        var entry = drawn[name];
        if ((entry.container.clientWidth < ${narrowPlotWidth}) !== entry.narrow) draw(name);
        else fit(entry);
      });
    }, 150);
  });
})();
`;
