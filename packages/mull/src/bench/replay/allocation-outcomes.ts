import { ConfigError } from "../../errors/index.ts";
import { type ExtraSamplesPlan, massGap, planByMass, planExtraSamples } from "../../routing/index.ts";
import { sumKnown } from "../metrics/index.ts";
import { chooseSample } from "./choose-sample.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { drawnCount, openedDraw } from "./opened-draw.ts";
import { averageOutcomes, type ProblemOutcome } from "./problem-outcome.ts";
import type { RewardScale } from "./replay-dataset.ts";
import { replayProgress } from "./replay-progress.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";
import { sampleAgreement } from "./sample-agreement.ts";

/** An allocation replay strategy: `alloc@S[pP][cC][:PROBE>MODEL]` or `alloc-mass@S[pP][cC][g]`. */
export type AllocationReplayStrategy = ReplayStrategy & {
  readonly kind: "alloc" | "alloc-mass";
  readonly allocation: NonNullable<ReplayStrategy["allocation"]>;
};

/** Draws of sample orders: `orders[s][p]` lists problem p's sample indices in the order draw s takes them. */
type Orders = readonly (readonly (readonly number[])[])[];

/** What `allocationOutcomes` reads besides the problems and the strategy. */
export interface AllocationOutcomesOptions {
  /** The draws; without them, one draw of every problem's samples in recorded order. */
  readonly orders?: Orders | undefined;
  /** With a route: the larger model's graded problems, in the order of the problems. */
  readonly escalation?: readonly GradedProblem[] | undefined;
  /** With a route: the draws of the larger model's samples, one per draw of `orders`. */
  readonly escalationOrders?: Orders | undefined;
  /** With a greedy probe (`g`): each problem's greedy trace, in the order of the problems. */
  readonly openings?: readonly GradedSample[] | undefined;
  readonly rewardScale: RewardScale;
}

/** Refuses a problem with fewer recorded samples than its probe draws, naming the problem. */
function checkProbes(problems: readonly GradedProblem[], strategy: AllocationReplayStrategy): void {
  const needed = drawnCount(strategy, strategy.allocation.probe);
  const short = problems.find((problem) => problem.samples.length < needed);
  if (short === undefined) return;
  const opening = strategy.greedyFirst === true ? " after its greedy trace" : "";
  throw new ConfigError(
    `--strategies: ${strategy.name} probes every problem with ${needed} recorded samples${opening}, but problem ${JSON.stringify(short.id)} (${short.location}) has ${short.samples.length}`,
    { field: "--strategies" },
  );
}

/** The batch's plan from each problem's probe, by the functions `allocateCompute` plans with. */
function planOf(
  strategy: AllocationReplayStrategy,
  probes: readonly (readonly GradedSample[])[],
): ExtraSamplesPlan {
  const { allocation } = strategy;
  const count = probes.length;
  const left = (allocation.samplesPerProblem - allocation.probe) * count;
  // `allocateCompute`'s default cap: four times the even share, which is S.
  const cap = (allocation.maxSamples ?? 4 * allocation.samplesPerProblem) - allocation.probe;
  return allocation.signal === "mass"
    ? planByMass(
        probes.map((probe) => massGap(replayProgress(probe))),
        left,
        cap,
      )
    : planExtraSamples(probes.map(sampleAgreement), allocation.probe, left, cap);
}

