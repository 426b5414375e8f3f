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
  /** Marks a run's start. */
  readonly type: "run-start";
  /** The strategy's name (`Strategy.name`, e.g. `sc@8`). */
  readonly strategy: string;
  /** The strategy's settings (`Strategy.parameters`). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The problem's question. */
  readonly question: string;
  /** The run's seed (`solve`'s `seed`), on the root run only; nested runs leave it out. */
  readonly seed?: number | undefined;
}

/** A completion returned by a backend. */
export interface GenerationEvent extends TraceEventBase {
  /** Marks a completion. */
  readonly type: "generation";
  /** The completion's text (`Completion.text`). */
  readonly text: string;
  /** Why it ended (`Completion.finishReason`). */
  readonly finishReason: FinishReason;
  /** Tokens it generated; `undefined` when the backend did not report them. */
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
  /** The model that wrote it, as the backend's result names it (`GenerationResult.model`). */
  readonly model?: string | undefined;
  /** Usage of the call that produced it (shared by completions of one call: recorded on the first). */
  readonly usage?: Usage | undefined;
  /** Step index, for step-level search. */
  readonly step?: number | undefined;
}

/** A score given to a generation (`parentId` is the scored generation). */
export interface ScoreEvent extends TraceEventBase {
  /** Marks a score. */
  readonly type: "score";
  /** The scorer's name (`Score.scorer`). */
  readonly scorer: string;
  /** The score's value (`Score.value`); higher is better. */
  readonly value: number;
  /** Per-step rewards, for process scores (`Score.steps`). */
  readonly steps?: readonly number[] | undefined;
  /** The scorer's explanation, when it gave one (`Score.detail`). */
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
  /** Marks a vote. */
  readonly type: "vote";
  /** How it voted, e.g. `majority`, `weighted:probability`, `argmax:checker`. */
  readonly method: string;
  /** Weight (or count) per answer. */
  readonly tally: Readonly<Record<string, number>>;
  /** The winning answer's key; `undefined` when no candidate had an answer. */
  readonly winner: string | undefined;
}

/** A selection among partial solutions in a search: kept, pruned or resampled. */
export interface SelectionEvent extends TraceEventBase {
  /** Marks a selection. */
  readonly type: "selection";
  /** How it selected, e.g. `tot-bfs:top-3`, `astar:expand`, `pg:reference`. */
  readonly method: string;
  /** Ids of the nodes chosen (with repetition for resampling). */
  readonly chosen: readonly string[];
  /** Ids of the nodes dropped. */
  readonly dropped: readonly string[];
  /**
   * What it weighed, when it weighed anything: a resampling's weights over the nodes it drew from, or a
   * ranking's values of the nodes it chose (A*'s costs, lower first), in `chosen` order.
   */
  readonly weights?: readonly number[] | undefined;
}

/** Something noteworthy that is not a model call (a fallback taken, a capability missing). */
export interface NoteEvent extends TraceEventBase {
  /** Marks a note. */
  readonly type: "note";
  /** What happened, in a sentence. */
  readonly message: string;
}

/** End of a strategy run. */
export interface RunEndEvent extends TraceEventBase {
  /** Marks a run's end; its `parentId` is its `run-start` event. */
  readonly type: "run-end";
  /** The run's final answer; `undefined` when it had none. */
  readonly answer: string | undefined;
  /** Why the run stopped. */
  readonly stoppedBy: StopReason;
  /** What the run spent, nested runs included (`StrategyResult.usage`). */
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
