import { z } from "zod";
import { roundShortfall } from "../budget/index.ts";
import { BudgetExhaustedError, ConfigError } from "../errors/index.ts";
import { checkInteger, checkNumber, checkOneOf, expecting } from "../runtime/index.ts";
import type {
  AnswerFormat,
  Candidate,
  StopReason,
  Strategy,
  StrategyOutcome,
  StrategyResult,
} from "../spec/index.ts";
import { checkFactoryOptions } from "../strategies/factory-options.ts";
import { checkedByFactory, namedBackendsOption, strategyOption } from "../strategies/option-schemas.ts";
import { runStrategy } from "../strategies/run-strategy.ts";
import { selfConsistency } from "../strategies/self-consistency.ts";
import type { NamedBackend, StrategyEntry } from "../strategies/strategy-entry.ts";
import { worstCaseTokens } from "../strategies/worst-case-tokens.ts";
import { answerAgreement } from "./answer-agreement.ts";
import { refuseRepeatedModels } from "./refuse-repeated-models.ts";
import { refuseLargestFirst } from "./route-order.ts";

/** The agreement below which a cascade escalates, unless told otherwise (measured on the lab: see README). */
export const defaultCascadeThreshold = 0.75;

/** What lets a cascade stage's answer stand (see `CascadeOptions.settle`). */
export type CascadeSettle = "agreement" | "stopped";

/** Options of `cascade`. */
export interface CascadeOptions {
  /** The models, cheapest first (`[small, large]`, or a longer chain); two or more. */
  readonly models: readonly NamedBackend[];
  /** Samples of the first model's self-consistency (`sc@K`). */
  readonly small: number;
  /** Samples of each later model's self-consistency (`sc@M`); default `small`. */
  readonly large?: number | undefined;
  /**
   * Escalate when the leader's share of a model's answered samples is below this (0 to 1); default
   * `defaultCascadeThreshold` (0.75).
   */
  readonly threshold?: number | undefined;
  /**
   * What lets a model's answer stand: `agreement` (default), its leader holding at least `threshold` of
   * its answered samples; `stopped`, its strategy having stopped early on one of its own conditions (stop
   * reason `condition:…`), as an adaptive strategy does once its answer is settled (`mass@N` on a
   * certificate, `asc@N` on its posterior); one that drew every sample it may is escalated.
   */
  readonly settle?: CascadeSettle | undefined;
  /**
   * One strategy per model, replacing `sc@K` on the first and `sc@M` on the others (e.g. `bon@4` on the
   * large model); the agreement is read from each one's candidates all the same.
   */
  readonly strategies?: readonly Strategy[] | undefined;
}

const cascadeOptions = z.strictObject({
  models: namedBackendsOption,
  small: checkedByFactory,
  large: checkedByFactory,
  threshold: checkedByFactory,
  settle: checkedByFactory,
  strategies: z
    .array(strategyOption, { error: expecting("an array of strategies, one per model") })
    .optional(),
} satisfies Record<keyof CascadeOptions, unknown>);

function cascadeName(small: number, large: number, threshold: number): string {
  const sizes = large === small ? `${small}` : `${small}x${large}`;
  return threshold === defaultCascadeThreshold ? `cascade@${sizes}` : `cascade@${sizes}t${threshold}`;
}

function checkModels(options: CascadeOptions): readonly NamedBackend[] {
  const { models } = options;
  if (!Array.isArray(models) || models.length < 2) {
    throw new ConfigError(
      `cascade: models must be two or more named backends, cheapest first, got ${Array.isArray(models) ? models.length : JSON.stringify(models)}`,
      { field: "models" },
    );
  }
  if (options.strategies !== undefined && options.strategies.length !== models.length) {
    throw new ConfigError(
      `cascade: strategies must be one per model (${models.length}), got ${options.strategies.length}`,
      { field: "strategies" },
    );
  }
  refuseRepeatedModels("cascade", models);
  refuseLargestFirst("cascade", models);
  return models;
}

/** The answering model's decision over the candidates of every model run. */
function outcome(
  answering: StrategyResult,
  candidates: readonly Candidate[],
  stoppedBy: StopReason,
): StrategyOutcome {
  const { answer, best, votes } = answering;
  return { answer, best, candidates, votes, stoppedBy };
}

/** Whether a stage escalates, and the trace note that says why. */
function verdict(
  result: StrategyResult,
  stage: {
    readonly settle: CascadeSettle;
    readonly threshold: number;
    readonly model: string;
    readonly next: string | undefined;
    readonly format: AnswerFormat;
  },
): { escalate: boolean; message: string } {
  const { model, next, threshold } = stage;
  if (stage.settle === "stopped") {
    const escalate = !result.stoppedBy.startsWith("condition:");
    return {
      escalate,
      message: escalate
        ? `cascade: ${model} stopped without settling (${result.stoppedBy}): escalating to ${next}`
        : `cascade: ${model} settled (${result.stoppedBy}): answering with ${model}`,
    };
  }
  const { agreement, leaderVotes, answered } = answerAgreement(result.candidates, stage.format);
  const escalate = agreement < threshold;
  const share = `${agreement.toFixed(2)} (${leaderVotes}/${answered})`;
  return {
    escalate,
    message: escalate
      ? `cascade: ${model} agreement ${share} < ${threshold}: escalating to ${next}`
      : `cascade: ${model} agreement ${share} ≥ ${threshold}: answering with ${model}`,
  };
}

