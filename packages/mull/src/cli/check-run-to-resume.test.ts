import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRunStore, openSqliteRunStore, parseRunLocation } from "../bench/store/index.ts";
import {
  freshPostgresSchema,
  type SchemaUnderTest,
} from "../bench/store/postgres-schema-under-test.test-support.ts";
import { config, manifest, problems } from "../bench/store/run-store-fixtures.test-support.ts";
import { postgresUnderTest } from "../runtime/test-services.test-support.ts";
import { checkRunToResume } from "./check-run-to-resume.ts";
import { UsageError } from "./usage-error.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

const folder = mkdtempSync(join(tmpdir(), "mull-check-resume-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A run directory holding the fixture run, as a run that recorded itself leaves it. */
async function recordedRun(directory: string): Promise<void> {
  const store = openSqliteRunStore(directory);
  try {
    await store.createRun(manifest(), config, problems);
  } finally {
    await store.close();
  }
}

/** The refusal `--resume` meets at `directory`. */
async function refusal(directory: string, stage?: string): Promise<unknown> {
  return checkRunToResume({ kind: "sqlite", directory }, stage).catch((caught: unknown) => caught);
}

describe("checkRunToResume", () => {
  it("passes a run directory whose database records a run", async () => {
    const recorded = join(folder, "recorded");
    await recordedRun(recorded);
    await expect(checkRunToResume({ kind: "sqlite", directory: recorded })).resolves.toBeUndefined();
  });

  it("refuses a missing or empty directory, an empty database and tables without a run, naming --resume and the path", async () => {
    const empty = join(folder, "empty");
    mkdirSync(empty);
    const emptyDatabase = join(folder, "empty-database");
    mkdirSync(emptyDatabase);
    writeFileSync(join(emptyDatabase, "bench.sqlite"), "");
    // A run killed in its first moments: the tables are there, its run row is not.
    const crashed = join(folder, "crashed");
    await openSqliteRunStore(crashed).close();
    for (const directory of [empty, join(folder, "missing"), emptyDatabase, crashed]) {
      const error = await refusal(directory);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).field).toBe("--resume");
      expect((error as Error).message).toBe(
        `--resume: ${directory} holds no run to continue; leave out --resume to start one`,
      );
    }
  });

  it("says a database lost beside the run's manifest as corrupt, not as a run to continue", async () => {
    const lost = join(folder, "lost");
    mkdirSync(lost);
    writeFileSync(join(lost, "manifest.json"), "{}");
    const error = await refusal(lost);
    expect(error).not.toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^database corrupt: .*bench\.sqlite/);
  });

  it("looks for a stage's run under the directory (a search's round-1)", async () => {
    const search = join(folder, "search");
    mkdirSync(join(search, "round-1"), { recursive: true });
    const location = { kind: "sqlite", directory: search } as const;
    await expect(checkRunToResume(location, "round-1")).rejects.toThrowError(
      `--resume: ${search} holds no --search output to continue (no run in ${join(search, "round-1")}); ` +
        "leave out --resume to start one",
    );
    await recordedRun(join(search, "round-1"));
    await expect(checkRunToResume(location, "round-1")).resolves.toBeUndefined();
  });
});

describe.skipIf(postgres.url === undefined)("checkRunToResume in PostgreSQL", () => {
  let schema: SchemaUnderTest;
  beforeAll(async () => {
    schema = await freshPostgresSchema(postgres.url!, "resume");
    const store = await openRunStore(parseRunLocation("stored", schema.url));
    try {
      await store.createRun(manifest(), config, problems);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await schema?.drop();
  });

  it("passes a run name the database holds, and refuses one it does not, password redacted", async () => {
    await expect(checkRunToResume(parseRunLocation("stored", schema.url))).resolves.toBeUndefined();
    const error = await checkRunToResume(parseRunLocation("absent", schema.url)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /^--resume: run absent in postgres:\/\/mull:\*\*\*@.* holds no run to continue; leave out --resume to start one$/,
    );
    await expect(checkRunToResume(parseRunLocation("stored", schema.url), "round-1")).rejects.toThrowError(
      "holds no --search output to continue (no run in run stored/round-1 in postgres://mull:***@",
    );
  });
});
