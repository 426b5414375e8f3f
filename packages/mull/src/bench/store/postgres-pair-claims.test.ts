import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import { openRunStore } from "./open-run-store.ts";
import { pairClaimContract } from "./pair-claims-contract.test-support.ts";
import { freshPostgresSchema, type SchemaUnderTest } from "./postgres-schema-under-test.test-support.ts";
import { parseRunLocation } from "./run-location.ts";
import { config, manifest, problems } from "./run-store-fixtures.test-support.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

describe.skipIf(postgres.url === undefined)("pair claims in a PostgreSQL run store", () => {
  let schema: SchemaUnderTest;
  beforeAll(async () => {
    schema = await freshPostgresSchema(postgres.url!, "claims");
  });
  afterAll(async () => {
    await schema?.drop();
  });

  pairClaimContract((name) => openRunStore(parseRunLocation(name, schema.url)));

  it("gives each pair to exactly one of many owners claiming it at once", async () => {
    const store = await openRunStore(parseRunLocation("claims-race", schema.url), { maxConnections: 8 });
    try {
      expect(await store.createRun({ ...manifest(), runId: "run-race" }, config, problems)).toBe(true);
      const owners = Array.from({ length: 8 }, (_, index) => `owner-${index}`);
      const found = await Promise.all(
        owners.map((owner) => store.claimPair("p1", "greedy", { owner, leaseMilliseconds: 60_000 })),
      );
      expect(found.filter((claim) => claim === "claimed")).toHaveLength(1);
      expect(found.filter((claim) => claim === "taken")).toHaveLength(7);
    } finally {
      await store.close();
    }
  });
});
