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

/** A login role of its own with a random password, allowed to create tables in one test schema. */
export interface LoginUnderTest {
  /** The schema's URL with this role and its password: `postgres://ROLE:PASSWORD@host/db?options=…`. */
  readonly url: string;
  readonly role: string;
  /** A random string that appears nowhere else, so tests can look for it in output and job data. */
  readonly password: string;
  /** Drops the role (drop its schema first). */
  drop(): Promise<void>;
}

/**
 * Creates a role (`mull_test_login_<random>`) with a random password and the right to create tables in
 * `schema`: tests that check a password never leaks need one that is not also the user name.
 *
 * @example
 * const login = await freshPostgresLogin(postgres.url!, schema);
 * // … run with login.url, look for login.password in the output …
 * await schema.drop();
 * await login.drop();
 */
export async function freshPostgresLogin(
  serverUrl: string,
  schema: SchemaUnderTest,
): Promise<LoginUnderTest> {
  const role = `mull_test_login_${randomBytes(4).toString("hex")}`;
  const password = `pw${randomBytes(12).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await admin.query(`GRANT USAGE, CREATE ON SCHEMA ${schema.schema} TO ${role}`);
  } finally {
    await admin.end();
  }
  const url = new URL(schema.url);
  url.username = role;
  url.password = password;
  return {
    url: url.toString(),
    role,
    password,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP OWNED BY ${role} CASCADE`);
        await client.query(`DROP ROLE IF EXISTS ${role}`);
      } finally {
        await client.end();
      }
    },
  };
}
