import type { OutcomeScorer, Problem, ProcessRewardModel, PromptTemplate } from "../../spec/index.ts";
import type { GraderName } from "../graders/index.ts";

/** A benchmark problem: a problem with a stable id and a gold answer. */
export interface BenchProblem extends Problem {
  readonly id: string;
  readonly gold: string;
}

/** A loaded benchmark dataset. */
export interface BenchDataset {
  /** Name as given on the command line, e.g. `gsm8k`, `lab:3`, `data/mine.jsonl`. */
  readonly name: string;
  /** Where the problems came from: an absolute file path, or `lab`. */
  readonly source: string;
  /** Problems in dataset order, already cut to the requested limit. */
  readonly problems: readonly BenchProblem[];
  /** The grader this dataset is graded with unless another is asked for. */
  readonly grader: GraderName;
  /** An outcome verifier that knows this dataset (the lab's checker), for verifier-based strategies. */
  readonly scorer?: OutcomeScorer | undefined;
  /**
   * A step checker that knows this dataset (the lab's exact one): the process reward model of step-level
   * searches unless another is asked for, and the checker `--prm exact` and `noisy:FP,FN` stand on.
   */
  readonly processReward?: ProcessRewardModel | undefined;
  /**
   * A prompt template suited to the dataset, when it names one: used unless the run or the model's profile
   * chooses another (built-in datasets: `gsm8k` for GSM8K, `qwen-math` for MATH-500 and AIME).
   */
  readonly promptTemplate?: PromptTemplate | undefined;
  /** The name of `promptTemplate` (a built-in template's), recorded in a bench run's configuration. */
  readonly promptTemplateName?: string | undefined;
}
