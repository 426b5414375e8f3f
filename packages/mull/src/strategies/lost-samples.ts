import { describeValue } from "../runtime/index.ts";
import type { StopReason, StrategyContext } from "../spec/index.ts";

/** Options of `lostSamples`. */
export interface LostSamplesOptions {
  /** The strategy's name, which starts the note. */
  readonly owner: string;
  /** How the samples started side by side ended, one outcome each (`runBudgetedWorkers`' `settled`). */
  readonly settled: readonly PromiseSettledResult<unknown>[];
  /** Samples that finished with something to vote on: the vote goes on over them when others failed. */
  readonly finished: number;
  /** Where the note goes. */
  readonly context: Pick<StrategyContext, "tracer" | "parentId">;
}

/** What a note of samples lost names (`lostSamplesNote`). */
export interface LostSamplesNoteParts {
  /** The strategy's name, which starts the note. */
  readonly owner: string;
  /** Samples that failed. */
  readonly failed: number;
  /** Samples started: those that failed, those that finished, and any that ended with nothing to vote on. */
  readonly started: number;
  /** Samples that finished with something to vote on: the vote is over them. */
  readonly finished: number;
  /** The first failure, shown as an error's name and message, anything else as a value. */
  readonly firstFailure: unknown;
}

/** The start of the note `lostSamplesNote` composes, up to the first failure: `sc@3: 1 of 3 traces failed (first: `. */
const lostSamplesNoteStart = /^\S+: \d+ of \d+ traces failed \(first: /;

/** A failure as a note shows it: an error's name and message, anything else as a value. */
function failureInWords(failure: unknown): string {
  return failure instanceof Error ? `${failure.name}: ${failure.message}` : describeValue(failure);
}

/**
 * The trace note of a run whose samples were lost to failures, which `isLostSamplesNote` recognises: how
 * many of those started failed, the first failure, and how many the vote is over. Both a strategy's own
 * samples (`lostSamples`) and a run's calls that came back with samples lost (`lostSamplesOutcome`) note it.
 *
 * @example
 * lostSamplesNote({ owner: "sc@8", failed: 4, started: 8, finished: 4, firstFailure: new Error("stream cut") });
 * // "sc@8: 4 of 8 traces failed (first: Error: stream cut); the vote is over the 4 that finished"
 */
export function lostSamplesNote(parts: LostSamplesNoteParts): string {
  const { owner, failed, started, finished, firstFailure } = parts;
  return `${owner}: ${failed} of ${started} traces failed (first: ${failureInWords(firstFailure)}); the vote is over the ${finished} that finished`;
}

/**
 * Whether a trace note is the one `lostSamplesNote` composes when samples were lost to failures, for a
 * surface that treats such a run apart (a bench retries the pair rather than recording a vote over the
 * survivors).
 *
 * @example
 * isLostSamplesNote("pasc@4: 1 of 4 traces failed (first: BackendCallError: …); the vote is over the 3 that finished"); // true
 */
export function isLostSamplesNote(message: string): boolean {
  return lostSamplesNoteStart.test(message);
}

/**
 * What samples run side by side lost to failures (a call's error, e.g. a 503 after the retries), for a
 * strategy that votes over those that finished: `undefined` when none failed; else, when some finished,
 * a `note` in the trace naming how many of those started failed and the first failure, and the stop
 * reason `samples-lost` (the run is `partial`), so the vote goes on over the survivors.
 *
 * @throws the first failure, in the order the samples started, when none finished: there is nothing to
 * vote on.
 * @example
 * const lost = lostSamples({ owner: name, settled, finished: candidates.length, context });
 * const stoppedBy = lost ?? firstStop(...reasons);
 */
export function lostSamples(options: LostSamplesOptions): StopReason | undefined {
  const { owner, settled, finished, context } = options;
  const failures = settled.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
  const [first] = failures;
  if (failures.length === 0) return undefined;
  if (finished === 0) throw first;
  context.tracer.record({
    type: "note",
    parentId: context.parentId,
    message: lostSamplesNote({
      owner,
      failed: failures.length,
      started: settled.length,
      finished,
      firstFailure: first,
    }),
  });
  return "samples-lost";
}
