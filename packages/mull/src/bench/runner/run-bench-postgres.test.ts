import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import type { RunData } from "../run-data.ts";
import { loadRun, parseRunLocation, RunConfigChangedError } from "../store/index.ts";
import {
  freshPostgresSchema,
  type SchemaUnderTest,
} from "../store/postgres-schema-under-test.test-support.ts";
import type { BenchProgress } from "./bench-progress.ts";
import { summarizeBench } from "./bench-summary.ts";
import { runBench } from "./run-bench.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { hashGrader, respondToSum, sumsDataset } from "./sums-bench.test-support.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

const dataset = sumsDataset(8, (index) => ({ difficulty: index % 3 }));
const respond = respondToSum;

const performance = { flopsPerSecond: 2e9, bytesPerSecond: 1e10, source: "given" };

function options(overrides: Partial<RunBenchOptions>): RunBenchOptions {
  return {
    dataset,
    strategies: ["greedy", "sc@4"],
    backend: createScriptedBackend({ respond }),
    out: "unset",
    grader: hashGrader,
    seed: 7,
    sampling: { temperature: 0.7, maxTokens: 64 },
    clock: manualClock(),
    machinePerformance: performance,
    ...overrides,
  };
}

/** A run without what legitimately differs between two runs of one configuration: its id and start time. */
function comparable(run: RunData): RunData {
  // The runs compared solve their pairs with other concurrencies: how fast, not what.
  const { runId: _id, createdAt: _created, concurrency: _concurrency, ...manifest } = run.manifest;
  return { ...run, manifest: manifest as RunData["manifest"] };
}

