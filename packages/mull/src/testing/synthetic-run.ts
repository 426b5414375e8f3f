import type { ProblemResult, RunData, RunProblem, SampleRecord } from "../bench/run-data.ts";
import { seededRng } from "../runtime/index.ts";

/** Settings of `syntheticRun`. */
export interface SyntheticRunOptions {
  /** Seed of the made-up draws and of the manifest (`runId` `synthetic-<seed>`); default 1. Same seed, same run. */
  readonly seed?: number | undefined;
  /** Problems in the run; default 60. */
  readonly problems?: number | undefined;
}

const difficulties = ["1", "2", "3"] as const;
/** Chance that one sample is correct, by difficulty. */
const sampleAccuracy: Record<(typeof difficulties)[number], number> = { "1": 0.85, "2": 0.55, "3": 0.25 };

/**
 * A made-up but internally consistent run (greedy, self-consistency at 4 and 8, best-of-8 with a noisy
 * verifier) over problems of three difficulties, for examples and tests of summaries and reports. Samples
 * are graded, results follow from the samples (majority vote, or the verifier's pick), and token counts
 * grow with the samples drawn. The run has the shape of a recorded bench run (its manifest, problems,
 * per-problem results and samples): `RunData`, exported from `mull/testing` with its parts.
 *
 * @example
 * import { type RunData, syntheticRun } from "mull/testing";
 * const run: RunData = syntheticRun({ seed: 1, problems: 30 });
 * const voted = run.results.filter((result) => result.strategy === "sc@8");
 * const accuracy = voted.filter((result) => result.correct).length / voted.length;
 */
export function syntheticRun(options: SyntheticRunOptions = {}): RunData {
  const seed = options.seed ?? 1;
  const count = options.problems ?? 60;
  const rng = seededRng(seed);
  const problems: RunProblem[] = Array.from({ length: count }, (_, index) => ({
    id: `p${index}`,
    gold: String(index),
    difficulty: difficulties[index % difficulties.length],
  }));
  const plans = [
    { strategy: "greedy", samples: 1, verifier: false },
    { strategy: "sc@4", samples: 4, verifier: false },
    { strategy: "sc@8", samples: 8, verifier: false },
    { strategy: "bon@8", samples: 8, verifier: true },
  ] as const;
  const results: ProblemResult[] = [];
  const samples: SampleRecord[] = [];
  for (const plan of plans) {
    for (const problem of problems) {
      const chance = sampleAccuracy[problem.difficulty as (typeof difficulties)[number]];
      const drawn: SampleRecord[] = [];
      for (let sampleIndex = 0; sampleIndex < plan.samples; sampleIndex += 1) {
        const correct = rng.next() < chance;
        // Wrong answers concentrate on two distractors, so votes can go either way.
        const answer = correct ? problem.gold : `${problem.gold}${rng.next() < 0.6 ? "1" : "2"}`;
        const completionTokens = 40 + Math.floor(rng.next() * 40);
        const verifierScore = correct ? 0.5 + rng.next() * 0.5 : rng.next() * 0.8;
        drawn.push({
          problemId: problem.id,
          strategy: plan.strategy,
          sampleIndex,
          text: `... #### ${answer}`,
          answer,
          correct,
          completionTokens,
          logprob: -completionTokens * (0.2 + rng.next() * 0.3),
          ...(plan.verifier ? { scores: { verifier: verifierScore } } : {}),
        });
      }
      samples.push(...drawn);
      const chosen = plan.verifier ? bestByVerifier(drawn) : majority(drawn);
      const completionTokens = drawn.reduce((sum, sample) => sum + (sample.completionTokens ?? 0), 0);
      results.push({
        problemId: problem.id,
        strategy: plan.strategy,
        answer: chosen.answer,
        correct: chosen.correct,
        samples: drawn.length,
        promptTokens: 30 * drawn.length,
        completionTokens,
        calls: drawn.length,
        scoreCalls: plan.verifier ? drawn.length : 0,
        latencyMilliseconds: 20 * drawn.length + Math.floor(rng.next() * 30),
        stoppedBy: "complete",
        ...(plan.verifier ? { verifierAccepted: (chosen.scores?.verifier ?? 0) >= 0.6 } : {}),
      });
    }
  }
  return {
    manifest: {
      runId: `synthetic-${seed}`,
      createdAt: "2025-01-01T00:00:00.000Z",
      dataset: "synthetic",
      strategies: plans.map((plan) => plan.strategy),
      backend: { kind: "scripted", model: "synthetic", versions: { synthetic: "1" } },
      seed,
      sampling: { temperature: 0.8, maxTokens: 128 },
      limit: undefined,
      machine: {
        platform: "linux",
        arch: "x64",
        cpuModel: "synthetic CPU",
        cpus: 2,
        totalMemoryBytes: 4 * 1024 ** 3,
      },
      versions: { mull: "0.0.0", node: "24.0.0" },
      configHash: "0000",
    },
    problems,
    results,
    samples,
  };
}

function majority(samples: readonly SampleRecord[]): SampleRecord {
  const counts = new Map<string | undefined, number>();
  for (const sample of samples) counts.set(sample.answer, (counts.get(sample.answer) ?? 0) + 1);
  let best = samples[0]!;
  for (const sample of samples) {
    if ((counts.get(sample.answer) ?? 0) > (counts.get(best.answer) ?? 0)) best = sample;
  }
  return best;
}

function bestByVerifier(samples: readonly SampleRecord[]): SampleRecord {
  let best = samples[0]!;
  for (const sample of samples) {
    if ((sample.scores?.verifier ?? 0) > (best.scores?.verifier ?? 0)) best = sample;
  }
  return best;
}
