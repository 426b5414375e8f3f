import type { SamplingSettings, StrategyContext } from "../spec/index.ts";

/** What a caller may set about the backend calls a block makes on a run's behalf. */
export interface RecordedCallOptions {
  /** The run: its backend, budget, tracer, sampling settings, seed source and signal. */
  readonly context: StrategyContext;
  /** Overrides of `context.sampling` (e.g. `{ temperature: 0 }`); a field left undefined keeps the run's. */
  readonly sampling?: SamplingSettings | undefined;
  /** Ask for per-token log-probabilities. */
  readonly logprobs?: boolean | undefined;
  /** Trace node the generations hang under; default `context.parentId`. */
  readonly parentId?: string | undefined;
}
