import type { Backend, CallOptions, GenerationRequest, Problem, ProcessRewardModel } from "../spec/index.ts";

/**
 * How a process reward model asks a model about each step (an LLM judge per step): one call per step not
 * judged before, whose reply gives the step's reward. A run's scoring makes these calls itself
 * (`scorePartialSolutions`), so that each is sized and charged like a generation, within the budget.
 */
export interface StepJudge {
  /** The model that judges. */
  readonly backend: Backend;
  /** Calls in flight at once. */
  readonly concurrency: number;
  /**
   * The request (`n` 1) about step `index` of `steps` (those before it are its context); a run lowers its
   * `maxTokens` to what the budget leaves.
   */
  request(
    problem: Problem,
    steps: readonly string[],
    index: number,
    options?: CallOptions,
  ): Promise<GenerationRequest>;
  /** The reward in [0, 1] a whole reply earns; a reply without a verdict earns 0. */
  reward(reply: string): number;
  /** The reward remembered for the last of `steps`, judged before for `problem`. */
  known(problem: Problem, steps: readonly string[]): number | undefined;
  /** Remembers the reward of the last of `steps` for `problem`, so that it is not judged again. */
  remember(problem: Problem, steps: readonly string[], reward: number): void;
}

/** A process reward model whose step rewards come from a model's calls a run can make itself. */
export interface StepJudgeModel extends ProcessRewardModel {
  /** The calls behind `score`; `score` is used outside a run. */
  readonly stepJudge: StepJudge;
}

/** Whether a process reward model judges steps with model calls a run can make itself (`StepJudge`). */
export function isStepJudge(model: ProcessRewardModel): model is StepJudgeModel {
  const judge = (model as Partial<StepJudgeModel>).stepJudge;
  return typeof judge === "object" && judge !== null && typeof judge.request === "function";
}
