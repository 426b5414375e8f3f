import { labProcessReward } from "../lab/index.ts";
import { processRewardFlagForms, processRewardFromFlag } from "../process-rewards/index.ts";
import type { Backend, ProcessRewardModel, PromptTemplate } from "../spec/index.ts";

/** Help text of `--prm`, shared by `mull solve` and `mull bench`. */
export const processRewardOptionHelp =
  `process reward model for step-level searches (pf@N, beam@NxM, astar@K, …): ${processRewardFlagForms.join(" | ")}; ` +
  "noisy:FP,FN is the exact lab checker with false-positive/negative rates, self the policy's own step " +
  "log-probability, judge the same model asked per step, URL a vLLM /pooling PRM (default exact on lab problems)";

/** What `processRewardFromOption` needs besides the flag. */
export interface ProcessRewardOptionContext {
  /** Whether the problems are lab arithmetic chains (the only ones `exact` and `noisy` can check). */
  readonly labProblems: boolean;
  /**
   * The process reward model when the flag is absent (the model profile's); default the exact step
   * checker on lab problems, else none.
   */
  readonly fallback?: ProcessRewardModel | undefined;
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
 * The process reward model of `--prm`: when the flag is absent, the fallback given, else on lab problems
 * the exact step checker; elsewhere none unless named (a search then says it needs one).
 *
 * @throws ConfigError (field `--prm`) when `exact` or `noisy` is asked for problems that are not lab problems.
 */
export function processRewardFromOption(
  flag: string | undefined,
  context: ProcessRewardOptionContext,
): ProcessRewardModel | undefined {
  if (flag === undefined) return context.fallback ?? (context.labProblems ? labProcessReward() : undefined);
  return processRewardFromFlag(flag, {
    backend: context.backend,
    seed: context.seed,
    labProblems: context.labProblems,
    ...(context.promptTemplate === undefined ? {} : { promptTemplate: context.promptTemplate }),
    ...(context.model === undefined ? {} : { model: context.model }),
    ...(context.apiKeyEnv === undefined ? {} : { apiKeyEnv: context.apiKeyEnv }),
  });
}
