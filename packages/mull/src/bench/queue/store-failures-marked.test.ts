import { describe, expect, it } from "vitest";
import type { RunStore } from "../store/index.ts";
import { storeFailuresMarked } from "./store-failures-marked.ts";
import { storeUnreachable } from "./store-unreachable.ts";

describe("storeFailuresMarked", () => {
  it("passes the store's answers through and marks its failures as the store's", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
      code: "ECONNREFUSED",
    });
    const store = {
      location: { kind: "sqlite", directory: "runs/r" },
      label: "runs/r",
      completedPairCount: async () => 3,
      claimPair: async () => {
        throw refused;
      },
    } as unknown as RunStore;
    // The unmarked store's own failure is not told from a backend's.
    const unmarked = await store
      .claimPair("p1", "greedy", { owner: "o", leaseMilliseconds: 1 })
      .catch((error: unknown) => error);
    expect(storeUnreachable(unmarked)).toBeUndefined();
    const marked = storeFailuresMarked(store);
    expect(marked.label).toBe("runs/r");
    expect(marked.location).toEqual({ kind: "sqlite", directory: "runs/r" });
    expect(await marked.completedPairCount()).toBe(3);
    const failure = await marked
      .claimPair("p1", "greedy", { owner: "o", leaseMilliseconds: 1 })
      .catch((error: unknown) => error);
    expect(failure).toBe(refused);
    expect(storeUnreachable(failure)).toBe(refused);
  });
});
