import type { AnswerFormat } from "./answer.ts";
import type { Candidate } from "./candidate.ts";
import type { Rng } from "./randomness.ts";
import type { Tracer } from "./trace.ts";

/** What a selector needs from a run; a `StrategyContext` provides it. */
export interface SelectionContext {
  /** How answers are grouped into votes: candidates whose answers have the same `key` vote together. */
  readonly answerFormat: AnswerFormat;
  /** Where the `vote` event is recorded. */
  readonly tracer: Tracer;
  /** For random tie-breaks. */
  readonly rng: Rng;
  /** Trace node the vote event hangs under. */
  readonly parentId?: string | undefined;
}

/** The outcome of a vote or a selection among complete candidates. */
export interface VoteResult {
  /** The chosen answer (as written by `best`), or `undefined` when no candidate had one. */
  readonly answer: string | undefined;
  /** The chosen answer's key (`answerFormat.key`). */
  readonly key: string | undefined;
  /** The candidate the answer comes from: the best-scored member of the winning group (first on ties). */
  readonly best: Candidate | undefined;
  /** Votes (or weight) per answer key. */
  readonly tally: Readonly<Record<string, number>>;
  /** Id of the `vote` trace event recorded. */
  readonly eventId: string;
}

/** Picks an answer from complete candidates and records a `vote` trace event. */
export type Selector = (candidates: readonly Candidate[], context: SelectionContext) => VoteResult;
