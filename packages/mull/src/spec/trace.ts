import type { StopReason } from "./budget.ts";
import type { FinishReason } from "./generation.ts";
import type { Usage } from "./usage.ts";

/** Fields every trace event has. Events form a tree through `parentId`. */
export interface TraceEventBase {
  /** Unique within the trace. */
  readonly id: string;
  /** The event this one belongs under; `undefined` for the root. */
  readonly parentId: string | undefined;
  /** Milliseconds since the run started, from the run's clock. */
  readonly time: number;
}

/** Start of a strategy run (the root of a trace, or of a nested strategy). */
export interface RunStartEvent extends TraceEventBase {
  readonly type: "run-start";
  readonly strategy: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly question: string;
  readonly seed?: number | undefined;
}

/** A completion returned by a backend. */
export interface GenerationEvent extends TraceEventBase {
  readonly type: "generation";
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly completionTokens: number | undefined;
  /**
   * Log-probability of the completion when known: its tokens' and its end token's, where the backend
   * reported that (`Completion.endLogprob`).
   */
  readonly logprob?: number | undefined;
  /** Mean of its tokens' log-probabilities (the end token's left out), when known. */
  readonly meanLogprob?: number | undefined;
  /** Extracted answer, when this generation is a full solution. */
  readonly answer?: string | undefined;
  readonly model?: string | undefined;
  /** Usage of the call that produced it (shared by completions of one call: recorded on the first). */
  readonly usage?: Usage | undefined;
  /** Step index, for step-level search. */
  readonly step?: number | undefined;
}

/** A score given to a generation (`parentId` is the scored generation). */
export interface ScoreEvent extends TraceEventBase {
  readonly type: "score";
  readonly scorer: string;
  readonly value: number;
  readonly steps?: readonly number[] | undefined;
  readonly detail?: string | undefined;
  /**
   * Usage of the model call that gave this score, where a router records it (a large model reading a small
   * one's tokens): `usageByModel` counts it under `model`.
   */
  readonly usage?: Usage | undefined;
  /** The model that scored, as its backend describes itself; with `usage`. */
  readonly model?: string | undefined;
}

/** A vote over answers. */
export interface VoteEvent extends TraceEventBase {
  readonly type: "vote";
  readonly method: string;
  /** Weight (or count) per answer. */
  readonly tally: Readonly<Record<string, number>>;
  readonly winner: string | undefined;
}

/** A selection among partial solutions in a search: kept, pruned or resampled. */
export interface SelectionEvent extends TraceEventBase {
  readonly type: "selection";
  readonly method: string;
  /** Ids of the nodes chosen (with repetition for resampling). */
  readonly chosen: readonly string[];
  /** Ids of the nodes dropped. */
  readonly dropped: readonly string[];
  readonly weights?: readonly number[] | undefined;
}

/** Something noteworthy that is not a model call (a fallback taken, a capability missing). */
export interface NoteEvent extends TraceEventBase {
  readonly type: "note";
  readonly message: string;
}

/** End of a strategy run. */
export interface RunEndEvent extends TraceEventBase {
  readonly type: "run-end";
  readonly answer: string | undefined;
  readonly stoppedBy: StopReason;
  readonly usage: Usage;
}

/** Every kind of trace event. */
export type TraceEvent =
  | RunStartEvent
  | GenerationEvent
  | ScoreEvent
  | VoteEvent
  | SelectionEvent
  | NoteEvent
  | RunEndEvent;

/** Distributes `Omit` over the members of a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A trace event as given to `Tracer.record`, before it receives its id and time. */
export type TraceEventInput = DistributiveOmit<TraceEvent, "id" | "time">;

/** Collects trace events; strategies record every generation, score, vote and selection. */
export interface Tracer {
  /** Records an event and returns its id. */
  record(event: TraceEventInput): string;
  /** The events recorded so far, in order. */
  events(): readonly TraceEvent[];
}