/** Every problem's outcome on one draw: its probe, the plan over the batch, its extra samples and vote. */
function allocationDraw(
  problems: readonly GradedProblem[],
  strategy: AllocationReplayStrategy,
  options: AllocationOutcomesOptions,
  draw: number | undefined,
): ProblemOutcome[] {
  const { allocation } = strategy;
  const routed = allocation.route !== undefined;
  // Each problem's samples in this draw's order, its greedy trace first with a greedy probe.
  const sequences = problems.map((problem, index) => {
    const opening = strategy.greedyFirst === true ? options.openings?.[index] : undefined;
    const order = draw === undefined ? undefined : options.orders?.[draw]?.[index];
    return openedDraw(problem, order, problem.samples.length + (opening === undefined ? 0 : 1), opening);
  });
  const probes = sequences.map((sequence) => sequence.slice(0, allocation.probe));
  const plan = planOf(strategy, probes);
  const selecting = {
    name: strategy.name,
    kind: allocation.signal === "mass" ? ("mass" as const) : ("maj" as const),
    k: strategy.k,
  };
  return problems.map((problem, index): ProblemOutcome => {
    const planned = plan.extra[index] ?? 0;
    const probe = probes[index]!;
    const larger = routed ? options.escalation?.[index] : undefined;
    if (routed && larger === undefined) {
      throw new ConfigError(
        `--strategies: ${strategy.name} draws its extra samples from the larger model, but it has no samples of problem ${JSON.stringify(problem.id)}`,
        { field: "escalation" },
      );
    }
    const source =
      larger === undefined
        ? sequences[index]!.slice(allocation.probe)
        : openedDraw(
            larger,
            draw === undefined ? undefined : options.escalationOrders?.[draw]?.[index],
            larger.samples.length,
            undefined,
          );
    // The plan may give more than was recorded: the problem gets what exists, the rest stays unspent.
    const extra = source.slice(0, planned);
    const used = [...probe, ...extra];
    // With a route, the extra samples answer alone when there are any, as `allocateCompute` with a probe model.
    const voters = larger !== undefined && extra.length > 0 ? extra : used;
    const chosen = chooseSample(
      larger !== undefined && extra.length > 0 ? larger : problem,
      voters,
      selecting,
      options.rewardScale,
    );
    const sample = chosen === undefined ? undefined : voters[chosen];
    return {
      score: sample?.correct ? 1 : 0,
      answer: sample?.answer,
      answered: sample?.answer === undefined ? 0 : 1,
      samples: used.length,
      tokens: sumKnown(used.map((each) => each.completionTokens)),
      characters: sumKnown(used.map((each) => each.characters)),
      unrecorded: planned - extra.length,
      ...(larger === undefined
        ? {}
        : {
            escalated: extra.length > 0 ? 1 : 0,
            escalationTokens: sumKnown(extra.map((each) => each.completionTokens)),
          }),
    };
  });
}

/**
 * How compute-optimal allocation (`allocateCompute`, spec `alloc@…` / `alloc-mass@…`) does on each problem
 * of a replayed batch, the batch being every problem replayed. On each draw (each shuffle or given order;
 * without them, the recorded order) every problem's probe is the first P samples of its order (with `g`,
 * its greedy trace and then P − 1), the plan over the batch is the live one (`planExtraSamples` on the
 * probes' agreement, or `planByMass` on their `massGap`s) for S × problems samples in all, each problem's
 * extra samples are the next ones of its order, and its answer is the majority (by mass for `alloc-mass`)
 * over all its samples. With a route (`alloc@SpP:PROBE>MODEL`) the extra samples are the next ones of the
 * larger model's order (`escalation`) and answer alone, as with `allocateCompute`'s `probeModel`. A
 * problem planned more extra samples than recorded gets those recorded, and the rest stays unspent and
 * is counted in `unrecorded`. Each problem is charged the tokens of exactly the samples it used; outcomes
 * are averaged over the draws.
 *
 * @throws ConfigError when a problem has fewer recorded samples than the probe draws, or (routed) the
 *   larger model has none of a problem, or `alloc-mass` meets a sample without a logprob.
 * @example
 * const outcomes = allocationOutcomes(graded, parseReplayStrategy("alloc@4") as AllocationReplayStrategy, { rewardScale: "probability" });
 */
export function allocationOutcomes(
  problems: readonly GradedProblem[],
  strategy: AllocationReplayStrategy,
  options: AllocationOutcomesOptions,
): ProblemOutcome[] {
  checkProbes(problems, strategy);
  if (options.orders === undefined) return allocationDraw(problems, strategy, options, undefined);
  const draws = options.orders.map((_, draw) => allocationDraw(problems, strategy, options, draw));
  return problems.map((_, index) => averageOutcomes(draws.map((outcomes) => outcomes[index]!)));
}
