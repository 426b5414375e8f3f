import { z } from "zod";
import { addUsage, emptyUsage } from "../budget/index.ts";
import { BudgetExhaustedError, ConfigError } from "../errors/index.ts";
import { checkInteger, checkOneOf, mapInParallel } from "../runtime/index.ts";
import { majorityVote } from "../selection/index.ts";
import type {
  Candidate,
  Problem,
  SamplingStrategy,
  StopReason,
  StrategyContext,
  StrategyResult,
  Usage,
} from "../spec/index.ts";
import { checkFactoryOptions } from "../strategies/factory-options.ts";
import { greedyTrace, massVote } from "../strategies/mass-consistency.ts";
import {
  checkedByFactory,
  flagOption,
  functionOption,
  namedBackendOption,
} from "../strategies/option-schemas.ts";
import { runProgress } from "../strategies/run-helpers.ts";
import { runStrategy } from "../strategies/run-strategy.ts";
import { selfConsistency } from "../strategies/self-consistency.ts";
import type { NamedBackend } from "../strategies/strategy-entry.ts";
import { weightedVoting } from "../strategies/weighted-voting.ts";
import { type AnswerAgreement, answerAgreement } from "./answer-agreement.ts";
import { massGap, planByMass } from "./plan-by-mass.ts";
import { planExtraSamples } from "./plan-extra-samples.ts";

/** How `allocateCompute` spends a batch's samples. */
export type ComputeAllocation = "uniform" | "adaptive";

/** What a probe reads of a problem's difficulty, and how its answer is chosen. */
export type DifficultySignal = "agreement" | "mass";

/** Options of `allocateCompute`. */
export interface AllocateComputeOptions<P extends Problem = Problem> {
  /** Samples over the whole batch, probes included; at least one per problem. */
  readonly totalSamples: number;
  /**
   * `adaptive` (default): probe every problem, then spend the rest where the probes disagree; `uniform`:
   * the same self-consistency for every problem (the total split as evenly as possible), the baseline.
   */
  readonly allocation?: ComputeAllocation | undefined;
  /** Samples of each problem's probe (adaptive); default 4. They vote in the final answer too. */
  readonly probe?: number | undefined;
  /**
   * `agreement` (default): a probe's difficulty is how much its samples disagree, and answers are majority
   * votes. `mass` (needs log-probabilities): every sample is drawn with its log-probability, a probe's
   * difficulty is how far its leading answer is from a certified lead in probability mass (the runner-up's
   * mass plus the mass no drawn trace covers, less the leader's: none once certified, see
   * `leaderMassCertified`), and answers, under uniform allocation too, are votes by that mass (`massVote`).
   */
  readonly signal?: DifficultySignal | undefined;
  /**
   * With `signal: "mass"`: make each probe's first sample the greedy one (temperature 0), as `mass@Ng` does;
   * default false. A problem whose most probable trace holds more than half the mass is then certified by
   * its probe every time, which leaves more of the total for the others.
   */
  readonly greedyProbe?: boolean | undefined;
  /**
   * The model every probe samples from, when not `context`'s backend (adaptive, `agreement` signal): a
   * cheaper model whose agreement estimates each problem's difficulty, while the extra samples come from
   * `context`'s backend. A problem that gets no extra samples answers with its probe's majority; one that
   * gets some answers with the majority of those alone (a split probe is left out, as a cascade leaves out
   * the model it escalated from). Its usage is counted under `probeModel.name` in `usageByModel`.
   */
  readonly probeModel?: NamedBackend | undefined;
  /** Most samples one problem may get, probe included (adaptive); default four times the even share. */
  readonly maxSamples?: number | undefined;
  /**
   * The context each problem runs in: its backend (the model that samples), a budget, a seeded rng, a
   * tracer, the answer format. Called once per problem; seed it by the problem for a deterministic batch.
   */
  readonly context: (problem: P, index: number) => StrategyContext;
  /** Problems in flight at once; default 1. Results do not depend on it when each context has its own rng. */
  readonly concurrency?: number | undefined;
}

const allocateComputeOptions = z.strictObject({
  totalSamples: checkedByFactory,
  allocation: checkedByFactory,
  probe: checkedByFactory,
  signal: checkedByFactory,
  greedyProbe: flagOption.optional(),
  probeModel: namedBackendOption.optional(),
  maxSamples: checkedByFactory,
  context: functionOption,
  concurrency: checkedByFactory,
} satisfies Record<keyof AllocateComputeOptions, unknown>);

