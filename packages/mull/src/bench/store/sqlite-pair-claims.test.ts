import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRunStore } from "./open-run-store.ts";
import { pairClaimContract } from "./pair-claims-contract.test-support.ts";
import { config, manifest, problems } from "./run-store-fixtures.test-support.ts";

describe("pair claims in a SQLite run store", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "mull-sqlite-claims-"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  pairClaimContract((name) => openRunStore(join(folder, name)));

  it("sees the claims another connection to the same file made", async () => {
    const first = await openRunStore(join(folder, "shared"));
    const second = await openRunStore(join(folder, "shared"));
    try {
      expect(await first.createRun(manifest(), config, problems)).toBe(true);
      const lease = { leaseMilliseconds: 60_000 };
      expect(await first.claimPair("p2", "sc@4", { owner: "a", ...lease })).toBe("claimed");
      expect(await second.claimPair("p2", "sc@4", { owner: "b", ...lease })).toBe("taken");
    } finally {
      await first.close();
      await second.close();
    }
  });
});
