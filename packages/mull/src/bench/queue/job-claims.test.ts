import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sleep } from "../../runtime/index.ts";
import { openRunStore, type RunStore } from "../store/index.ts";
import { config, manifest, problems } from "../store/run-store-fixtures.test-support.ts";
import { jobClaimOwner, startJobClaims } from "./job-claims.ts";

describe("startJobClaims", () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fresh SQLite run of the store fixtures (pairs p1 and p2, greedy and sc@4). */
  const freshStore = async (): Promise<RunStore> => {
    const directory = mkdtempSync(join(tmpdir(), "mull-job-claims-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const store = await openRunStore(join(directory, "run"));
    cleanups.push(() => store.close());
    expect(await store.createRun(manifest(), config, problems)).toBe(true);
    return store;
  };

  it("claims as the job, so that a later try takes over the claim an earlier one could not drop", async () => {
    const store = await freshStore();
    const first = startJobClaims(store, "pair-a", 60_000);
    cleanups.push(() => first.release());
    expect(first.owner).toBe(jobClaimOwner("pair-a"));
    // The first try ends without dropping its claim (its store went away), which thus lasts.
    expect(await first.claim("p1", "greedy")).toBe("claimed");
    const retry = startJobClaims(store, "pair-a", 60_000);
    cleanups.push(() => retry.release());
    expect(await retry.claim("p1", "greedy")).toBe("claimed");
    // Another job, or a local `mull bench`, still finds it taken.
    const another = startJobClaims(store, "pair-b", 60_000);
    cleanups.push(() => another.release());
    expect(await another.claim("p1", "greedy")).toBe("taken");
    expect(await store.claimPair("p1", "greedy", { owner: "host:1:ab", leaseMilliseconds: 1 })).toBe("taken");
  });

  it("renews its claims past their lease until released, then drops them", async () => {
    const store = await freshStore();
    const claims = startJobClaims(store, "pair-a", 300);
    expect(claims.pollMilliseconds).toBe(75);
    expect(await claims.claim("p1", "greedy")).toBe("claimed");
    await sleep(700);
    const other = { owner: "a local mull bench", leaseMilliseconds: 60_000 };
    expect(await store.claimPair("p1", "greedy", other)).toBe("taken");
    await claims.release();
    await claims.release();
    expect(await store.claimPair("p1", "greedy", other)).toBe("claimed");
  });
});
