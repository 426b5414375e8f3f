import type { Spec as VegaSpec } from "vega";
import * as vega from "vega";
import { CoverageCanvas } from "./coverage-canvas.ts";
import { pointLabelTransformType, registerPointLabelTransform } from "./point-label-transform.ts";

/** The name this module registers its label transform under, in Vega's (lower-case) registry. */
const transformType = "mulllabelinnode";

/** The report's label transform as Vega's registry holds it: a dataflow operator constructor. */
interface LabelTransform {
  transform(parameters: unknown, pulse: unknown): unknown;
}
type LabelConstructor = (new (
  parameters: unknown,
) => LabelTransform) & {
  readonly Definition: Record<string, unknown>;
};

/**
 * Runs `place` with `document.createElement("canvas")` answering a `CoverageCanvas`, where there is no
 * document (Node): Vega's `label` transform asks for its canvas that way. `place` is synchronous, so
 * nothing else runs while the stand-in is there.
 */
function withCoverageCanvas<T>(place: () => T): T {
  if ("document" in globalThis) return place();
  const document = {
    createElement: (tag: string) => (tag === "canvas" ? new CoverageCanvas() : undefined),
  };
  Object.defineProperty(globalThis, "document", { value: document, configurable: true, writable: true });
  try {
    return place();
  } finally {
    delete (globalThis as { document?: unknown }).document;
  }
}

/** Registers, once, the report's label transform run with a `CoverageCanvas` where there is no other. */
function registerLabelTransform(): void {
  if (Object.hasOwn(vega.transforms, transformType)) return;
  registerPointLabelTransform();
  const Label = (vega.transforms as Record<string, unknown>)[pointLabelTransformType] as LabelConstructor;
  class LabelInNode extends Label {
    static override readonly Definition = { ...Label.Definition, type: transformType };
    override transform(parameters: unknown, pulse: unknown): unknown {
      return withCoverageCanvas(() => super.transform(parameters, pulse));
    }
  }
  (vega.transforms as Record<string, unknown>)[transformType] = LabelInNode;
}

interface Mark {
  type?: string;
  marks?: Mark[];
  transform?: { type?: string }[];
}

/** The marks with each point-label transform, in them or in marks they group, run by `LabelInNode`. */
function relabel(marks: readonly Mark[]): Mark[] {
  return marks.map((mark) => ({
    ...mark,
    ...(mark.marks === undefined ? {} : { marks: relabel(mark.marks) }),
    ...(mark.transform === undefined
      ? {}
      : {
          transform: mark.transform.map((step) =>
            step.type?.toLowerCase() === pointLabelTransformType ? { ...step, type: transformType } : step,
          ),
        }),
  }));
}

/**
 * Lets a compiled plot's point labels avoid other marks (`avoidMarks`) when it is drawn in Node: the
 * point-label transform (Vega's `label`, `pointLabelTransformScript`) draws those marks to a canvas, which
 * Node lacks, so each such transform of the spec is swapped for the same transform given a
 * `CoverageCanvas` to draw them on. Labels are then placed
 * as in a browser's page, with text widths estimated rather than measured.
 *
 * @example
 * const view = new vega.View(vega.parse(placeLabelsInNode(compileReportSpec(spec, { avoidMarks: true }))));
 */
export function placeLabelsInNode(spec: VegaSpec): VegaSpec {
  registerLabelTransform();
  if (spec.marks === undefined) return spec;
  return { ...spec, marks: relabel(spec.marks as Mark[]) } as VegaSpec;
}