/** What `allocateCompute` did for one problem. */
export interface AllocatedProblem<P extends Problem = Problem> {
  /** The problem, as given. */
  readonly problem: P;
  /**
   * The majority answer over every sample the problem got (with `probeModel`, over the extra samples alone
   * when it got any); `undefined` when none had an answer.
   */
  readonly answer: string | undefined;
  /** Samples drawn for it, probe included. */
  readonly samples: number;
  /** The probe's agreement (adaptive), else `undefined`. */
  readonly probe: AnswerAgreement | undefined;
  /** Its claim on the extra samples (adaptive), else `undefined`. */
  readonly weight: number | undefined;
  /** Every candidate drawn for it, probe included, in order. */
  readonly candidates: readonly Candidate[];
  /** Votes (probability mass under `mass`) per answer key over the samples `answer` was chosen from. */
  readonly votes: Readonly<Record<string, number>> | undefined;
  /** Usage of every run for this problem. */
  readonly usage: Usage;
  /**
   * `usage` by model: the probe's under `probeModel.name` when a probe model is given, the rest under the
   * name `context`'s backend describes itself by (`describe().model`).
   */
  readonly usageByModel: Readonly<Record<string, Usage>>;
  /** Whether a budget, the deadline or an abort cut one of its runs. */
  readonly partial: boolean;
  /** `complete`, or why the first of its runs that was cut stopped (a budget, the deadline, an abort). */
  readonly stoppedBy: StopReason;
}

interface ProblemRun {
  readonly candidates: Candidate[];
  usage: Usage | undefined;
  readonly usageByModel: Record<string, Usage>;
  partial: boolean;
  stoppedBy: StopReason;
}

async function sample(
  run: ProblemRun,
  problem: Problem,
  context: StrategyContext,
  n: number,
  sampler: (n: number) => SamplingStrategy,
  model: NamedBackend | undefined,
) {
  if (n === 0) return;
  let result: Pick<StrategyResult, "candidates" | "usage" | "partial" | "stoppedBy">;
  try {
    result = await runStrategy(
      sampler(n),
      problem,
      model === undefined ? context : { ...context, backend: model.backend },
    );
  } catch (error) {
    // A run cut before any sample finished costs what it spent and gives this problem nothing more; the
    // batch goes on.
    if (!BudgetExhaustedError.isInstance(error)) throw error;
    result = {
      candidates: [],
      usage: error.spent?.usage ?? emptyUsage,
      partial: true,
      stoppedBy: error.reason,
    };
  }
  run.candidates.push(...result.candidates);
  run.usage = run.usage === undefined ? result.usage : addUsage(run.usage, result.usage);
  const name = model?.name ?? context.backend.describe().model;
  const earlier = run.usageByModel[name];
  run.usageByModel[name] = earlier === undefined ? result.usage : addUsage(earlier, result.usage);
  run.partial ||= result.partial;
  if (run.stoppedBy === "complete" && result.partial) run.stoppedBy = result.stoppedBy;
}

/**
 * Compute-optimal allocation over a batch (after Snell et al. 2024, "Scaling LLM test-time compute
 * optimally…"): rather than the same sc@N for every problem, spend a fixed total of samples where it
 * buys most. Each problem first gets a probe of `probe` samples, whose agreement estimates its difficulty;
 * a unanimous probe gets nothing more, a split one gets a share of the rest in proportion to its
 * disagreement, a hopeless one (every answer different) half that, and none more than `maxSamples`
 * (`planExtraSamples`). Each problem's answer is the majority over its probe and its extra samples. With
 * `signal: "mass"` the probes' traces' probabilities say instead how far each problem is from a certified
 * answer; it gets extra samples in proportion to that gap, and answers are votes by probability mass
 * (`greedyProbe` opens each probe with the greedy trace). With `probeModel` the probes come from a cheaper
 * model and only the extra samples from `context`'s backend (usage by model in `usageByModel`). With
 * `allocation: "uniform"` it is the baseline at the same total: sc@⌊total/problems⌋ (the remainder one
 * more each to the first problems). Every run is a `runStrategy` run in the problem's context, so the
 * usage is exact and the trace shows the probe and the extra run. Samples no problem wants stay unspent.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, fewer total samples than problems (uniform) or than the probes need (adaptive),
 * or a bad `probe`, `maxSamples`, `allocation` or `concurrency`, or a `probeModel` without adaptive
 * allocation on the agreement signal.
 * @example
 * const results = await allocateCompute(problems, {
 *   totalSamples: 4 * problems.length,
 *   probe: 2,
 *   context: (problem, index) => makeContext(backend, index),
 * });
 * const accuracy = results.filter((result, index) => result.answer === problems[index]?.gold).length / problems.length;
 */
