import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answerFormatByName } from "../../answers/index.ts";
import { ConfigError } from "../../errors/index.ts";
import { packageVersion } from "../../runtime/index.ts";
import type { BackendDescription } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import type { BenchDataset } from "../datasets/index.ts";
import { graderByName } from "../graders/index.ts";
import { RunVersionsChangedError } from "../run-versions-changed-error.ts";
import {
  canonicalJson,
  configHash,
  openRunStore,
  RunConfigChangedError,
  type RunStore,
} from "../store/index.ts";
import { manifest, problems } from "../store/run-store-fixtures.test-support.ts";
import { benchConfig } from "./bench-config.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { type RunStart, startOrResumeRun } from "./start-or-resume-run.ts";

const dataset: BenchDataset = {
  name: "quiz",
  source: "/data/quiz.jsonl",
  problems: [{ id: "p1", question: "1+1?", gold: "2" }],
  grader: "numeric",
};

function optionsWith(extra: Partial<RunBenchOptions>): RunBenchOptions {
  return {
    dataset,
    strategies: ["greedy"],
    backend: createScriptedBackend({ responses: ["#### 2"] }),
    out: "/tmp/unused",
    resume: true,
    ...extra,
  };
}

/** What `runBench` starts a run from, for these options. */
function startOf(options: RunBenchOptions): RunStart {
  const config = benchConfig({
    options,
    problems: dataset.problems,
    strategies: [],
    grader: graderByName("numeric"),
    answerFormat: answerFormatByName("numeric"),
    scorer: undefined,
  });
  return { config, hash: configHash(config), strategies: [], problems: dataset.problems };
}

/** The hash earlier versions recorded: SHA-256 of the canonical JSON, empty objects and all. */
function hashKeepingEmptyObjects(config: unknown): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex");
}

let directory: string;
let store: RunStore;
beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), "mull-start-"));
  store = await openRunStore(directory);
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Stores a run made from `start`, its manifest recording `recordedHash` (and `versions`, when given). */
async function storeRun(
  start: RunStart,
  recordedHash: string,
  versions?: Record<string, string>,
): Promise<void> {
  const config = JSON.parse(JSON.stringify(start.config));
  const recorded = {
    ...manifest(),
    configHash: recordedHash,
    ...(versions === undefined ? {} : { versions }),
  };
  expect(await store.createRun(recorded, config, problems)).toBe(true);
}

/** The options with a backend that describes its software's versions as `versions`. */
function withBackendVersions(options: RunBenchOptions, versions: Record<string, string>): RunBenchOptions {
  const backend = options.backend;
  const described = (): BackendDescription => ({ ...backend.describe(), versions });
  return { ...options, backend: { ...backend, describe: described } };
}

/** What `runBench` starts a run from: this process solves the pairs, so much at once. */
function solvingStartOf(options: RunBenchOptions): RunStart {
  return { ...startOf(options), concurrency: 2 };
}

async function refusal(options: RunBenchOptions): Promise<ConfigError> {
  try {
    await startOrResumeRun(store, options, startOf(options));
  } catch (error) {
    if (ConfigError.isInstance(error)) return error as ConfigError;
    throw error;
  }
  throw new Error("the run was resumed");
}

describe("startOrResumeRun", () => {
  it("resumes a run made with `budget: {}` or `sampling: {}` when the resume leaves them out", async () => {
    const first = startOf(optionsWith({ budget: {}, sampling: {} }));
    await storeRun(first, first.hash);
    const resumed = await startOrResumeRun(store, optionsWith({}), startOf(optionsWith({})));
    expect(resumed).toEqual({ runId: "run-test", created: false });
  });

  it("resumes a run an earlier version recorded with `budget: {}`, whose hash kept the empty object", async () => {
    const first = startOf(optionsWith({ budget: {} }));
    const recorded = hashKeepingEmptyObjects(JSON.parse(JSON.stringify(first.config)));
    // The recorded hash is not today's hash of either configuration.
    expect(recorded).not.toBe(first.hash);
    await storeRun(first, recorded);
    for (const options of [optionsWith({ budget: {} }), optionsWith({})]) {
      expect(await startOrResumeRun(store, options, startOf(options))).toEqual({
        runId: "run-test",
        created: false,
      });
    }
    // A changed field is still refused, and listed.
    const changed = await refusal(optionsWith({ seed: 5 }));
    expect((changed as RunConfigChangedError).changes).toEqual([{ field: "seed", stored: 0, requested: 5 }]);
  });

  it("names the configuration hash when no field differs but the recorded hash is not the configuration's", async () => {
    const first = startOf(optionsWith({}));
    await storeRun(first, "0".repeat(64));
    const error = await refusal(optionsWith({}));
    expect(RunConfigChangedError.isInstance(error)).toBe(true);
    expect((error as RunConfigChangedError).changes).toEqual([
      { field: "configHash", stored: "0".repeat(64), requested: first.hash },
    ]);
    expect(error.field).toBe("configHash");
    expect(error.message).toContain(`  configHash: "${"0".repeat(64)}" → "${first.hash}"`);
  });

  it("refuses to resume with other versions of mull or of the backend's software, naming each with both values", async () => {
    const first = startOf(optionsWith({}));
    await storeRun(first, first.hash, { mull: "0.0.1", node: "20.0.0", "llama.cpp": "b100" });
    const options = withBackendVersions(optionsWith({}), { "llama.cpp": "b200" });
    const error = await startOrResumeRun(store, options, solvingStartOf(options)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(RunVersionsChangedError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(error)).toBe(true);
    const refusal = error as RunVersionsChangedError;
    // Node's version differs too, but does not change results.
    expect(refusal.changes).toEqual([
      { field: "versions.llama.cpp", stored: "b100", requested: "b200" },
      { field: "versions.mull", stored: "0.0.1", requested: packageVersion() },
    ]);
    expect(refusal.field).toBe("versions.llama.cpp");
    expect(refusal.message).toBe(
      `cannot resume the run in ${directory}: it was recorded with other versions than this process runs ` +
        "(stored → current), which can change its results:\n" +
        '  versions.llama.cpp: "b100" → "b200"\n' +
        `  versions.mull: "0.0.1" → "${packageVersion()}"\n` +
        "Resume with the run's versions, or start a new run in another --out directory.",
    );
  });

  it("resumes with the run's versions, another node, or a version only one side knows", async () => {
    const first = startOf(optionsWith({}));
    await storeRun(first, first.hash, { mull: packageVersion(), node: "20.0.0", server: "b1" });
    // The server's build is not known before a call asked it; the backend knows one the run lacks.
    const options = withBackendVersions(optionsWith({}), { "llama.cpp": "b7" });
    expect(await startOrResumeRun(store, options, solvingStartOf(options))).toEqual({
      runId: "run-test",
      created: false,
    });
  });

  it("leaves the versions to the workers when this process only enqueues the pairs", async () => {
    const first = startOf(optionsWith({}));
    await storeRun(first, first.hash, { mull: "0.0.1", "llama.cpp": "b100" });
    const options = withBackendVersions(optionsWith({}), { "llama.cpp": "b200" });
    // No pairs in flight here: a queue's workers solve them, each admitted with its own versions.
    expect(await startOrResumeRun(store, options, startOf(options))).toEqual({
      runId: "run-test",
      created: false,
    });
  });

  it("refuses a stored run without resume, naming --resume", async () => {
    const first = startOf(optionsWith({}));
    await storeRun(first, first.hash);
    const error = await refusal(optionsWith({ resume: false }));
    expect(error.field).toBe("--resume");
    expect(error.message).toContain("already holds run run-test; pass --resume to continue it");
  });
});
