import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ReplayReport, runReplay } from "./run-replay.ts";

const replayData = path.resolve(import.meta.dirname, "../../../../../../shared/data/replay");
const files = ["aime24", "aime25", "hmmt25"].map((name) => ({
  name,
  file: path.join(replayData, `qwen3-1.7b-${name}-128.jsonl`),
}));
const present = files.every(({ file }) => existsSync(file));
if (!present) console.warn(`skipping the Qwen3-1.7B parallel-trace replay checks: ${replayData} is absent`);

/** The reference's SC@64 and Adaptive-Consistency (asc@64): accuracy % and tokens per problem (k). */
const baselines: Record<string, { sc: readonly [number, number]; asc: readonly [number, number] }> = {
  aime24: { sc: [72.5, 1026.6], asc: [72.33, 469.6] },
  aime25: { sc: [44.17, 1056.0], asc: [44.17, 599.5] },
  hmmt25: { sc: [25.0, 1134.7], asc: [25.33, 607.1] },
};

/**
 * Accuracy % and mean tokens per problem (k) on Python's draws (random.Random(s), s = 0…19, 64 of 128),
 * each parallel method beside self-consistency over as many traces. `pasc@24f12`'s width and quorum
 * were chosen on aime24 alone (the smallest W in steps of 4, with a quorum of W/2, within 0.5 points of
 * SC@64 there); `pprobe@16s8:q0.9` is the most accurate pprobe on aime24 within asc@64's tokens there.
 */
const pinned: Record<string, Record<string, readonly [number, number]>> = {
  aime24: {
    "pasc@24f12": [72.0, 282.2],
    "maj@24": [69.83, 384.4],
    "pprobe@16s8:q0.9": [68.67, 253.7],
    "maj@16": [68.67, 256.5],
  },
  aime25: {
    "pasc@24f12": [46.33, 321.2],
    "maj@24": [44.0, 396.8],
    "pprobe@16s8:q0.9": [44.17, 256.6],
    "maj@16": [44.17, 265.1],
  },
  hmmt25: {
    "pasc@24f12": [28.0, 359.0],
    "maj@24": [23.33, 425.9],
    "pprobe@16s8:q0.9": [22.5, 274.7],
    "maj@16": [23.17, 284.2],
  },
};

function figures(report: ReplayReport): Record<string, readonly [number, number]> {
  return Object.fromEntries(
    report.evaluations.map((evaluation) => [
      evaluation.strategy,
      [evaluation.accuracy.accuracy * 100, evaluation.meanCompletionTokens! / 1000] as const,
    ]),
  );
}

function replay(file: string, strategies: string): ReplayReport {
  return runReplay({
    samples: file,
    format: "qwen3-probes",
    strategies,
    shuffle: "python",
    shuffles: 20,
    resamples: 10,
  });
}

describe.skipIf(!present)(
  "parallel traces on the Qwen3-1.7B recordings (../shared/data/replay, skipped when absent)",
  () => {
    it("on Python's 20 shuffles: pinned accuracies and tokens", () => {
      for (const { name, file } of files) {
        const measured = figures(replay(file, Object.keys(pinned[name]!).join(",")));
        for (const [strategy, [accuracy, tokens]] of Object.entries(pinned[name]!)) {
          const label = `${name} ${strategy}`;
          expect(measured[strategy]![0].toFixed(2), `${label} accuracy`).toBe(accuracy.toFixed(2));
          expect(measured[strategy]![1].toFixed(1), `${label} tokens (k)`).toBe(tokens.toFixed(1));
        }
      }
    });

    it("pasc@24f12 is within 0.5 points of SC@64 on each file, at 1.5x fewer tokens than asc@64 on average", () => {
      const ratios = files.map(({ name }) => {
        const [accuracy, tokens] = pinned[name]!["pasc@24f12"]!;
        const { sc, asc } = baselines[name]!;
        expect(accuracy, `${name} accuracy`).toBeGreaterThanOrEqual(sc[0] - 0.5);
        expect(tokens, `${name} tokens`).toBeLessThan(asc[1]);
        return asc[1] / tokens;
      });
      // 1.66, 1.87 and 1.69.
      expect(ratios.reduce((sum, ratio) => sum + ratio, 0) / ratios.length).toBeGreaterThanOrEqual(1.5);
    });

    it("pprobe with a rule that never fires is SC@64, to the digit", () => {
      const measured = figures(replay(files[0]!.file, "pprobe@64s1000,maj@64"));
      expect(measured["pprobe@64s1000"]).toEqual(measured["maj@64"]);
      expect(measured["maj@64"]![0].toFixed(2)).toBe("72.50");
      expect(measured["maj@64"]![1].toFixed(1)).toBe("1026.6");
    });
  },
);
