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

/** The start of the note `lostSamples` writes, up to the first failure: `force@3x20: 1 of 3 traces failed (first: `. */
const lostSamplesNoteStart = /^\S+: \d+ of \d+ traces failed \(first: /;

/**
 * Whether a trace note is the one `lostSamples` writes when samples run side by side failed, for a surface
 * that treats such a run apart (a bench retries the pair rather than recording a vote over the survivors).
 *
 * @example
 * isLostSamplesNote("pasc@4: 1 of 4 traces failed (first: BackendCallError: …); the vote is over the 3 that finished"); // true
 */
export function isLostSamplesNote(message: string): boolean {
  return lostSamplesNoteStart.test(message);
}

/** A failure as a note shows it: an error's name and message, anything else as a value. */
function failureInWords(failure: unknown): string {
  return failure instanceof Error ? `${failure.name}: ${failure.message}` : describeValue(failure);
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
    message: `${owner}: ${failures.length} of ${settled.length} traces failed (first: ${failureInWords(first)}); the vote is over the ${finished} that finished`,
  });
  return "samples-lost";
}