/**
 * A model cascade (FrugalGPT, Chen et al. 2023; self-consistency as the deferral signal, as in Yue et al.
 * 2024): the cheapest model runs self-consistency over `small` samples; when its leader holds at least
 * `threshold` of the answered samples, its answer stands; otherwise the next model runs self-consistency
 * over `large` samples, and so on along the chain. The last model run answers alone: a pool the cascade
 * escalated from was split by definition, so its votes are left out rather than mixed in. Each inner run
 * is a nested run (`runStrategy`) with the model's backend, so the trace and `usageByModel` say which
 * model wrote what; a `note` after each model but the last gives its agreement and whether the cascade
 * escalated. Every candidate of every model is kept. When the budget runs out before a later model can
 * answer (it cannot afford the next model's first generation call, `roundShortfall`), the last answer
 * found stands (the run is `partial`).
 *
 * @throws ConfigError for an unknown option or one of the wrong kind, fewer than two models, one model
 * twice (by name or backend, `refuseRepeatedModels`), models whose
 * known sizes are not smallest first (`refuseLargestFirst`), a sample count below 1, a threshold outside 0 to 1, an unknown `settle`, or `strategies` not one per model.
 * @example
 * const strategy = cascade({ models: [{ name: "lab-small", backend: small }, { name: "lab-large", backend: large }], small: 8, threshold: 0.75 });
 * const result = await solve({ problem, strategy, backend: small });
 * usageByModel(result.trace); // tokens by model
 */
export function cascade(options: CascadeOptions): Strategy {
  checkFactoryOptions(cascadeOptions, options, "cascade");
  const models = checkModels(options);
  const small = checkInteger("cascade", "small", options.small, { minimum: 1 });
  const large = checkInteger("cascade", "large", options.large ?? small, { minimum: 1 });
  const threshold = checkNumber("cascade", "threshold", options.threshold ?? defaultCascadeThreshold, {
    minimum: 0,
    maximum: 1,
  });
  const settle = checkOneOf("cascade", "settle", options.settle ?? "agreement", ["agreement", "stopped"]);
  const strategies =
    options.strategies ?? models.map((_, index) => selfConsistency({ n: index === 0 ? small : large }));
  const name =
    options.strategies === undefined
      ? cascadeName(small, large, threshold)
      : `cascade${settle === "stopped" ? "-settled" : ""}(${strategies.map((strategy) => strategy.name).join(">")})`;
  return {
    name,
    parameters: {
      models: models.map((model) => model.name),
      strategies: strategies.map((strategy) => strategy.name),
      threshold,
      settle,
    },
    samples: Math.max(...strategies.map((strategy) => strategy.samples)),
    // The models run one after another, each escalation a whole run more: the worst case is every one of them.
    worstCaseTokens: (request) =>
      strategies.reduce((sum, strategy) => sum + worstCaseTokens(strategy, request), 0),
    async run(problem, context) {
      const candidates: Candidate[] = [];
      let answered: StrategyResult | undefined;
      for (const [index, model] of models.entries()) {
        const strategy = strategies[index];
        if (strategy === undefined) break;
        let result: StrategyResult;
        try {
          result = await runStrategy(strategy, problem, { ...context, backend: model.backend });
        } catch (error) {
          // A later model that could not start: the earlier answer stands.
          if (answered === undefined || !BudgetExhaustedError.isInstance(error)) throw error;
          return outcome(answered, candidates, error.reason);
        }
        candidates.push(...result.candidates);
        answered = result;
        const last = index === models.length - 1;
        if (last || result.partial) break;
        const { escalate, message } = verdict(result, {
          settle,
          threshold,
          model: model.name,
          next: models[index + 1]?.name,
          format: context.answerFormat,
        });
        context.tracer.record({ type: "note", parentId: context.parentId, message });
        if (!escalate) break;
        // The next model's run starts with a generation call: only a limit on that stops the escalation
        // (not the scorer-call limit, which a model's self-consistency never meets).
        const shortfall = roundShortfall(context.budget, { scored: false });
        if (shortfall !== undefined) return outcome(result, candidates, shortfall);
      }
      if (answered === undefined) throw new BudgetExhaustedError("calls");
      return outcome(answered, candidates, answered.stoppedBy);
    },
  };
}

/** `cascade@N`, `cascade@NxM`, `cascade@NtT`, `cascade@NxMtT` in the strategy catalog. */
export const cascadeEntry: StrategyEntry = {
  forms: ["cascade@N", "cascade@NxM", "cascade@NtT", "cascade@NxMtT"],
  decimals: ["T"],
  ceilings: { T: 1 },
  kind: "routing",
  summary:
    "model cascade: sc@N on the first model of the route; below T agreement (default 0.75) the next model runs sc@M (default N) and answers",
  needs: ["models"],
  replay: "recorded",
  create: ({ N, M, T }, { models }) => cascade({ models, small: N!, large: M, threshold: T }),
};
