import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import type { RunData } from "../run-data.ts";
import {
  loadRun,
  openRunStore,
  parseRunLocation,
  type ResultRecord,
  RunConfigChangedError,
} from "../store/index.ts";
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

/** The pairs of the first two problems, which the tests' other processes hold. */
const heldPairs = ["sum-0", "sum-1"].flatMap((problemId) =>
  ["greedy", "sc@4"].map((strategy) => ({ problemId, strategy })),
);

/** A result as another process would record it. */
function resultOf(pair: { problemId: string; strategy: string }): ResultRecord {
  return {
    ...pair,
    seed: 1,
    answer: "0",
    correct: false,
    samples: 0,
    promptTokens: undefined,
    completionTokens: undefined,
    calls: 0,
    scoreCalls: 0,
    latencyMilliseconds: 1,
    stoppedBy: "complete",
  };
}

describe.skipIf(postgres.url === undefined)("runBench into PostgreSQL", () => {
  let schema: SchemaUnderTest;
  let folder: string;
  /** Creates the run `out` without solving any of its pairs. */
  const createEmptyRun = async (out: string): Promise<void> => {
    const controller = new AbortController();
    controller.abort(new Error("created only"));
    const created = await runBench(options({ out, store: schema.url, signal: controller.signal }));
    expect(created).toMatchObject({ created: true, recorded: 0, missing: 16 });
  };
  /** Claims left on the pairs of run `out`. */
  const claimRows = async (out: string): Promise<number> => {
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      const sql = "SELECT count(*) AS n FROM pair_claims JOIN runs USING (run_id) WHERE runs.name = $1";
      return Number((await client.query(sql, [out])).rows[0].n);
    } finally {
      await client.end();
    }
  };
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

  it("solves each pair once when two processes walk the same run at once", async () => {
    // Both list every pair as pending before either solves one: only the store can tell each process,
    // pair by pair, which ones the other took.
    let listedBy = 0;
    let bothListed: () => void = () => {};
    const listed = new Promise<void>((resolve) => {
      bothListed = resolve;
    });
    const progress = (): BenchProgress => ({
      start: () => {
        listedBy += 1;
        if (listedBy === 2) bothListed();
      },
      advance: () => {},
      stop: () => {},
    });
    const backends = [0, 1].map(() => createScriptedBackend({ respond, onCall: () => listed }));
    const shared = { out: "sums/together", store: schema.url, resume: true, concurrency: 2 };
    const runs = await Promise.all(
      backends.map((backend) => runBench(options({ ...shared, backend, progress: progress() }))),
    );
    // One call per pair solved (greedy one call, sc@4 one call of n = 4): 16 in all, not 16 each.
    expect(backends[0]!.calls.length + backends[1]!.calls.length).toBe(16);
    for (const [index, run] of runs.entries()) {
      expect(run).toMatchObject({ skipped: 0, missing: 0, interrupted: false });
      expect(run.recorded).toBe(backends[index]!.calls.length);
      expect(run.recordedElsewhere).toBe(16 - run.recorded);
    }
    const stored = await loadRun(parseRunLocation("sums/together", schema.url));
    expect(stored.results).toHaveLength(16);
    expect(await claimRows("sums/together")).toBe(0);
  });

  it("leaves the pairs another process holds, and counts them done once that process records them", async () => {
    const out = "sums/held";
    await createEmptyRun(out);
    const other = await openRunStore(parseRunLocation(out, schema.url));
    try {
      for (const pair of heldPairs) {
        const claim = { owner: "other", leaseMilliseconds: 60_000 };
        expect(await other.claimPair(pair.problemId, pair.strategy, claim)).toBe("claimed");
      }
      // The other process records its pairs while this one solves the rest.
      const backend = createScriptedBackend({
        respond,
        onCall: async (_request, index) => {
          if (index !== 11) return;
          for (const pair of heldPairs) await other.recordResult(resultOf(pair), []);
        },
      });
      const advanced: (boolean | undefined)[] = [];
      const progress: BenchProgress = {
        start: () => {},
        advance: (update) => advanced.push(update.correct),
        stop: () => {},
      };
      const run = await runBench(
        options({ out, store: schema.url, resume: true, backend, progress, claimLeaseMilliseconds: 400 }),
      );
      expect(backend.calls).toHaveLength(12);
      expect(run).toMatchObject({
        skipped: 0,
        recorded: 12,
        recordedElsewhere: 4,
        missing: 0,
        interrupted: false,
      });
      // Every pair advances the progress; those recorded elsewhere without a grade.
      expect(advanced).toHaveLength(16);
      expect(advanced.filter((correct) => correct === undefined)).toHaveLength(4);
    } finally {
      await other.close();
    }
  });

  it("takes over the pairs of a process that died once their lease runs out", async () => {
    const out = "sums/orphaned";
    await createEmptyRun(out);
    const dead = await openRunStore(parseRunLocation(out, schema.url));
    for (const pair of heldPairs) {
      const claim = { owner: "dead", leaseMilliseconds: 300 };
      expect(await dead.claimPair(pair.problemId, pair.strategy, claim)).toBe("claimed");
    }
    await dead.close();
    const backend = createScriptedBackend({ respond });
    const run = await runBench(
      options({ out, store: schema.url, resume: true, backend, claimLeaseMilliseconds: 300 }),
    );
    expect(run).toMatchObject({ recorded: 16, recordedElsewhere: 0, missing: 0, interrupted: false });
    expect(backend.calls).toHaveLength(16);
    expect(await claimRows(out)).toBe(0);
  });

  it("stops waiting for pairs held elsewhere when interrupted, leaving their holder's claims", async () => {
    const out = "sums/held-stopped";
    await createEmptyRun(out);
    const other = await openRunStore(parseRunLocation(out, schema.url));
    try {
      const claim = { owner: "other", leaseMilliseconds: 60_000 };
      for (const pair of heldPairs) await other.claimPair(pair.problemId, pair.strategy, claim);
      const controller = new AbortController();
      let advanced = 0;
      const progress: BenchProgress = {
        start: () => {},
        advance: () => {
          advanced += 1;
          if (advanced === 12) controller.abort(new Error("interrupted"));
        },
        stop: () => {},
      };
      const started = Date.now();
      const run = await runBench(
        options({ out, store: schema.url, resume: true, progress, signal: controller.signal }),
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(run).toMatchObject({ recorded: 12, missing: 4, interrupted: true });
      const [held] = heldPairs;
      expect(await other.claimPair(held!.problemId, held!.strategy, { ...claim, owner: "third" })).toBe(
        "taken",
      );
    } finally {
      await other.close();
    }
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
