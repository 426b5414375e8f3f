import { describe, expect, it } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import type { CoveragePoint } from "./coverage-curve.ts";
import { fitCoverage, fittedCoverage } from "./fit-coverage.ts";

function curve(a: number, b: number, ks: readonly number[]): CoveragePoint[] {
  return ks.map((k) => ({ k, coverage: fittedCoverage({ a, b }, k) }));
}

describe("fitCoverage", () => {
  it("recovers a and b from an exact curve", () => {
    const fit = fitCoverage(curve(-1.3, -0.4, [1, 2, 4, 8, 16, 32, 64]));
    expect(fit?.a).toBeCloseTo(-1.3, 6);
    expect(fit?.b).toBeCloseTo(-0.4, 6);
    expect(fit?.rootMeanSquareError).toBeLessThan(1e-8);
  });

  it("fits noisy curves closer in coverage than the log-log start alone", () => {
    const rng = seededRng(2);
    const ks = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32];
    const noisy = curve(-2, -0.5, ks).map((point) => ({
      k: point.k,
      coverage: Math.min(0.999, Math.max(0.001, point.coverage + (rng.next() - 0.5) * 0.04)),
    }));
    const fit = fitCoverage(noisy);
    expect(fit?.method).toBe("levenberg-marquardt");
    expect(fit!.a).toBeCloseTo(-2, 0);
    expect(fit!.b).toBeCloseTo(-0.5, 0);
    expect(fit!.rootMeanSquareError).toBeLessThan(0.02);
  });

  it("uses points at coverage 1 in the refinement but not in the start", () => {
    const points = [...curve(-1, -1, [1, 2, 4]), { k: 64, coverage: 1 }];
    const fit = fitCoverage(points);
    expect(fit?.interiorPoints).toBe(3);
    expect(fittedCoverage(fit!, 64)).toBeGreaterThan(0.98);
  });

  it("has no fit when fewer than two points lie strictly between 0 and 1", () => {
    expect(
      fitCoverage([
        { k: 1, coverage: 1 },
        { k: 2, coverage: 1 },
      ]),
    ).toBeUndefined();
    expect(
      fitCoverage([
        { k: 1, coverage: 0.5 },
        { k: 2, coverage: 1 },
      ]),
    ).toBeUndefined();
    expect(
      fitCoverage([
        { k: 1, coverage: 0 },
        { k: 2, coverage: 0 },
      ]),
    ).toBeUndefined();
  });
});
