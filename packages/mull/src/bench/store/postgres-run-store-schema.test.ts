import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import { loadRun } from "./load-run.ts";
import { openRunStore } from "./open-run-store.ts";
import { freshPostgresSchema, type SchemaUnderTest } from "./postgres-schema-under-test.test-support.ts";
import { parseRunLocation, redactUrl } from "./run-location.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

describe.skipIf(postgres.url === undefined)("the PostgreSQL store's schema check", () => {
  let schema: SchemaUnderTest;
  beforeEach(async () => {
    schema = await freshPostgresSchema(postgres.url!, "foreign");
  });
  afterEach(async () => {
    await schema?.drop();
  });

  /** Runs SQL in the schema under test, as another application would. */
  async function sql(text: string): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  }

  /** The tables of the schema under test with their columns, e.g. `runs(id,name,payload)`. */
  async function tables(): Promise<string[]> {
    const found = await sql(
      `SELECT table_name AS name, string_agg(column_name, ',' ORDER BY ordinal_position) AS columns
       FROM information_schema.columns WHERE table_schema = current_schema()
       GROUP BY table_name ORDER BY table_name`,
    );
    return found.rows.map((row) => `${row.name}(${row.columns})`);
  }

  async function refusal(work: Promise<unknown>): Promise<ConfigError> {
    const error = await work.then(
      () => new Error("expected a refusal"),
      (caught: unknown) => caught,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }

  it("refuses another application's runs table for writing and reading, and creates nothing beside it", async () => {
    await sql("CREATE TABLE runs (id serial, name text, payload text)");
    await sql("INSERT INTO runs (name, payload) VALUES ('prod', 'theirs')");
    const before = await tables();
    expect(before).toEqual(["runs(id,name,payload)"]);
    const expected =
      `${redactUrl(schema.url)} is not a mull run database: its table runs (columns id, name, payload; ` +
      "no run_id, created_at, config_hash, config_json, …) is not mull's; mull leaves it untouched: " +
      "choose another database, or another schema with ?options=-c%20search_path%3D<schema> in the URL";

    const writing = await refusal(openRunStore(parseRunLocation("audit", schema.url)));
    expect(writing.message).toBe(expected);
    expect(writing.field).toBe("--store");
    // Reading a name their table holds says what the database is, not that the run is missing.
    const reading = await refusal(loadRun(parseRunLocation("prod", schema.url)));
    expect(reading.message).toBe(expected);
    expect(await tables()).toEqual(before);
    expect((await sql("SELECT name, payload FROM runs")).rows).toEqual([{ name: "prod", payload: "theirs" }]);
  });

  it("refuses tables of mull's names and columns without mull's store_info, or a store_info without its version", async () => {
    const store = await openRunStore(parseRunLocation("ours", schema.url));
    await store.close();
    await sql("DELETE FROM store_info");
    const unversioned = await refusal(openRunStore(parseRunLocation("ours", schema.url)));
    expect(unversioned.message).toContain(
      "is not a mull run database: its table store_info records no mull schema_version; mull leaves it untouched",
    );
    await sql("DROP TABLE store_info");
    const without = await refusal(loadRun(parseRunLocation("ours", schema.url)));
    expect(without.message).toContain(
      "is not a mull run database: it holds tables named as mull's (runs, problems, results, result_models, samples, pair_claims) but not its store_info",
    );
    await sql("CREATE TABLE store_info (name text)");
    const other = await refusal(openRunStore(parseRunLocation("ours", schema.url)));
    expect(other.message).toContain("its table store_info (columns name; no key, value) is not mull's");
    expect(await tables()).not.toContain("store_info(key,value)");
  });

  it("creates a fresh store's tables and opens them again, creating a table that came later", async () => {
    await (await openRunStore(parseRunLocation("ours", schema.url))).close();
    expect(await tables()).toContain("store_info(key,value)");
    expect((await sql("SELECT key, value FROM store_info")).rows).toEqual([
      { key: "schema_version", value: "1" },
    ]);
    await sql("DROP TABLE result_models");
    await (await openRunStore(parseRunLocation("ours", schema.url))).close();
    expect((await tables()).some((table) => table.startsWith("result_models("))).toBe(true);
    await expect(loadRun(parseRunLocation("missing", schema.url))).rejects.toThrow(/^no run missing in /);
  });
});
