import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { PairClaim, RunStore } from "../store/index.ts";

/** How long a pair a bench process claimed stays its own without renewal, by default. */
export const defaultClaimLeaseMilliseconds = 30_000;

/** A bench process's claims on the pairs of its run (`RunStore.claimPair`), renewed while it holds them. */
export interface PairClaims {
  /** The claims' token in the store: by default the process's host, pid and a random part. */
  readonly owner: string;
  /** How long to wait before asking again about pairs that other processes hold. */
  readonly pollMilliseconds: number;
  /** Claims a pair before it runs: `claimed` (run it), `recorded` or `taken` (leave it). */
  claim(problemId: string, strategy: string): Promise<PairClaim>;
  /**
   * Stops renewing and drops this process's claims, so that the pairs it left (interrupted, failed) are
   * free at once; safe to call twice. A failure to drop them is ignored: they run out after their lease.
   */
  release(): Promise<void>;
}

/**
 * Starts claiming pairs of a run in `store` for this process, with a lease of `leaseMilliseconds` that a
 * timer renews every third of it. A process that dies stops renewing, so the pairs it held are free to
 * the others once its lease runs out. A renewal that fails (the server out of reach for a moment) is
 * tried again on the next tick: a claim that runs out meanwhile at worst lets another process run the
 * pair too, and the store records it once. `owner` names the claimant in the store: by default this
 * process (host, pid and a random part); a queued job claims as itself (`jobClaimOwner`).
 *
 * @example
 * const claims = startPairClaims(store, 30_000);
 * try {
 *   if ((await claims.claim(problem.id, strategy.name)) === "claimed") await runPair(problem, strategy, context);
 * } finally {
 *   await claims.release();
 * }
 */
export function startPairClaims(
  store: RunStore,
  leaseMilliseconds: number,
  owner = `${hostname()}:${process.pid}:${randomBytes(6).toString("hex")}`,
): PairClaims {
  const lease = { owner, leaseMilliseconds };
  let renewing: Promise<void> | undefined;
  const timer = setInterval(
    () => {
      renewing ??= store
        .renewClaims(lease)
        .catch(() => undefined)
        .finally(() => {
          renewing = undefined;
        });
    },
    Math.max(1, Math.floor(leaseMilliseconds / 3)),
  );
  timer.unref();
  let released: Promise<void> | undefined;
  return {
    owner,
    pollMilliseconds: Math.min(1000, Math.max(1, Math.floor(leaseMilliseconds / 4))),
    claim: (problemId, strategy) => store.claimPair(problemId, strategy, lease),
    release() {
      released ??= (async () => {
        clearInterval(timer);
        await renewing;
        await store.releaseClaims(owner).catch(() => undefined);
      })();
      return released;
    },
  };
}
