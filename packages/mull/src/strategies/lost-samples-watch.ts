import { optionalMethodsOf } from "../runtime/index.ts";
import type { Backend, StopReason, TraceEvent, Tracer } from "../spec/index.ts";
import { lostSamplesNote } from "./lost-samples.ts";

/** What a run's calls lost (`GenerationResult.lostSamples`, added up). */
export interface RunLostSamples {
  /** Samples lost over every call. */
  readonly count: number;
  /** The first failure of the first call that lost samples. */
  readonly firstError: unknown;
}

/** A run's backend, watched for calls that lose samples. */
export interface LostSamplesWatch {
  /** The backend to run the strategy on: the same calls and results as the one watched. */
  readonly backend: Backend;
  /**
   * Fires once a call came back with samples lost, so that the run stops drawing (as for an abort) and
   * chooses among the samples it has.
   */
  readonly signal: AbortSignal;
  /** What the calls lost so far; `undefined` while none lost a sample. */
  lost(): RunLostSamples | undefined;
}

/**
 * Watches the calls a run makes on `backend` for samples lost (`GenerationResult.lostSamples`: some of a
 * call's requests failed while others finished), and fires `signal` at the first, so that the run stops
 * with what it has instead of drawing the lost samples again; `mull serve` stops a run the same way when
 * its fanned-out samples fail. The watched backend has the optional methods of `backend` (`score`,
 * `countTokens`, `measureRates`), and no `dispose`: the run does not own it.
 *
 * @example
 * const watch = watchLostSamples(backend);
 * const budget = createBudget(limits, { clock, signal: AbortSignal.any([signal, watch.signal]) });
 */
export function watchLostSamples(backend: Backend): LostSamplesWatch {
  const stop = new AbortController();
  let lost: RunLostSamples | undefined;
  const watched: Backend = {
    describe: () => backend.describe(),
    capabilities: (options) => backend.capabilities(options),
    generate: async (request, options) => {
      const result = await backend.generate(request, options);
      const call = result.lostSamples;
      if (call !== undefined && call.count > 0) {
        lost = { count: (lost?.count ?? 0) + call.count, firstError: (lost ?? call).firstError };
        if (!stop.signal.aborted) {
          stop.abort(new Error(`${call.count} of ${request.n ?? 1} samples of a call failed`));
        }
      }
      return result;
    },
    ...optionalMethodsOf(backend),
  };
  return { backend: watched, signal: stop.signal, lost: () => lost };
}

/** Options of `lostSamplesOutcome`. */
export interface LostSamplesOutcomeOptions {
  /** What the run's calls lost; `undefined` when none lost a sample. */
  readonly lost: RunLostSamples | undefined;
  /** The strategy's name, which starts the note. */
  readonly owner: string;
  /** Why the run stopped, as its strategy said. */
  readonly stoppedBy: StopReason;
  /** The candidates the run returned: the samples that finished. */
  readonly finished: number;
  /** Whether the caller's own signal fired (an abort of the caller's, not of the watch). */
  readonly callerAborted: boolean;
  /** The run's tracer; the note goes under its root run. */
  readonly tracer: Tracer;
}

/**
 * How a run whose calls lost samples ends: a `note` under the root run naming how many failed and the
 * first failure (`lostSamplesNote`, which `isLostSamplesNote` recognises: `sc@8: 4 of 8 traces failed
 * (first: …); the vote is over the 4 that finished`), and the stop reason `samples-lost` (a partial run)
 * in place of the abort the watch stopped it with, or of `complete` for a run that ran its plan over fewer
 * samples, in its root `run-end` too. A limit, a stop condition or the caller's own abort stays the
 * reason. With nothing lost, the reason and the trace as they are.
 *
 * @example
 * const { stoppedBy, trace } = lostSamplesOutcome({ lost: watch.lost(), owner: strategy.name, stoppedBy: result.stoppedBy, finished: result.candidates.length, callerAborted: false, tracer });
 */
export function lostSamplesOutcome(options: LostSamplesOutcomeOptions): {
  readonly stoppedBy: StopReason;
  readonly trace: readonly TraceEvent[];
} {
  const { lost, owner, finished, tracer } = options;
  if (lost === undefined) return { stoppedBy: options.stoppedBy, trace: tracer.events() };
  const root = tracer.events().find((event) => event.type === "run-start" && event.parentId === undefined);
  tracer.record({
    type: "note",
    parentId: root?.id,
    message: lostSamplesNote({
      owner,
      failed: lost.count,
      started: lost.count + finished,
      finished,
      firstFailure: lost.firstError,
    }),
  });
  const replaced =
    !options.callerAborted && (options.stoppedBy === "abort" || options.stoppedBy === "complete");
  const stoppedBy: StopReason = replaced ? "samples-lost" : options.stoppedBy;
  const trace = tracer
    .events()
    .map((event) =>
      replaced && event.type === "run-end" && event.parentId === root?.id ? { ...event, stoppedBy } : event,
    );
  return { stoppedBy, trace };
}
