import type { RunManifest, SampleRecord } from "../run-data.ts";
import { configHash } from "./config-diff.ts";
import type { ResultRecord, StoredProblem } from "./run-store.ts";

// A small run shared by the SQLite and PostgreSQL store tests.

/** The configuration of the fixture run. */
export const config = { dataset: "quiz", strategies: ["greedy", "sc@4"], seed: 3 };

/** The fixture run's manifest. */
export function manifest(): RunManifest {
  return {
    runId: "run-test",
    createdAt: "2025-01-01T00:00:00.000Z",
    dataset: "quiz",
    strategies: ["greedy", "sc@4"],
    backend: { kind: "scripted", model: "m" },
    seed: 3,
    sampling: { temperature: 0.7 },
    limit: undefined,
    machine: { platform: "linux", arch: "x64", cpuModel: "cpu", cpus: 2, totalMemoryBytes: 1 },
    versions: { node: "24" },
    configHash: configHash(config),
  };
}

/** Its two problems. */
export const problems: StoredProblem[] = [
  { id: "p1", question: "1+1?", gold: "2", difficulty: "1" },
  { id: "p2", question: "2+2?", gold: "4", metadata: { level: 2 } },
];

/** A result of a pair. */
export function result(
  problemId: string,
  strategy: string,
  answer: string | undefined,
  samples: number,
): ResultRecord {
  return {
    problemId,
    strategy,
    seed: 11,
    answer,
    correct: answer === "2",
    samples,
    promptTokens: 10,
    completionTokens: undefined,
    calls: 1,
    scoreCalls: 0,
    latencyMilliseconds: 12.5,
    stoppedBy: "complete",
  };
}

/** Samples of a pair, one per answer. */
export function samples(
  problemId: string,
  strategy: string,
  answers: readonly (string | undefined)[],
): SampleRecord[] {
  return answers.map((answer, sampleIndex) => ({
    problemId,
    strategy,
    sampleIndex,
    text: `answer ${answer}`,
    answer,
    correct: answer === "2",
    completionTokens: sampleIndex === 0 ? undefined : 3,
    finishReason: "stop",
    ...(sampleIndex === 1 ? { logprob: -1.5, scores: { checker: 1 } } : {}),
  }));
}
