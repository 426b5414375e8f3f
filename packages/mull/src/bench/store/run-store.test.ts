import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunManifest, SampleRecord } from "../run-data.ts";
import { configHash } from "./config-diff.ts";
import { loadRun } from "./load-run.ts";
import {
  databaseFileName,
  manifestFileName,
  openRunStore,
  pairKey,
  type ResultRecord,
  type StoredProblem,
} from "./run-store.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-store-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const config = { dataset: "quiz", strategies: ["greedy", "sc@4"], seed: 3 };

function manifest(): RunManifest {
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

const problems: StoredProblem[] = [
  { id: "p1", question: "1+1?", gold: "2", difficulty: "1" },
  { id: "p2", question: "2+2?", gold: "4", metadata: { level: 2 } },
];

function result(
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

function samples(
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

describe("openRunStore", () => {
  it("creates a run with its problems and manifest.json, and reads everything back", () => {
    const store = openRunStore(directory);
    expect(store.storedRun()).toBeUndefined();
    store.createRun(manifest(), config, problems);
    expect(store.storedRun()).toEqual({ manifest: manifest(), config });
    expect(JSON.parse(readFileSync(join(directory, manifestFileName), "utf8"))).toEqual(
      JSON.parse(JSON.stringify(manifest())),
    );
    expect(
      store.recordResult(result("p1", "sc@4", "2", 3), samples("p1", "sc@4", ["2", "3", undefined])),
    ).toBe(true);
    expect(store.completedPairs()).toEqual(new Set([pairKey("p1", "sc@4")]));
    const data = store.readRunData();
    expect(data.problems).toEqual([
      { id: "p1", question: "1+1?", gold: "2", difficulty: "1" },
      { id: "p2", question: "2+2?", gold: "4" },
    ]);
    expect(data.results).toEqual([result("p1", "sc@4", "2", 3)]);
    expect(data.samples).toEqual(samples("p1", "sc@4", ["2", "3", undefined]));
    store.close();
    expect(loadRun(directory)).toEqual(data);
  });

  it("uses WAL and the chosen synchronous level", () => {
    const store = openRunStore(directory, { synchronous: "full" });
    store.close();
    const database = new DatabaseSync(join(directory, databaseFileName));
    expect(database.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    database.close();
    const normal = openRunStore(directory);
    normal.close();
  });

  it("records a pair at most once and never replaces what is stored", () => {
    const store = openRunStore(directory);
    store.createRun(manifest(), config, problems);
    expect(store.recordResult(result("p1", "greedy", "2", 1), samples("p1", "greedy", ["2"]))).toBe(true);
    expect(store.recordResult(result("p1", "greedy", "5", 1), samples("p1", "greedy", ["5"]))).toBe(false);
    const data = store.readRunData();
    expect(data.results.map((row) => row.answer)).toEqual(["2"]);
    expect(data.samples.map((row) => row.answer)).toEqual(["2"]);
    expect(store.counts()).toEqual({ problems: 2, results: 1, samples: 1 });
    store.close();
  });

  it("writes a result and its samples in one transaction: a failure mid-write leaves neither", () => {
    let failNext = true;
    const store = openRunStore(directory, {
      beforeCommit: () => {
        if (failNext) {
          failNext = false;
          throw new Error("crash inside the write");
        }
      },
    });
    store.createRun(manifest(), config, problems);
    expect(() => store.recordResult(result("p2", "sc@4", "4", 2), samples("p2", "sc@4", ["4", "4"]))).toThrow(
      "crash inside the write",
    );
    expect(store.counts()).toEqual({ problems: 2, results: 0, samples: 0 });
    expect(store.recordResult(result("p2", "sc@4", "4", 2), samples("p2", "sc@4", ["4", "4"]))).toBe(true);
    expect(store.counts()).toEqual({ problems: 2, results: 1, samples: 2 });
    store.close();
  });

  it("refuses results for problems that are not in the run", () => {
    const store = openRunStore(directory);
    store.createRun(manifest(), config, problems);
    expect(() => store.recordResult(result("p9", "greedy", "2", 1), samples("p9", "greedy", ["2"]))).toThrow(
      /FOREIGN KEY/,
    );
    expect(store.counts().samples).toBe(0);
    store.close();
  });

  it("reports a truncated database as corrupt", () => {
    const store = openRunStore(directory);
    store.createRun(manifest(), config, problems);
    for (let index = 0; index < 200; index += 1) {
      store.recordResult(result("p1", `s${index}`, "2", 1), samples("p1", `s${index}`, ["x".repeat(500)]));
    }
    store.close();
    const file = join(directory, databaseFileName);
    expect(existsSync(`${file}-wal`)).toBe(false);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    expect(() => openRunStore(directory)).toThrow(/^database corrupt: /);
    expect(() => loadRun(directory)).toThrow(/^database corrupt: /);
    writeFileSync(file, "not a database at all, just text that is long enough to look like a header....");
    expect(() => openRunStore(directory)).toThrow(/^database corrupt: /);
  });

  it("says when a directory holds no run", () => {
    expect(() => loadRun(directory)).toThrow(`no run in ${directory}`);
    openRunStore(directory).close();
    expect(() => loadRun(directory)).toThrow("no run recorded in");
  });
});
