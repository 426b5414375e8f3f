import type { CoveragePoint } from "./coverage-curve.ts";

/** A fitted coverage curve coverage(k) ≈ exp(a·k^b) (Large Language Monkeys). */
export interface CoverageFit {
  /** Scale; negative, so coverage stays below 1. */
  readonly a: number;
  /** Exponent; negative when coverage grows with k. */
  readonly b: number;
  /**
   * `log-log`: least squares of ln(−ln coverage) on ln k only; `levenberg-marquardt`: refined by
   * nonlinear least squares on the coverage values themselves.
   */
  readonly method: "log-log" | "levenberg-marquardt";
  /** Root mean square error of the fit over every given point, in coverage units. */
  readonly rootMeanSquareError: number;
  /** Points with 0 < coverage < 1, which are the only ones the log-log start can use. */
  readonly interiorPoints: number;
}

/** The coverage a fit predicts at k: exp(a·k^b). */
export function fittedCoverage(fit: Pick<CoverageFit, "a" | "b">, k: number): number {
  return Math.exp(fit.a * k ** fit.b);
}

function sumOfSquares(points: readonly CoveragePoint[], a: number, b: number): number {
  return points.reduce((sum, point) => sum + (fittedCoverage({ a, b }, point.k) - point.coverage) ** 2, 0);
}

/**
 * Fits coverage(k) ≈ exp(a·k^b) to a coverage curve in two stages:
 * 1. **log-log start.** Since −ln coverage = −a·k^b, ln(−ln coverage) = ln(−a) + b·ln k is a line in
 *    ln k; ordinary least squares over the points with 0 < coverage < 1 gives a and b in closed form.
 *    Points at coverage 0 or 1 have no finite transform and are left out of this stage.
 * 2. **Refinement.** Levenberg–Marquardt minimises the squared error in coverage itself over every point
 *    (0 and 1 included), with a = −e^u so a stays negative. The log transform stretches errors near
 *    coverage 1 without bound, so the start alone over-weights the saturated end of the curve; the
 *    refinement is kept only when it lowers the squared error.
 *
 * Returns `undefined` when fewer than two interior points with distinct k exist (e.g. a curve that is 1
 * from k = 1 on): no line through them is determined.
 *
 * @example
 * const fit = fitCoverage(coverageCurve(counts));
 * if (fit) console.log(fittedCoverage(fit, 100));
 */
export function fitCoverage(points: readonly CoveragePoint[]): CoverageFit | undefined {
  const interior = points.filter((point) => point.coverage > 0 && point.coverage < 1 && point.k > 0);
  if (new Set(interior.map((point) => point.k)).size < 2) return undefined;
  const xs = interior.map((point) => Math.log(point.k));
  const ys = interior.map((point) => Math.log(-Math.log(point.coverage)));
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let covariance = 0;
  let variance = 0;
  for (const [index, x] of xs.entries()) {
    covariance += (x - meanX) * (ys[index]! - meanY);
    variance += (x - meanX) ** 2;
  }
  const startB = covariance / variance;
  const startU = meanY - startB * meanX;
  const start = { u: startU, b: startB };
  const refined = refine(points, start);
  const startError = sumOfSquares(points, -Math.exp(start.u), start.b);
  const refinedError = sumOfSquares(points, -Math.exp(refined.u), refined.b);
  const useRefined = Number.isFinite(refinedError) && refinedError < startError;
  const best = useRefined ? refined : start;
  const error = useRefined ? refinedError : startError;
  return {
    a: -Math.exp(best.u),
    b: best.b,
    method: useRefined ? "levenberg-marquardt" : "log-log",
    rootMeanSquareError: Math.sqrt(error / points.length),
    interiorPoints: interior.length,
  };
}

/** Levenberg–Marquardt over (u, b) with coverage(k) = exp(−e^u·k^b). */
function refine(points: readonly CoveragePoint[], start: { u: number; b: number }): { u: number; b: number } {
  let { u, b } = start;
  let error = sumOfSquares(points, -Math.exp(u), b);
  let damping = 1e-3;
  for (let iteration = 0; iteration < 200; iteration += 1) {
    // Normal equations J^T J δ = −J^T r, with residual r = f − coverage.
    let juu = 0;
    let jub = 0;
    let jbb = 0;
    let gu = 0;
    let gb = 0;
    for (const point of points) {
      const g = Math.exp(u) * point.k ** b;
      const f = Math.exp(-g);
      const residual = f - point.coverage;
      const du = -f * g;
      const db = -f * g * Math.log(point.k);
      juu += du * du;
      jub += du * db;
      jbb += db * db;
      gu += du * residual;
      gb += db * residual;
    }
    let improved = false;
    while (damping < 1e12) {
      const a11 = juu * (1 + damping);
      const a22 = jbb * (1 + damping);
      const determinant = a11 * a22 - jub * jub;
      if (!(Math.abs(determinant) > 0)) break;
      const stepU = (-gu * a22 + gb * jub) / determinant;
      const stepB = (-gb * a11 + gu * jub) / determinant;
      const candidate = sumOfSquares(points, -Math.exp(u + stepU), b + stepB);
      if (Number.isFinite(candidate) && candidate < error) {
        const relative = (error - candidate) / Math.max(error, Number.MIN_VALUE);
        u += stepU;
        b += stepB;
        error = candidate;
        damping = Math.max(damping / 3, 1e-12);
        improved = relative > 1e-12;
        break;
      }
      damping *= 4;
    }
    if (!improved) break;
  }
  return { u, b };
}
