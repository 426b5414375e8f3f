import { MullError } from "../../errors/index.ts";
import { systemClock } from "../../runtime/index.ts";
import type { Backend, Clock, Prompt } from "../../spec/index.ts";

/** One request of a load level, as the client saw it. */
export interface RequestMeasurement {
  /** Milliseconds from sending the request to its whole result (or its failure). */
  readonly latencyMilliseconds: number;
  /**
   * Milliseconds from sending to the first piece of text of any of the request's completions, when the
   * backend streamed it (`onText`); `undefined` otherwise.
   */
  readonly firstTokenMilliseconds: number | undefined;
  /** Completion tokens over the request's `n` completions; `undefined` when the backend did not report them, or on failure. */
  readonly completionTokens: number | undefined;
  /** Completions returned (`n` when the server honours it); 0 on failure. */
  readonly completions: number;
  /** The failure's message; `undefined` for a request that succeeded. */
  readonly error: string | undefined;
}

/** What `runLoadLevel` sends. */
export interface LoadLevelOptions {
  /** Prompts, sent in turn (request `i` sends `prompts[i % prompts.length]`). */
  readonly prompts: readonly Prompt[];
  /** Requests sent in all. */
  readonly requests: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Completions per request (`n`). */
  readonly n: number;
  /** Token limit per completion. */
  readonly maxTokens: number;
  /** Sampling temperature; default 1, so `n` completions differ. */
  readonly temperature?: number | undefined;
  /** Time source; default the process's monotonic clock. */
  readonly clock?: Clock | undefined;
  /** Aborts the requests in flight and stops sending more. */
  readonly signal?: AbortSignal | undefined;
  /** Called after each request ends, with the number done so far. */
  readonly onRequestDone?: ((done: number) => void) | undefined;
}

/** Every request of one load level and the wall time the level took. */
export interface LoadLevelRun {
  /** Measurements in the order requests were sent: of every request, or of those sent before an abort. */
  readonly measurements: readonly RequestMeasurement[];
  /** Milliseconds from the first request sent to the last one ended. */
  readonly wallMilliseconds: number;
}

/**
 * Sends `requests` generation requests through `backend`, keeping `concurrency` of them in flight at once
 * (a closed loop: each of `concurrency` workers sends its next request when the last one ends), and
 * measures each request's latency, time to first text, completion tokens and failure. A failed request is
 * recorded, not thrown, so an overloaded server shows up as errors in the level's figures. Once `signal`
 * aborts, the requests in flight fail (recorded as errors) and no more are sent.
 *
 * @throws MullError when there are no prompts.
 * @example
 * const run = await runLoadLevel(backend, { prompts, requests: 32, concurrency: 8, n: 1, maxTokens: 64 });
 */
export async function runLoadLevel(backend: Backend, options: LoadLevelOptions): Promise<LoadLevelRun> {
  if (options.prompts.length === 0) throw new MullError("runLoadLevel: no prompts to send");
  const clock = options.clock ?? systemClock();
  const measurements: RequestMeasurement[] = new Array(options.requests);
  let next = 0;
  let done = 0;

  const send = async (index: number): Promise<RequestMeasurement> => {
    const prompt = options.prompts[index % options.prompts.length] as Prompt;
    const started = clock.now();
    let firstText: number | undefined;
    try {
      const result = await backend.generate(
        { prompt, n: options.n, maxTokens: options.maxTokens, temperature: options.temperature ?? 1 },
        {
          signal: options.signal,
          onText: () => {
            firstText ??= clock.now();
          },
        },
      );
      return {
        latencyMilliseconds: clock.now() - started,
        firstTokenMilliseconds: firstText === undefined ? undefined : firstText - started,
        completionTokens: result.usage.completionTokens,
        completions: result.completions.length,
        error: undefined,
      };
    } catch (error) {
      return {
        latencyMilliseconds: clock.now() - started,
        firstTokenMilliseconds: undefined,
        completionTokens: undefined,
        completions: 0,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  };

  const worker = async () => {
    while (next < options.requests && options.signal?.aborted !== true) {
      const index = next;
      next += 1;
      measurements[index] = await send(index);
      done += 1;
      options.onRequestDone?.(done);
    }
  };

  const started = clock.now();
  const workers = Math.min(options.concurrency, options.requests);
  await Promise.all(Array.from({ length: workers }, worker));
  return { measurements: measurements.slice(0, next), wallMilliseconds: clock.now() - started };
}
