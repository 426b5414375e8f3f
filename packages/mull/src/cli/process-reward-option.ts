import { labProcessReward } from "../lab/index.ts";
import { processRewardFlagForms, processRewardFromFlag } from "../process-rewards/index.ts";
import type { Backend, ProcessRewardModel, PromptTemplate } from "../spec/index.ts";
import { UsageError } from "./usage-error.ts";

/** Help text of `--prm`, shared by `mull solve` and `mull bench`. */
export const processRewardOptionHelp =
  `process reward model for step-level searches (pf@N, beam@NxM, astar@K, …): ${processRewardFlagForms.join(" | ")}; ` +
  "noisy:FP,FN is the exact lab checker with false-positive/negative rates, self the policy's own step " +
  "log-probability, judge the same model asked per step, URL a vLLM /pooling PRM (default exact on lab problems)";

/** What `processRewardFromOption` needs besides the flag. */
export interface ProcessRewardOptionContext {
  /** Whether the problems are lab arithmetic chains (the only ones `exact` and `noisy` can check). */
  readonly labProblems: boolean;
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
 * The process reward model of `--prm`: on lab problems the exact step checker when the flag is absent;
 * elsewhere none unless named (a search then says it needs one).
 *
 * @throws UsageError when `exact` or `noisy` is asked for problems that are not lab problems.
 */
export function processRewardFromOption(
  flag: string | undefined,
  context: ProcessRewardOptionContext,
): ProcessRewardModel | undefined {
  if (flag === undefined) return context.labProblems ? labProcessReward() : undefined;
  const checksLabSteps = /^(exact|noisy:|calibrated-noisy:)/.test(flag.trim());
  if (checksLabSteps && !context.labProblems) {
    throw new UsageError(
      `--prm ${flag} checks the steps of lab arithmetic problems only; use --prm self, judge or a PRM URL`,
      "--prm",
    );
  }
  return processRewardFromFlag(flag, {
    backend: context.backend,
    seed: context.seed,
    ...(context.promptTemplate === undefined ? {} : { promptTemplate: context.promptTemplate }),
    ...(context.model === undefined ? {} : { model: context.model }),
    ...(context.apiKeyEnv === undefined ? {} : { apiKeyEnv: context.apiKeyEnv }),
  });
}
