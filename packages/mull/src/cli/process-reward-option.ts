import { ConfigError } from "../errors/index.ts";
import { processRewardFlagForms, processRewardFromFlag } from "../process-rewards/index.ts";
import { readApiKey } from "../runtime/index.ts";
import type { Backend, ProcessRewardModel, PromptTemplate } from "../spec/index.ts";

/** Help text of `--prm`, shared by `mull solve` and `mull bench`. */
export const processRewardOptionHelp =
  `process reward model for step-level searches (pf@N, beam@NxM, astar@K, …): ${processRewardFlagForms.join(" | ")}; ` +
  "noisy:FP,FN is the exact lab checker with false-positive/negative rates, self the policy's own step " +
  "log-probability, judge the same model asked per step, URL a vLLM /pooling PRM (default exact on lab problems)";

/** What `processRewardFromOption` needs besides the flag. */
export interface ProcessRewardOptionContext {
  /**
   * The step checker the problems come with (a lab dataset's, or the profile's of a model that answers
   * lab problems only): the process reward model when the flag is absent, the one `exact` names and
   * `noisy:FP,FN` perturbs. `undefined` when the problems come with none: those forms are then refused,
   * and a step-level search must be told a PRM.
   */
  readonly processReward: ProcessRewardModel | undefined;
  readonly backend: Backend;
  /** The run's prompt template, for `self`. */
  readonly promptTemplate?: PromptTemplate | undefined;
  /** Seed of the `noisy` PRM's errors (the run's seed). */
  readonly seed: number;
  /** Model name sent to an HTTP PRM. */
  readonly model?: string | undefined;
  /** Environment variable holding an HTTP PRM's key. */
  readonly apiKeyEnv?: string | undefined;
}

/**
 * The process reward model of `--prm`: when the flag is absent, the step checker the problems come with
 * (none when they come with none: a search then says it needs one); else the model the flag names, with
 * `exact` and `noisy:FP,FN` built on that checker.
 *
 * @throws ConfigError (field `--prm`) when `exact` or `noisy` is asked for problems that come with no step
 * checker, or for a flag `processRewardFromFlag` refuses; (field `--prm-api-key-env`) when the HTTP PRM's
 * key variable is unset.
 * @example
 * const prm = processRewardFromOption(flags.prm, { processReward: dataset.processReward, backend, seed: 0 });
 */
export function processRewardFromOption(
  flag: string | undefined,
  context: ProcessRewardOptionContext,
): ProcessRewardModel | undefined {
  if (flag === undefined) return context.processReward;
  try {
    return processRewardFromFlag(flag, {
      backend: context.backend,
      seed: context.seed,
      stepChecker: context.processReward ?? null,
      ...(context.promptTemplate === undefined ? {} : { promptTemplate: context.promptTemplate }),
      ...(context.model === undefined ? {} : { model: context.model }),
      ...(context.apiKeyEnv === undefined ? {} : { apiKeyEnv: context.apiKeyEnv }),
    });
  } catch (error) {
    // The HTTP PRM names its own option (`apiKeyEnv`): said again naming the flag that set it.
    if (ConfigError.isInstance(error) && error.field === "apiKeyEnv") {
      readApiKey(context.apiKeyEnv, { field: "--prm-api-key-env" });
    }
    throw error;
  }
}
