import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnrecoverableError } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createOpenAICompatibleBackend,
  type OpenAICompatibleBackend,
} from "../../backends/openai-compatible/index.ts";
import { packageVersion } from "../../runtime/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/index.ts";
import { openRunStore, type RunStore } from "../store/index.ts";
import { config, manifest, problems } from "../store/run-store-fixtures.test-support.ts";
import { admitRunWorker, workerIdentity } from "./admit-run-worker.ts";

/** The build the run was recorded with, as llama.cpp's server reports it. */
const recordedBuild = "b1-de3ff81";

let directory: string;
let store: RunStore;
const servers: FakeOpenAIServer[] = [];
const backends: OpenAICompatibleBackend[] = [];
beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), "mull-admit-server-"));
  store = await openRunStore(directory);
  const recorded = {
    ...manifest(),
    versions: { mull: packageVersion(), node: "24", "llama.cpp": recordedBuild },
  };
  expect(await store.createRun(recorded, config, problems)).toBe(true);
});
afterEach(async () => {
  await store.close();
  for (const backend of backends.splice(0)) await backend.dispose();
  for (const server of servers.splice(0)) await server.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A backend, not yet asked anything, over a llama.cpp-like server reporting `build` in `GET /props`. */
async function serverBackend(build: string): Promise<OpenAICompatibleBackend> {
  const server = await startFakeOpenAIServer({ props: { build_info: build } });
  servers.push(server);
  const backend = createOpenAICompatibleBackend({ baseUrl: server.url, model: "fake-model" });
  backends.push(backend);
  return backend;
}

async function admission(backend: OpenAICompatibleBackend): Promise<unknown> {
  return admitRunWorker(store, {
    identity: workerIdentity(),
    concurrency: 2,
    backend,
    runLabel: `run run-test in ${directory}`,
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("admitting a worker whose server's build is learnt by asking it", () => {
  it("refuses a worker whose server now reports another llama.cpp build, recording nothing", async () => {
    const error = await admission(await serverBackend("b9999-changed"));
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toContain(`versions.llama.cpp: "${recordedBuild}" → "b9999-changed"`);
    expect((await store.storedRun())?.manifest.workers).toBeUndefined();
  });

  it("records the server's build in the worker's entry when it is the run's", async () => {
    expect(await admission(await serverBackend(recordedBuild))).toBeUndefined();
    const workers = (await store.storedRun())?.manifest.workers ?? [];
    expect(workers).toHaveLength(1);
    expect(workers[0]?.versions["llama.cpp"]).toBe(recordedBuild);
  });

  it("compares a description as it stands: a build it has not learnt is no change", async () => {
    const backend = await serverBackend("b9999-changed");
    await expect(
      admitRunWorker(store, {
        identity: workerIdentity(),
        backend: backend.describe(),
        runLabel: "run run-test",
      }),
    ).resolves.toBeUndefined();
  });
});
