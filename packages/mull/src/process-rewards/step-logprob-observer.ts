import type { Problem } from "../spec/index.ts";

/**
 * A process reward model that can take a step's log-probability from the generation that wrote it, so
 * that scoring the step later costs no model call. Search strategies that find this on their PRM ask
 * the backend for log-probabilities and report each step they generate.
 */
export interface StepLogprobObserver {
  /** Records the mean token log-probability of the last of `steps`, as generated for `problem`. */
  observeStepLogprob(problem: Problem, steps: readonly string[], meanLogprob: number): void;
}

/** Whether a reward model takes step log-probabilities from generation (see `StepLogprobObserver`). */
export function isStepLogprobObserver(model: object): model is StepLogprobObserver {
  return typeof (model as Partial<StepLogprobObserver>).observeStepLogprob === "function";
}
