import { type ConcurrencyLimit, sleep } from "../../runtime/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import type { PairClaim } from "../store/index.ts";
import type { BenchPlan } from "./bench-plan.ts";
import type { PairClaims } from "./pair-claims.ts";
import { runAllocation } from "./run-allocation.ts";
import { type PairContext, type PairOutcome, pairFailure, runPair } from "./run-pair.ts";
import type { BenchPair } from "./start-bench-run.ts";
import { type AllocationStrategy, type BenchStrategy, isPairStrategy } from "./strategy-sweep.ts";

/** What `runPendingPairs` runs the pairs with, and whom it tells. */
export interface PendingPairsRun {
  readonly plan: BenchPlan;
  readonly context: PairContext;
  /** This process's claims: a pair runs only once claimed. */
  readonly claims: PairClaims;
  /** Shared by every pair, so that at most `plan.concurrency` run at once. */
  readonly limit: ConcurrencyLimit;
  /** Aborted after a failure: the pairs still waiting for a slot are dropped. */
  readonly dropWaiting: AbortSignal;
  /** Whether to start nothing more: a pair failed, or the run was stopped. */
  readonly stopped: () => boolean;
  /** Told of each pair this process ran (or failed to claim). */
  readonly settle: (problem: BenchProblem, strategy: BenchStrategy, outcome: PairOutcome) => void;
  /** Told of each pair found recorded by another process since the run started. */
  readonly recordedElsewhere: (problem: BenchProblem, strategy: BenchStrategy) => void;
}

/** The pairs of allocation entries, by entry, in the order of the pairs. */
function allocationBatches(pairs: readonly BenchPair[]): Map<AllocationStrategy, BenchProblem[]> {
  const batches = new Map<AllocationStrategy, BenchProblem[]>();
  for (const { problem, strategy } of pairs) {
    if (strategy.allocation === undefined) continue;
    const batch = batches.get(strategy) ?? [];
    batch.push(problem);
    batches.set(strategy, batch);
  }
  return batches;
}

/**
 * One pass over `pairs`: each is claimed right before it would run, and runs only when this process got
 * the claim; allocation entries after the pairs, each as one batch of the problems it claimed. Resolves
 * to the pairs another process holds, in their order, to ask about again.
 */
async function runRound(pairs: readonly BenchPair[], run: PendingPairsRun): Promise<BenchPair[]> {
  const taken = new Set<BenchPair>();
  const claim = async (pair: BenchPair): Promise<PairClaim | undefined> => {
    const { problem, strategy } = pair;
    let found: PairClaim;
    try {
      found = await run.claims.claim(problem.id, strategy.name);
    } catch (error) {
      run.settle(problem, strategy, pairFailure(problem, strategy, error, run.context));
      return undefined;
    }
    if (found === "recorded") run.recordedElsewhere(problem, strategy);
    if (found === "taken") taken.add(pair);
    return found;
  };
  await Promise.all(
    pairs.flatMap((pair) => {
      const { problem, strategy } = pair;
      if (!isPairStrategy(strategy)) return [];
      const task = async () => {
        if (run.stopped() || (await claim(pair)) !== "claimed") return;
        run.settle(problem, strategy, await runPair(problem, strategy, run.context));
      };
      return [
        run.limit.run(task, run.dropWaiting).catch((error: unknown) => {
          if (error !== run.dropWaiting.reason) throw error;
        }),
      ];
    }),
  );
  for (const [strategy, problems] of allocationBatches(pairs)) {
    const claimed = new Set<string>();
    for (const problem of problems) {
      if (run.stopped()) break;
      if ((await claim({ problem, strategy })) === "claimed") claimed.add(problem.id);
    }
    if (run.stopped()) break;
    if (claimed.size === 0) continue;
    const { plan, context } = run;
    const outcomes = await runAllocation(strategy, plan.problems, claimed, context, plan.concurrency);
    for (const { problem, outcome } of outcomes) run.settle(problem, strategy, outcome);
  }
  return pairs.filter((pair) => taken.has(pair));
}

/**
 * Runs the pairs a bench call found without a result, skipping those that other processes writing the
 * same run recorded or hold since: each pair is claimed in the store right before it runs
 * (`RunStore.claimPair`), so processes walking the pairs in the same order split them rather than solve
 * each one twice. Pairs held elsewhere are asked about again every `claims.pollMilliseconds` once the
 * rest is done, until they are recorded or their holder's lease runs out (a process that died), when
 * this process takes them over. Returns when every pair was run here or recorded elsewhere, or once
 * `stopped()` (a failure, or the context's signal: the wait between passes ends at once).
 *
 * @example
 * await runPendingPairs(pending, { plan, context, claims, limit, dropWaiting, stopped, settle, recordedElsewhere });
 */
export async function runPendingPairs(pending: readonly BenchPair[], run: PendingPairsRun): Promise<void> {
  let waiting = await runRound(pending, run);
  while (waiting.length > 0 && !run.stopped()) {
    try {
      await sleep(run.claims.pollMilliseconds, run.context.signal);
    } catch {
      return;
    }
    waiting = await runRound(waiting, run);
  }
}