describe.skipIf(postgres.url === undefined)("runBench into PostgreSQL", () => {
  let schema: SchemaUnderTest;
  let folder: string;
  beforeAll(async () => {
    schema = await freshPostgresSchema(postgres.url!, "bench");
    folder = mkdtempSync(join(tmpdir(), "mull-pg-bench-"));
  });
  afterAll(async () => {
    await schema?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("stores the same run as SQLite: identical readRunData and summary", async () => {
    const sqlite = await runBench(options({ out: join(folder, "sqlite") }));
    const database = await runBench(options({ out: "sums/reference", store: schema.url, concurrency: 3 }));
    expect(database.location).toEqual({ kind: "postgres", url: schema.url, name: "sums/reference" });
    expect(database).toMatchObject({ directory: "sums/reference", created: true, total: 16, recorded: 16 });
    const fromSqlite = await loadRun(sqlite.location);
    const fromPostgres = await loadRun(parseRunLocation("sums/reference", schema.url));
    expect(fromPostgres.results.length).toBe(16);
    expect(fromPostgres.samples.length).toBe(40);
    expect(comparable(fromPostgres)).toEqual(comparable(fromSqlite));
    expect(JSON.stringify(comparable(fromPostgres))).toBe(JSON.stringify(comparable(fromSqlite)));
    expect({ ...summarizeBench(fromPostgres), runId: "" }).toEqual({
      ...summarizeBench(fromSqlite),
      runId: "",
    });
    expect({ ...database.summary, runId: "" }).toEqual({ ...sqlite.summary, runId: "" });
    expect(JSON.stringify(fromPostgres)).not.toContain(":mull@");
  });

  it("lets two processes run one configuration at once: each pair stored once, same data as one process", async () => {
    const reference = await loadRun(parseRunLocation("sums/reference", schema.url));
    const shared = () => options({ out: "sums/shared", store: schema.url, resume: true, concurrency: 2 });
    const [first, second] = await Promise.all([runBench(shared()), runBench(shared())]);
    expect(first.recorded + second.recorded).toBe(16);
    for (const run of [first, second]) {
      // A pair the other process recorded first is done, not missing: neither call was interrupted.
      expect(run).toMatchObject({ interrupted: false, missing: 0 });
      expect(run.skipped + run.recorded + run.recordedElsewhere).toBe(16);
      expect(run.summary.strategies.map((strategy) => strategy.problems)).toEqual([8, 8]);
    }
    expect([first.created, second.created].sort()).toEqual([false, true]);
    expect(first.runId).toBe(second.runId);
    expect(comparable(await loadRun(parseRunLocation("sums/shared", schema.url)))).toEqual(
      comparable(reference),
    );
    const again = await runBench(shared());
    expect(again).toMatchObject({ created: false, skipped: 16, recorded: 0 });
  });

  it("counts the pairs another process recorded first as done, not as an interruption", async () => {
    // The first process solves only once the second has listed its pending pairs (all of them), and the
    // second only once the first has recorded them all: every write the second attempts finds its pair.
    let secondListed: () => void = () => {};
    const listed = new Promise<void>((resolve) => {
      secondListed = resolve;
    });
    let firstDone: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      firstDone = resolve;
    });
    const early = createScriptedBackend({ respond, onCall: () => listed });
    const late = createScriptedBackend({ respond, onCall: () => finished });
    const progress: BenchProgress = { start: () => secondListed(), advance: () => {}, stop: () => {} };
    const shared = { out: "sums/late", store: schema.url, resume: true };
    const firstRun = runBench(options({ ...shared, backend: early })).finally(firstDone);
    const [first, second] = await Promise.all([
      firstRun,
      runBench(options({ ...shared, backend: late, progress })),
    ]);
    expect(first).toMatchObject({ recorded: 16, recordedElsewhere: 0, missing: 0, interrupted: false });
    expect(second).toMatchObject({
      skipped: 0,
      recorded: 0,
      recordedElsewhere: 16,
      missing: 0,
      interrupted: false,
    });
    // It solved every pair (greedy one call, sc@4 one call of n = 4), and stored none of them.
    expect(late.calls.length).toBe(16);
    expect({ ...second.summary, runId: "" }).toEqual({ ...first.summary, runId: "" });
    const stored = await loadRun(parseRunLocation("sums/late", schema.url));
    expect(stored.results).toHaveLength(16);
  });

  it("is interrupted only where pairs are missing after a stop", async () => {
    const controller = new AbortController();
    controller.abort(new Error("interrupted"));
    const stopped = await runBench(
      options({ out: "sums/stopped", store: schema.url, signal: controller.signal }),
    );
    expect(stopped).toMatchObject({ recorded: 0, recordedElsewhere: 0, missing: 16, interrupted: true });
    const completed = await runBench(options({ out: "sums/stopped", store: schema.url, resume: true }));
    expect(completed).toMatchObject({ recorded: 16, missing: 0, interrupted: false });
  });

  it("refuses to resume with a changed configuration, listing each change as SQLite does", async () => {
    const changed = { resume: true, sampling: { temperature: 1, maxTokens: 64 } } as const;
    const inSqlite = await runBench(options({ out: join(folder, "sqlite"), ...changed })).catch(
      (error: unknown) => error,
    );
    const inPostgres = await runBench(
      options({ out: "sums/reference", store: schema.url, ...changed }),
    ).catch((error: unknown) => error);
    expect(RunConfigChangedError.isInstance(inPostgres)).toBe(true);
    const message = (inPostgres as Error).message;
    expect(message).toContain("sampling.temperature: 0.7 → 1");
    expect(message).toMatch(/^cannot resume the run sums\/reference in postgres:\/\/mull:\*\*\*@/);
    expect(message).not.toContain(":mull@");
    expect(message.split("\n").slice(1)).toEqual(
      (inSqlite as Error).message
        .replace(/directory\.$/, "name.")
        .split("\n")
        .slice(1),
    );
    expect((inPostgres as RunConfigChangedError).changes).toEqual(
      (inSqlite as RunConfigChangedError).changes,
    );
    await expect(runBench(options({ out: "sums/reference", store: schema.url }))).rejects.toThrow(
      /^run sums\/reference in postgres:\/\/mull:\*\*\*@.* already holds run run-.*; pass --resume/,
    );
  });
});
