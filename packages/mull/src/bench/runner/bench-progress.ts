import cliProgress from "cli-progress";
import { systemClock } from "../../runtime/index.ts";
import type { Clock } from "../../spec/index.ts";

/** One finished (problem, strategy) pair. */
export interface BenchProgressUpdate {
  readonly problemId: string;
  readonly strategy: string;
  /** Whether it was graded correct; `undefined` when not known (a pair another process recorded). */
  readonly correct: boolean | undefined;
}

/** Receives the progress of a bench run. */
export interface BenchProgress {
  /** `total` pairs in the run, of which `alreadyDone` were recorded by earlier sessions. */
  start(total: number, alreadyDone: number): void;
  advance(update: BenchProgressUpdate): void;
  /** The run ended (finished, failed or interrupted). */
  stop(): void;
}

/** Options of `createBenchProgress`. */
export interface BenchProgressOptions {
  /** Where progress goes; default standard error. */
  readonly stream?: NodeJS.WriteStream | undefined;
  /** Draw a bar (a TTY) or print plain lines; default whether `stream` is a TTY. */
  readonly interactive?: boolean | undefined;
  readonly clock?: Clock | undefined;
  /** Smallest gap between two plain lines; default 1000 ms. */
  readonly intervalMilliseconds?: number | undefined;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, "0")}s`;
  return `${rest}s`;
}

/** Rate and ETA over this session's pairs (pairs done by earlier sessions are not counted in the rate). */
interface Snapshot {
  readonly done: number;
  readonly total: number;
  readonly rate: number;
  readonly etaSeconds: number;
  readonly accuracy: number | undefined;
}

/**
 * Progress of a bench run with rate and ETA: a cli-progress bar on a TTY, otherwise plain lines of at most
 * one per second (and a last line at the end), so logs of long runs stay short.
 *
 * @example
 * const progress = createBenchProgress({ stream: process.stderr });
 * await runBench({ ..., progress });
 */
export function createBenchProgress(options: BenchProgressOptions = {}): BenchProgress {
  const stream = options.stream ?? process.stderr;
  const interactive = options.interactive ?? stream.isTTY === true;
  const clock = options.clock ?? systemClock();
  const interval = options.intervalMilliseconds ?? 1000;
  let total = 0;
  let done = 0;
  let doneAtStart = 0;
  let correct = 0;
  let graded = 0;
  let startedAt = 0;
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let lastLineDone = -1;
  let bar: cliProgress.SingleBar | undefined;

  const snapshot = (): Snapshot => {
    const elapsedSeconds = Math.max((clock.now() - startedAt) / 1000, 1e-9);
    const rate = (done - doneAtStart) / elapsedSeconds;
    return {
      done,
      total,
      rate,
      etaSeconds: rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY,
      accuracy: graded === 0 ? undefined : correct / graded,
    };
  };
  const payload = (current: Snapshot) => ({
    rate: current.rate.toFixed(2),
    etaText: formatDuration(current.etaSeconds),
    accuracy: current.accuracy === undefined ? "-" : `${(current.accuracy * 100).toFixed(1)}%`,
  });
  // On a resume the accuracy covers only the pairs run now: the earlier ones' grades are not read back. Pairs
  // counted without their grade (recorded by another process, learnt from the store) are not in it either,
  // and the label says how many are.
  const accuracyLabel = (): string =>
    doneAtStart > 0
      ? `accuracy of the ${graded} graded pairs run now`
      : graded < done
        ? `accuracy of the ${graded} graded pairs`
        : "accuracy so far";
  const line = (current: Snapshot): string => {
    const percent = current.total === 0 ? 100 : (current.done / current.total) * 100;
    const values = payload(current);
    return (
      `bench: ${current.done}/${current.total} pairs (${percent.toFixed(1)}%), ${values.rate} pairs/s, ` +
      `ETA ${values.etaText}, ${accuracyLabel()} ${values.accuracy}\n`
    );
  };

  return {
    start(pairs, alreadyDone) {
      total = pairs;
      done = alreadyDone;
      doneAtStart = alreadyDone;
      startedAt = clock.now();
      if (interactive) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format:
              "bench |{bar}| {value}/{total} pairs | {rate} pairs/s | ETA {etaText} | " +
              (alreadyDone > 0 ? "accuracy (run now) {accuracy}" : "accuracy {accuracy}"),
            hideCursor: true,
            fps: 5,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, payload(snapshot()));
      } else {
        stream.write(
          alreadyDone > 0
            ? `bench: resuming, ${alreadyDone}/${total} pairs already recorded\n`
            : `bench: ${total} pairs to run\n`,
        );
      }
    },
    advance(update) {
      done += 1;
      if (update.correct !== undefined) graded += 1;
      if (update.correct === true) correct += 1;
      const current = snapshot();
      if (bar !== undefined) {
        bar.update(done, payload(current));
        return;
      }
      const now = clock.now();
      if (now - lastLineAt >= interval) {
        lastLineAt = now;
        lastLineDone = done;
        stream.write(line(current));
      }
    },
    stop() {
      if (bar !== undefined) {
        bar.stop();
        bar = undefined;
        return;
      }
      if (done === total && done === doneAtStart) {
        stream.write(`bench: nothing left to run, all ${total} pairs were already recorded\n`);
        return;
      }
      // The last pair's line may already be out; the end adds no copy of it.
      if (lastLineDone !== done) stream.write(line(snapshot()));
    },
  };
}