export async function allocateCompute<P extends Problem>(
  problems: readonly P[],
  options: AllocateComputeOptions<P>,
): Promise<AllocatedProblem<P>[]> {
  checkFactoryOptions(allocateComputeOptions, options, "allocateCompute");
  const count = problems.length;
  const allocation = checkOneOf("allocateCompute", "allocation", options.allocation ?? "adaptive", [
    "uniform",
    "adaptive",
  ] as const);
  const total = checkInteger("allocateCompute", "totalSamples", options.totalSamples, { minimum: count });
  const concurrency = checkInteger("allocateCompute", "concurrency", options.concurrency ?? 1, {
    minimum: 1,
  });
  const signal = checkOneOf("allocateCompute", "signal", options.signal ?? "agreement", [
    "agreement",
    "mass",
  ] as const);
  const greedyProbe = options.greedyProbe ?? false;
  if (greedyProbe && signal !== "mass") {
    throw new ConfigError(
      'allocateCompute: greedyProbe needs signal "mass" (a greedy trace is weighed by its probability, not counted as a vote)',
      {
        field: "greedyProbe",
      },
    );
  }
  const probeModel = options.probeModel;
  if (probeModel !== undefined && (allocation !== "adaptive" || signal !== "agreement")) {
    throw new ConfigError(
      `allocateCompute: probeModel ${JSON.stringify(probeModel.name)} needs adaptive allocation on the agreement signal, got allocation "${allocation}" with signal "${signal}" (uniform allocation has no probe; probability mass cannot be added across two models)`,
      { field: "probeModel" },
    );
  }
  const sampler = (n: number): SamplingStrategy =>
    signal === "mass" ? weightedVoting({ n, weight: "probability" }) : selfConsistency({ n });
  const contexts = problems.map((problem, index) => options.context(problem, index));
  const runs: ProblemRun[] = problems.map(() => ({
    candidates: [],
    usage: undefined,
    usageByModel: {},
    partial: false,
    stoppedBy: "complete",
  }));
  const each = (n: (index: number) => number, by = sampler, model?: NamedBackend) =>
    mapInParallel(problems, concurrency, (problem, index) =>
      sample(runs[index]!, problem, contexts[index]!, n(index), by, model),
    );
  // Candidates each problem's probe drew from the probe model, left out of a vote the main model answers.
  let probed: readonly number[] | undefined;
  let probes: AnswerAgreement[] | undefined;
  let weights: readonly number[] | undefined;
  let planned: readonly number[];
  if (allocation === "uniform") {
    const share = Math.floor(total / Math.max(count, 1));
    planned = problems.map((_, index) => share + (index < total - share * count ? 1 : 0));
    await each((index) => planned[index] ?? 0);
  } else {
    const probe = checkInteger("allocateCompute", "probe", options.probe ?? 4, { minimum: 1 });
    if (probe * count > total) {
      throw new ConfigError(
        `allocateCompute: totalSamples ${total} cannot pay for probes of ${probe} samples on ${count} problems (${probe * count})`,
        { field: "totalSamples" },
      );
    }
    const even = Math.floor(total / Math.max(count, 1));
    const maxSamples = checkInteger("allocateCompute", "maxSamples", options.maxSamples ?? 4 * even, {
      minimum: probe,
    });
    if (greedyProbe) {
      await each(() => 1, greedyTrace);
      await each(() => probe - 1);
    } else {
      await each(() => probe, sampler, probeModel);
    }
    if (probeModel !== undefined) probed = runs.map((run) => run.candidates.length);
    probes = runs.map((run, index) => answerAgreement(run.candidates, contexts[index]!.answerFormat));
    const left = total - probe * count;
    const plan =
      signal === "mass"
        ? planByMass(
            runs.map((run, index) => massGap(runProgress(run.candidates, contexts[index]!))),
            left,
            maxSamples - probe,
          )
        : planExtraSamples(probes, probe, left, maxSamples - probe);
    weights = plan.weights;
    await each((index) => plan.extra[index] ?? 0);
    planned = plan.extra.map((extra) => probe + extra);
  }
  const select = signal === "mass" ? massVote("allocateCompute") : majorityVote();
  return problems.map((problem, index) => {
    const run = runs[index]!;
    const context = contexts[index]!;
    const skip = probed?.[index] ?? 0;
    const voters = skip > 0 && run.candidates.length > skip ? run.candidates.slice(skip) : run.candidates;
    const chosen = select(voters, context);
    return {
      problem,
      answer: chosen.answer,
      samples: planned[index] ?? 0,
      probe: probes?.[index],
      weight: weights?.[index],
      candidates: run.candidates,
      votes: chosen.tally,
      usage: run.usage ?? { promptTokens: 0, completionTokens: 0, calls: 0 },
      usageByModel: run.usageByModel,
      partial: run.partial,
      stoppedBy: run.stoppedBy,
    };
  });
}
