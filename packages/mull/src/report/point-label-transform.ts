import * as vega from "vega";

/** The type the report's point-label transform has in a Vega spec and in Vega's (lower-case) registry. */
export const pointLabelTransformType = "mullpointlabel";

/**
 * JavaScript source of a function that registers, once, the report's point-label transform on the Vega
 * module it is given: the page runs it on its global `vega`, Node on the imported one
 * (`registerPointLabelTransform`), so both place labels with the same code.
 *
 * The transform is Vega's `label` transform with two more parameters:
 * - `margin`: each label's box is widened by this many pixels on every side while labels are placed, so
 *   two labels keep at least twice that apart, and a label that much from the marks it avoids; the
 *   drawn text stays where its unwidened box would be.
 * - `clearance`: a placed label with another label's point no more than this many pixels farther from
 *   its box than its own point could be read as that point's: it is marked `crowded` (true), for a
 *   leader line to its own point.
 * A label's own point is where its text item was before it was placed (its encoded `x` and `y`).
 */
export const pointLabelTransformScript = `function (vega) {
  var type = "${pointLabelTransformType}";
  if (Object.prototype.hasOwnProperty.call(vega.transforms, type)) return;
  var Label = vega.transforms.label;
  var metrics = vega.textMetrics;

  function fontSize(item) {
    return item.fontSize == null ? 11 : +item.fontSize || 0;
  }

  // The box a placed text item covers, from its position, alignment and baseline.
  function textBox(item, width, height) {
    var left = item.align === "right" ? item.x - width : item.align === "center" ? item.x - width / 2 : item.x;
    var top =
      item.baseline === "bottom" ? item.y - height : item.baseline === "middle" ? item.y - height / 2 : item.y;
    return { left: left, right: left + width, top: top, bottom: top + height };
  }

  function distance(box, point) {
    var across = Math.max(box.left - point[0], 0, point[0] - box.right);
    var down = Math.max(box.top - point[1], 0, point[1] - box.bottom);
    return Math.sqrt(across * across + down * down);
  }

  class PointLabel extends Label {
    transform(parameters, pulse) {
      var margin = parameters.margin || 0;
      var items = pulse.materialize(pulse.SOURCE).source || [];
      var points = items.map(function (item) { return [item.x, item.y]; });
      var sizes = new Map(items.map(function (item) { return [item, item.fontSize]; }));
      var measure = metrics.width;
      // Vega's layout reads a label's height from its font size and its width from textMetrics: both
      // are widened by the margin while it places the labels, and put back after.
      var width = function (item, text) {
        return sizes.has(item) ? measure(Object.assign({}, item, { fontSize: sizes.get(item) }), text) : measure(item, text);
      };
      items.forEach(function (item) { item.fontSize = fontSize(item) + 2 * margin; });
      metrics.width = function (item, text) {
        return sizes.has(item) ? width(item, text) + 2 * margin : measure(item, text);
      };
      var placed;
      try {
        placed = super.transform(parameters, pulse);
      } finally {
        metrics.width = measure;
        sizes.forEach(function (size, item) { item.fontSize = size; });
      }
      if (placed === undefined) return placed;
      var boxes = items.map(function (item) {
        if (!(item.opacity > 0)) return undefined;
        item.x += item.align === "left" ? margin : item.align === "right" ? -margin : 0;
        item.y += item.baseline === "top" ? margin : item.baseline === "bottom" ? -margin : 0;
        return textBox(item, width(item, item.text), fontSize(item));
      });
      var clearance = parameters.clearance || 0;
      items.forEach(function (item, index) {
        var box = boxes[index];
        var own = points[index];
        item.crowded =
          box !== undefined &&
          points.some(function (point) {
            var elsewhere = point[0] !== own[0] || point[1] !== own[1];
            return elsewhere && distance(box, point) <= distance(box, own) + clearance;
          });
      });
      return placed.modifies("crowded");
    }
  }
  PointLabel.Definition = Object.assign({}, Label.Definition, {
    type: type,
    params: Label.Definition.params.concat([
      { name: "margin", type: "number", default: 0 },
      { name: "clearance", type: "number", default: 0 },
    ]),
  });
  vega.transforms[type] = PointLabel;
}`;

/**
 * Registers the report's point-label transform (`pointLabelTransformScript`) on the Vega module Node
 * imports, once, so that a view made here can parse a spec that places point labels.
 */
export function registerPointLabelTransform(): void {
  if (Object.hasOwn(vega.transforms, pointLabelTransformType)) return;
  const register = new Function(`return ${pointLabelTransformScript};`)() as (module: typeof vega) => void;
  register(vega);
}
