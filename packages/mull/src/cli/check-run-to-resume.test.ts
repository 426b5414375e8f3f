import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRunStore, parseRunLocation } from "../bench/store/index.ts";
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

describe("checkRunToResume", () => {
  it("passes a run directory that holds a run's database or its manifest", async () => {
    const withDatabase = join(folder, "database");
    mkdirSync(withDatabase);
    writeFileSync(join(withDatabase, "bench.sqlite"), "");
    await expect(checkRunToResume({ kind: "sqlite", directory: withDatabase })).resolves.toBeUndefined();
    const withManifest = join(folder, "manifest");
    mkdirSync(withManifest);
    writeFileSync(join(withManifest, "manifest.json"), "{}");
    await expect(checkRunToResume({ kind: "sqlite", directory: withManifest })).resolves.toBeUndefined();
  });

  it("refuses a missing or empty directory, naming --resume and the path", async () => {
    const empty = join(folder, "empty");
    mkdirSync(empty);
    for (const directory of [empty, join(folder, "missing")]) {
      const error = await checkRunToResume({ kind: "sqlite", directory }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).field).toBe("--resume");
      expect((error as Error).message).toBe(
        `--resume: ${directory} holds no run to continue; leave out --resume to start one`,
      );
    }
  });

  it("looks for a stage's run under the directory (a search's round-1)", async () => {
    const search = join(folder, "search");
    mkdirSync(join(search, "round-1"), { recursive: true });
    const location = { kind: "sqlite", directory: search } as const;
    await expect(checkRunToResume(location, "round-1")).rejects.toThrowError(
      `--resume: ${search} holds no run to continue`,
    );
    writeFileSync(join(search, "round-1", "bench.sqlite"), "");
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
      "holds no run to continue",
    );
  });
});
