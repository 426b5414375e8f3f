import { randomBytes } from "node:crypto";
import pg from "pg";

/** A schema of its own in the test PostgreSQL server, and a URL whose connections use it. */
export interface SchemaUnderTest {
  /** The server URL with `options=-c search_path=<schema>`: the store's tables land in the schema. */
  readonly url: string;
  readonly schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh schema (`mull_test_<prefix>_<random>`) in the test server, so that each test file (or
 * test) has tables of its own on a server shared with other engineers' tests.
 *
 * @example
 * const schema = await freshPostgresSchema(postgres.url!, "store");
 * const store = await openRunStore(parseRunLocation("r1", schema.url));
 * await schema.drop();
 */
export async function freshPostgresSchema(serverUrl: string, prefix: string): Promise<SchemaUnderTest> {
  const schema = `mull_test_${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
