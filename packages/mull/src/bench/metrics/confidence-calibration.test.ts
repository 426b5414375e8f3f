import { describe, expect, it } from "vitest";
import { syntheticRun } from "../../testing/index.ts";
import type { RunData, SampleRecord } from "../run-data.ts";
import { confidenceCalibration } from "./confidence-calibration.ts";

function sample(
  strategy: string,
  sampleIndex: number,
  correct: boolean,
  fields: Partial<SampleRecord>,
): SampleRecord {
  return {
    problemId: "p1",
    strategy,
    sampleIndex,
    text: "",
    answer: correct ? "1" : "2",
    correct,
    completionTokens: 10,
    ...fields,
  };
}

function runOf(strategies: string[], samples: SampleRecord[]): RunData {
  const base = syntheticRun({ seed: 1, problems: 1 });
  return { ...base, manifest: { ...base.manifest, strategies }, results: [], samples };
}

describe("confidenceCalibration", () => {
  const run = runOf(
    ["sc@4", "deepconf@4"],
    [
      // Mean logprobs −0.2, −0.4 (right), −0.6, −0.3 (wrong); summed −2, −4, −3, −3.
      sample("sc@4", 0, true, { logprob: -2 }),
      sample("sc@4", 1, true, { logprob: -4 }),
      sample("sc@4", 2, false, { logprob: -3, completionTokens: 5 }),
      sample("sc@4", 3, false, { logprob: -3 }),
      // Confidences 5, 3 (right), 3, 1 (wrong); peak instabilities 0.5, 1 (right), 2, 3 (wrong).
      sample("deepconf@4", 0, true, { scores: { "deepconf:lowest-group": 5, stability: Math.exp(-0.5) } }),
      sample("deepconf@4", 1, true, { scores: { "deepconf:lowest-group": 3, stability: Math.exp(-1) } }),
      sample("deepconf@4", 2, false, { scores: { "deepconf:lowest-group": 3, stability: Math.exp(-2) } }),
      sample("deepconf@4", 3, false, { scores: { "deepconf:lowest-group": 1, stability: Math.exp(-3) } }),
    ],
  );
  const result = confidenceCalibration(run, { instabilityBuckets: 2 })!;

  it("gives each signal's AUROC for predicting a wrong answer, per strategy", () => {
    expect(result.signals).toEqual([
      // Wrong −0.6 is below both right ones, wrong −0.3 only below −0.2: 3 of 4 pairs.
      { strategy: "sc@4", signal: "mean logprob", candidates: 4, wrong: 2, auroc: 0.75 },
      // Both wrong (−3) are below −2 and above −4: 2 of 4.
      { strategy: "sc@4", signal: "logprob", candidates: 4, wrong: 2, auroc: 0.5 },
      // The tie of 3 counts half: (1 + 0.5 + 1 + 1) / 4.
      { strategy: "deepconf@4", signal: "deepconf:lowest-group", candidates: 4, wrong: 2, auroc: 0.875 },
      { strategy: "deepconf@4", signal: "stability", candidates: 4, wrong: 2, auroc: 1 },
    ]);
  });

  it("calibrates exp(mean logprob) and exp(logprob) over the candidates that have them", () => {
    const [mean, sum] = result.reliability;
    expect(mean?.confidence).toBe("exp(mean logprob)");
    expect(mean?.candidates).toBe(4);
    expect(mean?.accuracy).toBe(0.5);
    // exp(−0.2), exp(−0.4), exp(−0.6), exp(−0.3) fall in bins 8, 6, 5, 7: one each.
    expect(mean?.calibration.bins.map((bin) => bin.count)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 0]);
    expect(mean?.calibration.expectedCalibrationError).toBeCloseTo(
      (1 - Math.exp(-0.2) + (1 - Math.exp(-0.4)) + Math.exp(-0.6) + Math.exp(-0.3)) / 4,
      12,
    );
    expect(mean?.meanConfidence).toBeCloseTo(
      (Math.exp(-0.2) + Math.exp(-0.4) + Math.exp(-0.6) + Math.exp(-0.3)) / 4,
      12,
    );
    expect(sum?.confidence).toBe("exp(logprob)");
    // exp(−4), exp(−3), exp(−3) in bin 0 (one right), exp(−2) ≈ 0.135 in bin 1 (right).
    const lowest = (Math.exp(-4) + 2 * Math.exp(-3)) / 3;
    expect(sum?.calibration.bins.map((bin) => bin.count)).toEqual([3, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(sum?.calibration.expectedCalibrationError).toBeCloseTo(
      (3 / 4) * Math.abs(1 / 3 - lowest) + (1 / 4) * (1 - Math.exp(-2)),
      12,
    );
  });

  it("buckets candidates by the peak instability their stability score encodes", () => {
    expect(result.instability.map((bucket) => ({ ...bucket }))).toEqual([
      { bucket: 1, lowerPeak: 0.5, meanPeak: 0.75, upperPeak: 1, candidates: 2, accuracy: 1 },
      { bucket: 2, lowerPeak: 2, meanPeak: 2.5, upperPeak: 3, candidates: 2, accuracy: 0 },
    ]);
  });

  it("splits each bucket into early and late peaks when peak positions were stored, not as a signal", () => {
    const placed = (index: number, correct: boolean, peak: number, position: number) =>
      sample("sc@4", index, correct, {
        scores: { stability: Math.exp(-peak), "stability:peak-position": position },
      });
    const split = confidenceCalibration(
      runOf(
        ["sc@4"],
        [
          // Bucket 1 (peaks 0.5–0.8): two early (both right), one late (wrong).
          placed(0, true, 0.5, 0.1),
          placed(1, true, 0.6, 0.3),
          placed(2, false, 0.8, 0.9),
          // Bucket 2 (peaks 2–2.4): one early (right), two late (one right).
          placed(3, true, 2, 0.2),
          placed(4, false, 2.2, 0.7),
          placed(5, true, 2.4, 0.5),
        ],
      ),
      { instabilityBuckets: 2 },
    )!;
    expect(split.instability.map(({ bucket, early, late }) => ({ bucket, early, late }))).toEqual([
      { bucket: 1, early: { candidates: 2, accuracy: 1 }, late: { candidates: 1, accuracy: 0 } },
      { bucket: 2, early: { candidates: 1, accuracy: 1 }, late: { candidates: 2, accuracy: 0.5 } },
    ]);
    expect(split.signals.map((row) => row.signal)).toEqual(["stability"]);
  });

  it("keeps equal peaks in one bucket, cutting between distinct values", () => {
    const peaks = [0.1, 0.2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.9, 1];
    // Listed right ones first among the tied, as rows come: a cut by position would give 0.5 two buckets of 100% and one of 0%.
    const right = [true, true, true, true, true, true, false, false, false, false];
    const tied = confidenceCalibration(
      runOf(
        ["sc@10"],
        peaks.map((peak, index) =>
          sample("sc@10", index, right[index]!, { scores: { stability: Math.exp(-peak) } }),
        ),
      ),
    )!;
    expect(
      tied.instability.map(({ bucket, lowerPeak, upperPeak, candidates, accuracy }) => ({
        bucket,
        // −ln(exp(−peak)) round-trips to within a few ulps.
        lowerPeak: Number(lowerPeak.toFixed(9)),
        upperPeak: Number(upperPeak.toFixed(9)),
        candidates,
        accuracy,
      })),
    ).toEqual([
      { bucket: 1, lowerPeak: 0.1, upperPeak: 0.2, candidates: 2, accuracy: 1 },
      { bucket: 2, lowerPeak: 0.5, upperPeak: 0.5, candidates: 6, accuracy: 4 / 6 },
      { bucket: 3, lowerPeak: 0.9, upperPeak: 1, candidates: 2, accuracy: 0 },
    ]);
    // A tie across a cut moves it to the nearer end of the tie: 1, 2, 2, 2 | 3, 4 in two buckets
    // (the equal share would cut after the second value).
    const nearer = confidenceCalibration(
      runOf(
        ["sc@6"],
        [1, 2, 2, 2, 3, 4].map((peak, index) =>
          sample("sc@6", index, true, { scores: { stability: Math.exp(-peak) } }),
        ),
      ),
      { instabilityBuckets: 2 },
    )!;
    expect(nearer.instability.map((bucket) => bucket.candidates)).toEqual([4, 2]);
  });

  it("keeps peaks equal to 4 significant digits in one bucket: identical traces differ by float noise", () => {
    // 1.3866514 and 1.3866570 are one trace text scored twice; cut by exact value they straddle the share.
    const noisy = confidenceCalibration(
      runOf(
        ["stability@4"],
        [0.5, 1.3866514, 1.386657, 2].map((peak, index) =>
          sample("stability@4", index, index < 3, { scores: { stability: Math.exp(-peak) } }),
        ),
      ),
      { instabilityBuckets: 2 },
    )!;
    expect(noisy.instability.map((bucket) => bucket.candidates)).toEqual([1, 3]);
    expect(noisy.instability[1]!.lowerPeak.toPrecision(4)).toBe("1.387");
    expect(noisy.instability[1]!.accuracy).toBeCloseTo(2 / 3, 12);
  });

  it("leaves traces their strategy cut short out of every part, and counts them per strategy", () => {
    // Whole traces: peaks 0.5, 1 (right), 2, 2.5 (wrong); early peaks right, late ones wrong.
    const whole = [0.5, 1, 2, 2.5].map((peak, index) =>
      sample("stability@4c1.5", index, index < 2, {
        finishReason: "stop",
        logprob: -peak,
        scores: { stability: Math.exp(-peak), "stability:peak-position": index < 2 ? 0.2 : 0.8 },
      }),
    );
    // Cut at their late peak: the cut put it at position 1 and made the answer missing (wrong).
    const cut = [0.2, 0.3].map((peak, index) =>
      sample("stability@4c1.5", 4 + index, false, {
        finishReason: "cut",
        logprob: -peak,
        scores: { stability: Math.exp(-peak), "stability:peak-position": 1 },
      }),
    );
    const online = [
      sample("deepconf-online@2", 0, true, { finishReason: "stop", scores: { "deepconf:lowest-group": 9 } }),
      sample("deepconf-online@2", 1, false, { finishReason: "cut", scores: { "deepconf:lowest-group": 1 } }),
      // A cut trace with no signal at all is not among those left out.
      sample("deepconf-online@2", 2, false, { finishReason: "cut", completionTokens: undefined }),
    ];
    const result = confidenceCalibration(
      runOf(["stability@4c1.5", "deepconf-online@2"], [...whole, ...cut, ...online]),
      { instabilityBuckets: 2 },
    )!;
    expect(result.cut).toEqual([
      { strategy: "stability@4c1.5", candidates: 2 },
      { strategy: "deepconf-online@2", candidates: 1 },
    ]);
    // With the cut ones (steadier and wrong, up to their cut) it would separate 4 of 8 pairs: 0.5.
    expect(result.signals.find((row) => row.signal === "stability")).toMatchObject({
      candidates: 4,
      wrong: 2,
      auroc: 1,
    });
    expect(result.signals.find((row) => row.signal === "deepconf:lowest-group")).toMatchObject({
      candidates: 1,
      auroc: undefined,
    });
    expect(result.reliability.map((entry) => entry.candidates)).toEqual([4, 4]);
    expect(
      result.instability.map(({ candidates, accuracy, early, late }) => ({
        candidates,
        accuracy,
        early,
        late,
      })),
    ).toEqual([
      {
        candidates: 2,
        accuracy: 1,
        early: { candidates: 2, accuracy: 1 },
        late: { candidates: 0, accuracy: undefined },
      },
      {
        candidates: 2,
        accuracy: 0,
        early: { candidates: 0, accuracy: undefined },
        late: { candidates: 2, accuracy: 0 },
      },
    ]);
  });

  it("adds a row for all strategies' candidates together when several have the signal", () => {
    const pooled = confidenceCalibration(
      runOf(
        ["sc@2", "asc@2"],
        [
          sample("sc@2", 0, true, { logprob: -1 }),
          sample("sc@2", 1, false, { logprob: -2 }),
          sample("asc@2", 0, true, { logprob: -3 }),
          sample("asc@2", 1, false, { logprob: -4 }),
        ],
      ),
    )!;
    const rows = pooled.signals.filter((row) => row.signal === "mean logprob");
    expect(rows.map((row) => [row.strategy, row.auroc])).toEqual([
      ["sc@2", 1],
      ["asc@2", 1],
      // Wrong −0.2 is below right −0.1 but not −0.3; wrong −0.4 below both: 3 of 4.
      [undefined, 0.75],
    ]);
    expect(pooled.instability).toEqual([]);
    expect(pooled.cut).toEqual([]);
  });

  it("is undefined when no sample has a log-probability or a score, and says — for one class", () => {
    expect(confidenceCalibration(runOf(["sc@2"], [sample("sc@2", 0, true, {})]))).toBeUndefined();
    const oneClass = confidenceCalibration(runOf(["sc@2"], [sample("sc@2", 0, true, { logprob: -1 })]))!;
    expect(oneClass.signals[0]).toMatchObject({ signal: "mean logprob", candidates: 1, auroc: undefined });
  });
});
