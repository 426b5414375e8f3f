import type { Prompt } from "./generation.ts";

/** A question to solve. */
export interface Problem {
  /** Stable id within its dataset. */
  readonly id?: string | undefined;
  /** The question as a person would read it. */
  readonly question: string;
  /** A ready prompt; when absent the run's prompt template renders `question`. */
  readonly prompt?: Prompt | undefined;
  /** Gold answer, when known (benchmarks); strategies never read it. */
  readonly gold?: string | undefined;
  /** Dataset-specific fields (difficulty, subject, ...). */
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
}

/** Turns a problem into the prompt a backend receives. */
export type PromptTemplate = (problem: Problem) => Prompt;
