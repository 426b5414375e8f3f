import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { answerFormatByName } from "../../answers/index.ts";
import { createOpenAICompatibleBackend } from "../../backends/openai-compatible/index.ts";
import { packageVersion } from "../../runtime/index.ts";
import type { Backend } from "../../spec/index.ts";
import { createScriptedBackend, type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/index.ts";
import type { BenchDataset } from "../datasets/index.ts";
import { graderByName } from "../graders/index.ts";
import { RunVersionsChangedError } from "../run-versions-changed-error.ts";
import { configHash, openRunStore, type RunStore } from "../store/index.ts";
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

/** The build the run was recorded with, as llama.cpp's server reports it. */
const recordedBuild = "b1-de3ff81";

let directory: string;
let store: RunStore;
const servers: FakeOpenAIServer[] = [];
const backends: { dispose(): Promise<void> }[] = [];
beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), "mull-resume-server-"));
  store = await openRunStore(directory);
});
afterEach(async () => {
  await store.close();
  for (const backend of backends.splice(0)) await backend.dispose();
  for (const server of servers.splice(0)) await server.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A llama.cpp-like server reporting `build` in `GET /props`, and a backend over it that asked it nothing yet. */
async function serverBackend(build: string | undefined, replies?: { status: number }[]): Promise<Backend> {
  const server = await startFakeOpenAIServer({
    ...(build === undefined ? {} : { props: { build_info: build } }),
    ...(replies === undefined ? {} : { handler: () => replies[0]! }),
  });
  servers.push(server);
  const backend = createOpenAICompatibleBackend({ baseUrl: server.url, model: "fake-model", maxRetries: 0 });
  backends.push(backend);
  return backend;
}

function optionsWith(backend: Backend, extra: Partial<RunBenchOptions> = {}): RunBenchOptions {
  return { dataset, strategies: ["greedy"], backend, out: directory, resume: true, ...extra };
}

/** What `runBench` starts a run from, solving its pairs two at a time. */
function startOf(options: RunBenchOptions): RunStart {
  const config = benchConfig({
    options,
    problems: dataset.problems,
    strategies: [],
    grader: graderByName("numeric"),
    answerFormat: answerFormatByName("numeric"),
    scorer: undefined,
  });
  return { config, hash: configHash(config), strategies: [], problems: dataset.problems, concurrency: 2 };
}

/** Stores the run `options` start, recorded with this mull and llama.cpp build `recordedBuild`. */
async function storeRun(options: RunBenchOptions): Promise<RunStart> {
  const start = startOf(options);
  const recorded = {
    ...manifest(),
    configHash: start.hash,
    versions: { mull: packageVersion(), node: "24", "llama.cpp": recordedBuild },
  };
  expect(await store.createRun(recorded, JSON.parse(JSON.stringify(start.config)), problems)).toBe(true);
  return start;
}

async function outcome(options: RunBenchOptions, start: RunStart): Promise<unknown> {
  return startOrResumeRun(store, options, start).then(
    (started) => started,
    (error: unknown) => error,
  );
}

describe("resuming a run against a server whose build is learnt by asking it", () => {
  it("refuses a server now reporting another llama.cpp build, naming both", async () => {
    const options = optionsWith(await serverBackend("b9999-changed"));
    const error = await outcome(options, await storeRun(options));
    expect(RunVersionsChangedError.isInstance(error)).toBe(true);
    expect((error as RunVersionsChangedError).changes).toEqual([
      { field: "versions.llama.cpp", stored: recordedBuild, requested: "b9999-changed" },
    ]);
    expect((error as Error).message).toContain(`versions.llama.cpp: "${recordedBuild}" → "b9999-changed"`);
  });

  it.each([
    ["the run's build", recordedBuild],
    ["no build", undefined],
  ])("resumes on a server reporting %s", async (_, build) => {
    const options = optionsWith(await serverBackend(build));
    expect(await outcome(options, await storeRun(options))).toEqual({ runId: "run-test", created: false });
  });

  it("resumes when the server cannot be probed: its build stays unknown, and an unknown is no change", async () => {
    const backend = await serverBackend(undefined, [{ status: 503 }]);
    await expect(backend.capabilities()).rejects.toThrow(/probing capabilities/);
    const options = optionsWith(backend);
    expect(await outcome(options, await storeRun(options))).toEqual({ runId: "run-test", created: false });
  });

  it("throws the reason of an aborted signal rather than resume without the build", async () => {
    const reason = new Error("stopped by the user");
    const options = optionsWith(await serverBackend("b9999-changed"), { signal: AbortSignal.abort(reason) });
    expect(await outcome(options, await storeRun(options))).toBe(reason);
  });

  it("asks a backend that already knows its versions (an embedded engine) nothing", async () => {
    const scripted = createScriptedBackend({ responses: ["#### 2"] });
    const capabilities = vi.fn(scripted.capabilities);
    const backend: Backend = {
      ...scripted,
      capabilities,
      describe: () => ({ ...scripted.describe(), versions: { "llama.cpp": "b9999-changed" } }),
    };
    const options = optionsWith(backend);
    const error = await outcome(options, await storeRun(options));
    expect(RunVersionsChangedError.isInstance(error)).toBe(true);
    expect(capabilities).not.toHaveBeenCalled();
  });
});
