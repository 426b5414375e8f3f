import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageVersion } from "../../runtime/index.ts";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import type { BackendDescription } from "../../spec/index.ts";
import type { RunManifest } from "../run-data.ts";
import { planBench, type RunBenchOptions, startBenchRun } from "../runner/index.ts";
import { manifestFileName, openRunStore, parseRunLocation, type RunLocation } from "../store/index.ts";
import {
  freshPostgresSchema,
  type SchemaUnderTest,
} from "../store/postgres-schema-under-test.test-support.ts";
import { workerIdentity } from "./admit-run-worker.ts";
import { jobRunLocation } from "./job-run-location.ts";
import type { PairJobData } from "./pair-job.ts";
import { prepareQueuedRun } from "./queued-run.ts";
import { buildSumsRun, type SumsRecipe, sumsRunOptions } from "./queued-sums.test-support.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

const recipe: SumsRecipe = { strategies: ["greedy", "sc@4"], seed: 7 };

/** The options with a backend that describes itself with `extra` (an engine's contexts, its versions). */
function described(options: RunBenchOptions, extra: Partial<BackendDescription>): RunBenchOptions {
  const backend = options.backend;
  return { ...options, backend: { ...backend, describe: () => ({ ...backend.describe(), ...extra }) } };
}

/** A worker's `build` whose backend describes itself with `extra`, and whose recipe `change` alters. */
function build(
  extra: Partial<BackendDescription>,
  change: (recipe: SumsRecipe) => SumsRecipe = (same) => same,
): typeof buildSumsRun {
  return async (jobRecipe, location) => {
    const built = await buildSumsRun({ ...change(jobRecipe as unknown as SumsRecipe) }, location);
    return { ...built, options: described(built.options, extra) };
  };
}

/** Where the tests' runs are stored, and the URL a worker opens a PostgreSQL run through. */
interface RunsUnderTest {
  location(name: string): RunLocation;
  readonly storeUrl?: string | undefined;
}

/** Creates a queued sums run as `mull bench --queue` does (no pairs in flight recorded), with `extra`. */
async function createQueuedRun(location: RunLocation, extra: Partial<BackendDescription>) {
  const options = described(sumsRunOptions(recipe, "unused"), extra);
  const store = await openRunStore(location);
  try {
    const { runId } = await startBenchRun(store, options, planBench(options));
    const job: PairJobData = {
      store: jobRunLocation(location),
      runId,
      problemId: "sum-0",
      strategy: "greedy",
      recipe: { ...recipe },
    };
    return job;
  } finally {
    await store.close();
  }
}

async function manifestOf(location: RunLocation): Promise<RunManifest> {
  const store = await openRunStore(location);
  try {
    return (await store.storedRun())!.manifest;
  } finally {
    await store.close();
  }
}

/** The same checks on either store: the code is shared, the manifest update is each store's own. */
function workerAdmissionTests(runs: () => RunsUnderTest) {
  it("records each worker of a queued run, with its own pairs in flight, contexts, threads and machine", async () => {
    const location = runs().location("two-workers");
    const job = await createQueuedRun(location, { contexts: 4, threads: 8 });
    expect((await manifestOf(location)).workers).toBeUndefined();
    const first = workerIdentity();
    const second = workerIdentity();
    const storeUrl = runs().storeUrl;
    const prepared = [
      await prepareQueuedRun(job, build({ contexts: 2, threads: 1 }), {
        storeUrl,
        concurrency: 3,
        identity: first,
      }),
      await prepareQueuedRun(job, build({ contexts: 1, threads: 4 }), {
        storeUrl,
        concurrency: 8,
        identity: second,
      }),
      // The first worker prepares the run again (a later enqueue): it is not listed twice.
      await prepareQueuedRun(job, build({ contexts: 2, threads: 1 }), {
        storeUrl,
        concurrency: 3,
        identity: first,
      }),
    ];
    for (const run of prepared) await run.close();
    const manifest = await manifestOf(location);
    const versions = { mull: packageVersion(), node: process.versions.node };
    expect(manifest.workers).toEqual([
      {
        id: first.id,
        host: hostname(),
        preparedAt: expect.any(String),
        concurrency: 3,
        contexts: 2,
        threads: 1,
        machine: expect.objectContaining({ platform: process.platform, cpus: expect.any(Number) }),
        versions,
      },
      {
        id: second.id,
        host: hostname(),
        preparedAt: expect.any(String),
        concurrency: 8,
        contexts: 1,
        threads: 4,
        machine: expect.objectContaining({ platform: process.platform }),
        versions,
      },
    ]);
    expect(first.id).toMatch(new RegExp(`^${hostname()}:${process.pid}:[0-9a-f]{6}$`));
    expect(first.id).not.toBe(second.id);
    // The run's own execution is the first worker's, in place of the enqueuing process's contexts.
    expect(manifest.concurrency).toBe(3);
    expect(manifest.backend).toMatchObject({ contexts: 2, threads: 1 });
    if (location.kind === "sqlite") {
      // The copy in the run directory says the same.
      const copy = JSON.parse(readFileSync(join(location.directory, manifestFileName), "utf8"));
      expect(copy).toEqual(manifest);
    }
  });

  it("refuses a worker whose backend software differs from the run's, naming the version and both values", async () => {
    const location = runs().location("other-build");
    const job = await createQueuedRun(location, { versions: { "llama.cpp": "b100" } });
    const before = await manifestOf(location);
    const refusal = await prepareQueuedRun(job, build({ versions: { "llama.cpp": "b200" } }), {
      storeUrl: runs().storeUrl,
      concurrency: 2,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(UnrecoverableError);
    expect((refusal as Error).message).toMatch(
      new RegExp(`^refused: run ${job.runId} in .+ was recorded with other versions than this worker runs`),
    );
    expect((refusal as Error).message).toContain('\n  versions.llama.cpp: "b100" → "b200"\n');
    // Refused before anything was recorded.
    expect(await manifestOf(location)).toEqual(before);
    // The same build is admitted.
    const admitted = await prepareQueuedRun(job, build({ versions: { "llama.cpp": "b100" } }), {
      storeUrl: runs().storeUrl,
      concurrency: 2,
    });
    await admitted.close();
    expect((await manifestOf(location)).workers?.[0]?.versions).toMatchObject({ "llama.cpp": "b100" });
  });

  it("refuses a worker whose seed differs, naming the field with the run's value and the worker's", async () => {
    const location = runs().location("other-seed");
    const job = await createQueuedRun(location, {});
    const refusal = prepareQueuedRun(
      job,
      build({}, (jobRecipe) => ({ ...jobRecipe, seed: 8 })),
      { storeUrl: runs().storeUrl, concurrency: 2 },
    );
    await expect(refusal).rejects.toThrow(/\n {2}seed: 7 → 8$/);
    expect((await manifestOf(location)).workers).toBeUndefined();
  });
}

describe("admitting workers to a queued run in a run directory (SQLite)", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "mull-run-workers-"));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  workerAdmissionTests(() => ({ location: (name) => parseRunLocation(join(directory, name)) }));
});

describe.skipIf(postgres.url === undefined)("admitting workers to a queued run in PostgreSQL", () => {
  let schema: SchemaUnderTest;
  beforeAll(async () => {
    schema = await freshPostgresSchema(postgres.url!, "workers");
  });
  afterAll(async () => {
    await schema?.drop();
  });
  workerAdmissionTests(() => ({
    location: (name) => parseRunLocation(name, schema.url),
    storeUrl: schema.url,
  }));
});
