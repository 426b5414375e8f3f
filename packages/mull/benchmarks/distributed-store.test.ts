import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { postgresUnderTest } from "../src/runtime/test-services.test-support.ts";
import { postgresStore } from "./distributed-store.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

/** The ConfigError `postgresStore(url)` rejects with. */
async function refusal(url: string): Promise<ConfigError> {
  try {
    const store = await postgresStore(url);
    await store.close();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe("postgresStore", () => {
  it("refuses a database it cannot reach in one line naming --store, the password redacted", async () => {
    const error = await refusal("postgres://mull:hunter2@127.0.0.1:1/mull");
    expect(error.field).toBe("--store");
    expect(error.message).toBe(
      "--store: cannot connect to postgres://mull:***@127.0.0.1:1/mull: connect ECONNREFUSED 127.0.0.1:1",
    );
  });

  it.skipIf(postgres.url === undefined)("refuses a wrong password, and never shows it", async () => {
    const url = new URL(postgres.url as string);
    url.password = "not-the-password";
    const error = await refusal(url.toString());
    expect(error.field).toBe("--store");
    expect(error.message).toMatch(/^--store: cannot connect to postgres:\/\/\w+:\*\*\*@/);
    expect(error.message).not.toContain("not-the-password");
  });

  it.skipIf(postgres.url === undefined)(
    "creates a schema of its own, counts 0 before any run, and drops it on close",
    async () => {
      const store = await postgresStore(postgres.url as string);
      const schema = /schema (mull_distributed_[0-9a-f]{8})$/.exec(store.label)?.[1];
      try {
        expect(schema).toBeDefined();
        if (new URL(postgres.url as string).password !== "") expect(store.label).toContain(":***@");
        expect(await store.count("none", "results")).toBe(0);
        expect(store.workerArgs[0]).toBe("--store");
      } finally {
        await store.close();
      }
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        const found = await client.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [
          schema,
        ]);
        expect(found.rowCount).toBe(0);
      } finally {
        await client.end();
      }
    },
  );
});
