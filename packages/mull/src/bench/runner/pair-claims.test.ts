import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { sleep } from "../../runtime/index.ts";
import type { PairClaimOwner, RunStore } from "../store/index.ts";
import { startPairClaims } from "./pair-claims.ts";

/** A store that records the claim calls it gets; `failing` makes them reject. */
function claimStore(failing = false) {
  const renewed: PairClaimOwner[] = [];
  const released: (string | undefined)[] = [];
  const claimed: string[] = [];
  const fail = () => (failing ? Promise.reject(new Error("server gone")) : Promise.resolve());
  const store = {
    claimPair: async (problemId: string, strategy: string, claim: PairClaimOwner) => {
      claimed.push(`${problemId}/${strategy}/${claim.leaseMilliseconds}`);
      return "claimed" as const;
    },
    renewClaims: async (claim: PairClaimOwner) => {
      renewed.push(claim);
      await fail();
    },
    releaseClaims: async (owner?: string) => {
      released.push(owner);
      await fail();
    },
  } as unknown as RunStore;
  return { store, renewed, released, claimed };
}

describe("startPairClaims", () => {
  it("claims under one owner of this host and process, renews every third of the lease, and stops on release", async () => {
    const { store, renewed, released, claimed } = claimStore();
    const claims = startPairClaims(store, 300);
    expect(claims.owner.startsWith(`${hostname()}:${process.pid}:`)).toBe(true);
    const another = startPairClaims(claimStore().store, 300);
    expect(another.owner).not.toBe(claims.owner);
    await another.release();
    expect(claims.pollMilliseconds).toBe(75);
    expect(await claims.claim("p1", "sc@4")).toBe("claimed");
    expect(claimed).toEqual(["p1/sc@4/300"]);
    await sleep(350);
    expect(renewed.length).toBeGreaterThanOrEqual(2);
    expect(renewed.every((claim) => claim.owner === claims.owner && claim.leaseMilliseconds === 300)).toBe(
      true,
    );
    await claims.release();
    await claims.release();
    expect(released).toEqual([claims.owner]);
    const after = renewed.length;
    await sleep(250);
    expect(renewed.length).toBe(after);
  });

  it("polls at most once a second, and survives a store that fails to renew or release", async () => {
    const { store, renewed, released } = claimStore(true);
    const claims = startPairClaims(store, 150);
    const slow = startPairClaims(claimStore().store, 30_000);
    expect(slow.pollMilliseconds).toBe(1000);
    await slow.release();
    await sleep(200);
    expect(renewed.length).toBeGreaterThanOrEqual(2);
    await expect(claims.release()).resolves.toBeUndefined();
    expect(released).toHaveLength(1);
  });
});
