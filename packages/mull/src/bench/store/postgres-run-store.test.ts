import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import { loadRun } from "./load-run.ts";
import { openRunStore } from "./open-run-store.ts";
import { freshPostgresSchema, type SchemaUnderTest } from "./postgres-schema-under-test.test-support.ts";
import { parseRunLocation } from "./run-location.ts";
import type { RunStore } from "./run-store.ts";
import { pairKey } from "./run-store.ts";
import { config, manifest, problems, result, samples } from "./run-store-fixtures.test-support.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

describe.skipIf(postgres.url === undefined)("openPostgresRunStore", () => {
  let schema: SchemaUnderTest;
  let folder: string;
  beforeAll(async () => {
    schema = await freshPostgresSchema(postgres.url!, "store");
    folder = mkdtempSync(join(tmpdir(), "mull-pg-store-"));
  });
  afterAll(async () => {
    await schema?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  const open = (name: string) => openRunStore(parseRunLocation(name, schema.url));

  /** The same writes, in the same order, as the SQLite test's fixture run, plus an awkward pair. */
  async function fill(store: RunStore): Promise<void> {
    expect(await store.createRun(manifest(), config, problems)).toBe(true);
    // Strategy names whose order differs between a language collation and bytewise comparison.
    for (const strategy of ["b", "B", "_a", "a-2", "a10", "Ä"]) {
      await store.recordResult(result("p2", strategy, "4", 1), samples("p2", strategy, ["4"]));
    }
    await store.recordResult(
      {
        ...result("p1", "sc@4", "2", 3),
        seed: 2 ** 40 + 3,
        completionTokens: 123456,
        cachedPromptTokens: 8,
        verifierAccepted: false,
        worker: "gpu-box:4242:a1b2c3",
        usageByModel: {
          "lab-small": { promptTokens: 3, completionTokens: undefined, calls: 2 },
          big: { promptTokens: 1, completionTokens: 9, calls: 1 },
        },
      },
      samples("p1", "sc@4", ["2", "3", undefined]),
    );
    await store.recordResult(
      { ...result("p2", "greedy", undefined, 1), latencyMilliseconds: 0.1 + 0.2, verifierAccepted: true },
      [
        {
          ...samples("p2", "greedy", ["x"])[0]!,
          text: 'quotes " and \\ and {"json": [1, 2]} and ünïcode',
          logprob: -1e-300,
          scores: { a: 0.1, b: -3 },
        },
      ],
    );
  }

  it("reads back exactly what a SQLite store gives for the same writes (order, numbers, JSON)", async () => {
    const store = await open("same-as-sqlite");
    expect(store.label).toMatch(/^run same-as-sqlite in postgres:\/\/.*:\*\*\*@/);
    expect(await store.storedRun()).toBeUndefined();
    await fill(store);
    const sqlite = await openRunStore(join(folder, "same"));
    await fill(sqlite);
    const data = await store.readRunData();
    expect(data).toEqual(await sqlite.readRunData());
    // Same key order too (toEqual ignores it): reports print these objects.
    expect(JSON.stringify(data)).toBe(JSON.stringify(await sqlite.readRunData()));
    expect(data.results.map((row) => row.strategy)).toEqual([
      "sc@4",
      "B",
      "_a",
      "a-2",
      "a10",
      "b",
      "greedy",
      "Ä",
    ]);
    expect(data.results[0]?.seed).toBe(2 ** 40 + 3);
    expect(data.results[0]?.usageByModel).toEqual({
      big: { promptTokens: 1, completionTokens: 9, calls: 1 },
      "lab-small": { promptTokens: 3, completionTokens: undefined, calls: 2 },
    });
    expect(await store.storedRun()).toEqual(await sqlite.storedRun());
    expect(await store.completedPairs()).toEqual(await sqlite.completedPairs());
    expect(await store.completedPairCount()).toBe(8);
    expect(await sqlite.completedPairCount()).toBe(8);
    expect(await store.counts()).toEqual({ problems: 2, results: 8, samples: 10 });
    await sqlite.close();
    await store.close();
    await store.close();
    expect(await loadRun(parseRunLocation("same-as-sqlite", schema.url))).toEqual(data);
  });

  it("keeps runs apart by name, and refuses a second run under a taken name", async () => {
    const first = await open("named-a");
    const second = await open("named-b");
    expect(await first.createRun({ ...manifest(), runId: "run-named" }, config, problems)).toBe(true);
    expect(await second.createRun({ ...manifest(), runId: "run-other" }, config, problems)).toBe(true);
    await second.recordResult(result("p1", "greedy", "2", 1), samples("p1", "greedy", ["2"]));
    expect(await first.counts()).toEqual({ problems: 2, results: 0, samples: 0 });
    expect(await second.counts()).toEqual({ problems: 2, results: 1, samples: 1 });
    expect([await first.completedPairCount(), await second.completedPairCount()]).toEqual([0, 1]);
    const again = await open("named-a");
    expect(await again.createRun({ ...manifest(), runId: "run-third" }, { other: true }, [])).toBe(false);
    expect((await again.storedRun())?.config).toEqual(config);
    await Promise.all([first.close(), second.close(), again.close()]);
  });

  it("records a pair at most once and never replaces what is stored", async () => {
    const store = await open("idempotent");
    await store.createRun({ ...manifest(), runId: "run-idempotent" }, config, problems);
    expect(await store.recordResult(result("p1", "greedy", "2", 1), samples("p1", "greedy", ["2"]))).toBe(
      true,
    );
    expect(
      await store.recordResult(result("p1", "greedy", "5", 2), samples("p1", "greedy", ["5", "6"])),
    ).toBe(false);
    const data = await store.readRunData();
    expect(data.results.map((row) => [row.answer, row.samples])).toEqual([["2", 1]]);
    expect(data.samples.map((row) => row.answer)).toEqual(["2"]);
    expect(await store.counts()).toEqual({ problems: 2, results: 1, samples: 1 });
    await store.close();
  });

  it("leaves exactly one copy when two processes record the same pair at once", async () => {
    const writers = await Promise.all([open("concurrent"), open("concurrent"), open("concurrent")]);
    await writers[0]!.createRun({ ...manifest(), runId: "run-concurrent" }, config, problems);
    for (let round = 0; round < 5; round += 1) {
      const strategy = `sc@${round}`;
      // Each writer has its own samples (1, 2 or 3 of them): the stored ones must all be one writer's.
      const fresh = await Promise.all(
        writers.map((writer, index) =>
          writer.recordResult(
            result("p1", strategy, String(index), index + 1),
            samples(
              "p1",
              strategy,
              Array.from({ length: index + 1 }, () => String(index)),
            ),
          ),
        ),
      );
      expect(fresh.filter(Boolean)).toHaveLength(1);
      const winner = fresh.indexOf(true);
      const data = await writers[1]!.readRunData();
      const stored = data.samples.filter((sample) => sample.strategy === strategy);
      expect(stored.map((sample) => sample.answer)).toEqual(
        Array.from({ length: winner + 1 }, () => String(winner)),
      );
      expect(data.results.filter((row) => row.strategy === strategy).map((row) => row.answer)).toEqual([
        String(winner),
      ]);
    }
    expect(await writers[2]!.counts()).toMatchObject({ results: 5 });
    expect(await writers[2]!.completedPairs()).toEqual(
      new Set([0, 1, 2, 3, 4].map((round) => pairKey("p1", `sc@${round}`))),
    );
    await Promise.all(writers.map((writer) => writer.close()));
  });

  it("updates the manifest in one transaction: updaters at once take turns, each given the last one's", async () => {
    const writers = await Promise.all([open("manifest"), open("manifest"), open("manifest")]);
    await expect(writers[0]!.updateManifest((stored) => stored)).rejects.toThrow(
      "no run recorded: run manifest",
    );
    await writers[0]!.createRun({ ...manifest(), runId: "run-manifest" }, config, problems);
    // Each sets the concurrency where none is recorded yet: exactly one of them does.
    const updated = await Promise.all(
      writers.map((writer, index) =>
        writer.updateManifest((stored) =>
          stored.concurrency === undefined ? { ...stored, concurrency: index + 1 } : undefined,
        ),
      ),
    );
    const recorded = updated[0]!.concurrency;
    expect([1, 2, 3]).toContain(recorded);
    expect(updated).toEqual(
      writers.map(() => ({ ...manifest(), runId: "run-manifest", concurrency: recorded })),
    );
    expect((await writers[1]!.storedRun())?.manifest).toEqual(updated[0]);
    await Promise.all(writers.map((writer) => writer.close()));
  });

  it("writes a result and its samples in one transaction, and refuses problems outside the run", async () => {
    let failNext = true;
    const store = await openRunStore(parseRunLocation("atomic", schema.url), {
      beforeCommit: () => {
        if (failNext) {
          failNext = false;
          throw new Error("crash inside the write");
        }
      },
    });
    await store.createRun({ ...manifest(), runId: "run-atomic" }, config, problems);
    await expect(
      store.recordResult(result("p2", "sc@4", "4", 2), samples("p2", "sc@4", ["4", "4"])),
    ).rejects.toThrow("crash inside the write");
    expect(await store.counts()).toEqual({ problems: 2, results: 0, samples: 0 });
    expect(await store.recordResult(result("p2", "sc@4", "4", 2), samples("p2", "sc@4", ["4", "4"]))).toBe(
      true,
    );
    await expect(
      store.recordResult(result("p9", "greedy", "2", 1), samples("p9", "greedy", ["2"])),
    ).rejects.toThrow(/foreign key/);
    expect(await store.counts()).toEqual({ problems: 2, results: 1, samples: 2 });
    await store.close();
  });

  it("refuses a store written by another schema version, and says when a run does not exist", async () => {
    await expect(loadRun(parseRunLocation("nothing-here", schema.url))).rejects.toThrow(
      /^no run nothing-here in postgres:\/\/mull:\*\*\*@/,
    );
    const other = await freshPostgresSchema(postgres.url!, "version");
    try {
      await expect(loadRun(parseRunLocation("r", other.url))).rejects.toThrow(/^no run r in /);
      await (await openRunStore(parseRunLocation("r", other.url))).close();
      const client = new pg.Client({ connectionString: other.url });
      await client.connect();
      await client.query("UPDATE store_info SET value = '99' WHERE key = 'schema_version'");
      await client.end();
      await expect(openRunStore(parseRunLocation("r", other.url))).rejects.toThrow(
        /written by another version of the store \(schema 99, this mull reads 1\)/,
      );
      await expect(loadRun(parseRunLocation("r", other.url))).rejects.toThrow(/schema 99/);
    } finally {
      await other.drop();
    }
  });

  it("adds the worker's column to a store written before it, and reads it there", async () => {
    const older = await freshPostgresSchema(postgres.url!, "older_worker");
    try {
      const store = await openRunStore(parseRunLocation("r", older.url));
      await store.createRun(manifest(), config, problems);
      await store.recordResult(result("p1", "greedy", "2", 1), []);
      await store.close();
      const client = new pg.Client({ connectionString: older.url });
      await client.connect();
      await client.query("ALTER TABLE results DROP COLUMN worker");
      await client.end();
      // Read as it is, then opened for writing: the column is added, the older result names no worker.
      expect((await loadRun(parseRunLocation("r", older.url))).results).toEqual([
        result("p1", "greedy", "2", 1),
      ]);
      const reopened = await openRunStore(parseRunLocation("r", older.url));
      await reopened.recordResult({ ...result("p2", "greedy", "4", 1), worker: "box:7:abcdef" }, []);
      expect((await reopened.readRunData()).results).toEqual([
        result("p1", "greedy", "2", 1),
        { ...result("p2", "greedy", "4", 1), worker: "box:7:abcdef" },
      ]);
      await reopened.close();
    } finally {
      await older.drop();
    }
  });

  it("adds the cached prompt tokens' column to a store written before it, and reads it there", async () => {
    const older = await freshPostgresSchema(postgres.url!, "older");
    try {
      const store = await openRunStore(parseRunLocation("r", older.url));
      await store.createRun(manifest(), config, problems);
      await store.recordResult(result("p1", "greedy", "2", 1), []);
      await store.close();
      const client = new pg.Client({ connectionString: older.url });
      await client.connect();
      await client.query("ALTER TABLE results DROP COLUMN cached_prompt_tokens");
      await client.end();
      // Read as it is, then opened for writing: the column is added, the older result keeps none.
      expect((await loadRun(parseRunLocation("r", older.url))).results).toEqual([
        result("p1", "greedy", "2", 1),
      ]);
      const reopened = await openRunStore(parseRunLocation("r", older.url));
      await reopened.recordResult({ ...result("p2", "greedy", "4", 1), cachedPromptTokens: 6 }, []);
      expect((await reopened.readRunData()).results).toEqual([
        result("p1", "greedy", "2", 1),
        { ...result("p2", "greedy", "4", 1), cachedPromptTokens: 6 },
      ]);
      await reopened.close();
    } finally {
      await older.drop();
    }
  });

  it("reports an unreachable server without its password", async () => {
    const url = "postgres://mull:hunter2secret@127.0.0.1:1/mull";
    const failure = (await openRunStore(parseRunLocation("r", url)).then(
      () => new Error("expected a failure"),
      (error: unknown) => error,
    )) as Error;
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toMatch(/^cannot connect to postgres:\/\/mull:\*\*\*@127\.0\.0\.1:1\/mull: /);
    expect(failure.message).not.toContain("hunter2secret");
  });
});
