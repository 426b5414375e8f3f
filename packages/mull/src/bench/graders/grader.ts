import type { AnswerFormat } from "../../spec/index.ts";

/**
 * Decides whether an answer is correct against a gold answer. Graders are thin wrappers over answer
 * formats, so that grading and voting agree on what "the same answer" means.
 */
export interface Grader {
  /** Name, e.g. `numeric`, `math`. */
  readonly name: string;
  /** The answer format used to extract answers from solution texts and to compare them. */
  readonly format: AnswerFormat;
  /** True when `answer` is equivalent to `gold`; an absent answer is never correct. */
  grade(answer: string | undefined, gold: string): boolean;
}
