import type { StrategyCoverage } from "../bench/metrics/index.ts";
import { percentText, table } from "./html-blocks.ts";

/**
 * The table under the coverage plot: per strategy with two or more samples per problem, the samples it
 * drew per problem (fewest–most where they vary), its largest k (the fewest), pass@k there, and the a and
 * b of its exp(a·k^b) fit with the fit's method and error.
 *
 * @example
 * const html = fitTable(strategyCoverage(run)); // <table class="fits">…
 */
export function fitTable(curves: readonly StrategyCoverage[]): string {
  const rows = curves
    .filter((curve) => curve.maxK >= 2)
    .map((curve) => {
      const last = curve.points.at(-1);
      return [
        curve.strategy,
        String(curve.problems),
        curve.mostSamples === curve.maxK ? String(curve.maxK) : `${curve.maxK}–${curve.mostSamples}`,
        String(curve.maxK),
        last === undefined ? "—" : percentText(last.coverage),
        curve.fit === undefined ? "no fit" : curve.fit.a.toFixed(4),
        curve.fit === undefined ? "—" : curve.fit.b.toFixed(4),
        curve.fit === undefined ? "fewer than 2 points strictly between 0 and 1" : curve.fit.method,
        curve.fit === undefined ? "—" : curve.fit.rootMeanSquareError.toFixed(4),
      ];
    });
  return table(
    ["strategy", "problems", "samples / problem", "k max", "pass@k max", "a", "b", "fit", "RMSE"],
    rows,
    "fits",
  );
}
