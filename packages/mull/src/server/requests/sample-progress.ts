import type { AnswerFormat, Completion } from "../../spec/index.ts";
import { splitThinking } from "./split-thinking.ts";

/** Where a strategy's sampling stands, after a sample finished. */
export interface SampleProgress {
  /** Samples that ran to their end so far (cut and aborted ones are not counted). */
  readonly samplesDone: number;
  /** The samples the strategy may draw at most (its N); an adaptive strategy may stop well before. */
  readonly samplesPlanned: number;
  /** The most frequent answer so far (`tool:<name>` for a sample ending in calls), if any was read. */
  readonly leader: string | undefined;
  /** The leader's share of the samples done, 0 to 1. */
  readonly leaderShare: number;
}

/**
 * The progress of one strategy request, between the sampling (which reports each finished sample) and a
 * front end (which may start listening later: the progress so far is replayed, then each new one). It is
 * independent of any wire format: the OpenAI stream writes it as `mull.progress` chunks, another front end
 * can read the same events with `for await`.
 */
export interface ProgressFeed {
  /** Records one finished sample. */
  sample(completion: Pick<Completion, "text" | "finishReason" | "toolCalls">): void;
  /** The latest progress, if a sample finished. */
  latest(): SampleProgress | undefined;
  /** Calls `listener` with the progress so far (if any), then after each new sample; one listener. */
  listen(listener: (progress: SampleProgress) => void): void;
  /** Ends the feed: iteration stops once what was pushed is read. */
  close(): void;
  /** Each progress event, from the first, until the feed is closed. */
  [Symbol.asyncIterator](): AsyncIterator<SampleProgress>;
}

/** The key a sample votes with in the feed's tally: its calls' names, or its extracted answer. */
function voteOf(
  completion: Pick<Completion, "text" | "toolCalls">,
  format: AnswerFormat,
): { key: string; answer: string } | undefined {
  const calls = completion.toolCalls;
  if (calls !== undefined && calls.length > 0) {
    const answer = `tool:${calls.map((call) => call.name).join(",")}`;
    return { key: answer, answer };
  }
  // What a sample thought aloud in a `<think>` block is not its answer.
  const answer = format.extract(splitThinking(completion.text).answer);
  return answer === undefined ? undefined : { key: format.key(answer), answer };
}

/**
 * Creates the progress feed of one request drawing at most `samplesPlanned` samples, tallying their
 * answers with `format` (the request's answer format).
 *
 * @example
 * const feed = createProgressFeed(plan.samples, plan.answerFormat);
 * feed.listen((progress) => writer.comment(`progress ${progress.samplesDone}/${progress.samplesPlanned}`));
 */
export function createProgressFeed(samplesPlanned: number, format: AnswerFormat): ProgressFeed {
  const history: SampleProgress[] = [];
  const tally = new Map<string, { answer: string; count: number }>();
  let done = 0;
  let closed = false;
  let listener: ((progress: SampleProgress) => void) | undefined;
  let wake: (() => void) | undefined;
  const leading = () => {
    let best: { answer: string; count: number } | undefined;
    for (const entry of tally.values()) if (best === undefined || entry.count > best.count) best = entry;
    return best;
  };
  return {
    sample(completion) {
      if (closed || completion.finishReason === "abort" || completion.finishReason === "cut") return;
      done += 1;
      const vote = voteOf(completion, format);
      if (vote !== undefined) {
        const entry = tally.get(vote.key) ?? { answer: vote.answer, count: 0 };
        tally.set(vote.key, { ...entry, count: entry.count + 1 });
      }
      const leader = leading();
      const progress: SampleProgress = {
        samplesDone: done,
        samplesPlanned: Math.max(samplesPlanned, done),
        leader: leader?.answer,
        leaderShare: leader === undefined ? 0 : leader.count / done,
      };
      history.push(progress);
      listener?.(progress);
      wake?.();
    },
    latest: () => history.at(-1),
    listen(next) {
      listener = next;
      for (const progress of history) next(progress);
    },
    close() {
      closed = true;
      wake?.();
    },
    [Symbol.asyncIterator]() {
      let position = 0;
      return {
        async next(): Promise<IteratorResult<SampleProgress>> {
          while (position >= history.length && !closed) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
          const value = history[position];
          if (value === undefined) return { done: true, value: undefined };
          position += 1;
          return { done: false, value };
        },
      };
    },
  };
}
