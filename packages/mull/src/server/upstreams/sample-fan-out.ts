import { addUsage, emptyUsage } from "../../budget/index.ts";
import { optionalMethodsOf } from "../../runtime/index.ts";
import type {
  Backend,
  CallOptions,
  Completion,
  GenerationRequest,
  GenerationResult,
} from "../../spec/index.ts";
// The error's own file, not the http folder's index, which maps this folder's errors.
import { ApiError } from "../http/api-error.ts";
import { type LostSample, lostUsage } from "./lost-sample-usage.ts";
import { isSampleLoss, reportedFailure } from "./reported-failure.ts";

/** What happened to the samples of one request. */
export interface SampleCounts {
  /** Completions asked of the upstream. */
  readonly requested: number;
  readonly succeeded: number;
  readonly failed: number;
  /** The first failure, when a sample was lost. */
  readonly firstError: unknown;
}

/** A per-request view of a backend that draws each sample as its own call and survives losing some. */
export interface SampleFanOut {
  /** The backend to run the strategy on. */
  readonly backend: Backend;
  /** Fires once a sample was lost, so the strategy stops drawing and votes over the survivors. */
  readonly samplesLost: AbortSignal;
  counts(): SampleCounts;
}

/**
 * The options of sample `index`'s single call: its token watcher, if any, still hears it as `index`; what
 * the call tells when an abort cuts it goes to `onAborted` (the fan-out tells the caller once, for every
 * sample of the call), never to the caller's own.
 */
function singleOptions(
  options: CallOptions | undefined,
  index: number,
  onAborted: (partial: GenerationResult) => void,
): CallOptions {
  const watch = options?.watch;
  return {
    ...options,
    onAborted,
    ...(watch === undefined ? {} : { watch: (_, token) => watch(index, token) }),
  };
}

/** The error's message without upstream addresses, for a client to read. */
function failureDetail(error: unknown): string {
  return error instanceof Error ? error.message.replace(/https?:\/\/\S+/g, "(upstream)").slice(0, 300) : "";
}

/**
 * Wraps a backend for one request: `generate({ n })` becomes `n` single-sample calls (seeds `seed + i`)
 * running in parallel, each with the backend's own retries and deadline. When some fail, the survivors are
 * returned and `samplesLost` fires (the strategy then votes over what it has instead of drawing again).
 * When all of a call's samples are lost (`reportedFailure`: lost samples, or refusals by a circuit that
 * opened while the request ran, which its own samples' failures most often opened): with samples from
 * earlier calls, `samplesLost` fires, the caller's `onAborted` hears once what the lost samples had used
 * (the strategy's signal fires with `samplesLost`, so it takes the call as cut and charges that), and the
 * reported failure is thrown, so the strategy stops and votes over those; with none, a 502
 * `samples_below_quorum` ApiError says "only 0 of N samples succeeded" with the earliest real upstream
 * failure (its cause), as a request below its quorum does. When the samples failed by a refusal of the
 * request (a 400), that first error is thrown as it is. When the call's signal fires (a deadline), the
 * samples that finished are returned, the others left out but charged: the call's usage adds what their
 * calls told they had used (`CallOptions.onAborted`; a sample cut before its first token used its prompt
 * and no completion token, `lostUsage`); with none finished, the caller's `onAborted` hears once what
 * they all had used before the abort is thrown. A cut or stalled upstream stream is a failed sample,
 * never a short one, and its tokens are charged: the call's usage adds what its lost samples had used
 * before they failed (`lostUsage`), as does the quorum error's. `counts().firstError` is the earliest real
 * upstream failure of the request, else its first failure. `onCompletion` hears each sample as its own
 * call returns, before the others finish (a stream's progress), with the request of its call (a
 * continuation's prompt holds what it continues).
 *
 * @example
 * const fanOut = createSampleFanOut(backend);
 * const result = await solve({ ..., backend: fanOut.backend, signal: AbortSignal.any([signal, fanOut.samplesLost]) });
 * const { succeeded, failed } = fanOut.counts();
 */
export function createSampleFanOut(
  backend: Backend,
  onCompletion?: ((completion: Completion, request: GenerationRequest) => void) | undefined,
): SampleFanOut {
  const lost = new AbortController();
  let requested = 0;
  let succeeded = 0;
  let failed = 0;
  let firstError: unknown;
  // The first sample lost to the upstream (not refused), for the failure reported.
  let firstLoss: unknown;
  // Whether a finished sample reported no completion tokens: a backend that counts none.
  let countsUnreported = false;

  const generate = async (request: GenerationRequest, options?: CallOptions): Promise<GenerationResult> => {
    const n = request.n ?? 1;
    requested += n;
    // What each sample's call told when an abort cut it, and the order the samples failed in.
    const told: (GenerationResult | undefined)[] = Array.from({ length: n }, () => undefined);
    const failedAt: number[] = Array.from({ length: n }, () => 0);
    let failures = 0;
    const settled = await Promise.allSettled(
      Array.from({ length: n }, (_, index) => {
        const single = {
          ...request,
          n: 1,
          seed: request.seed === undefined ? undefined : request.seed + index,
        };
        return backend
          .generate(
            single,
            singleOptions(options, index, (partial) => {
              told[index] = partial;
            }),
          )
          .then(
            (result) => {
              for (const completion of result.completions) onCompletion?.(completion, single);
              return result;
            },
            (error: unknown) => {
              failedAt[index] = failures++;
              throw error;
            },
          );
      }),
    );
    const results: GenerationResult[] = [];
    const lostSamples: (LostSample & { readonly order: number })[] = [];
    for (const [index, outcome] of settled.entries()) {
      if (outcome.status === "fulfilled") results.push(outcome.value);
      else lostSamples.push({ error: outcome.reason, told: told[index], order: failedAt[index] ?? 0 });
    }
    if (results.some((result) => result.usage.completionTokens === undefined)) countsUnreported = true;
    const errors = [...lostSamples].sort((a, b) => a.order - b.order).map(({ error }) => error);
    const usedByLost = lostUsage(lostSamples, results, countsUnreported);
    if (options?.signal?.aborted === true) {
      // Cut by the caller (a deadline, a client gone): the samples that finished are kept (the strategy
      // then finds its budget spent and stops with them), and the call is charged what the others had used
      // too; with none finished, the caller is told what the cut samples had used (once, for them all) and
      // the abort is thrown.
      if (results.length === 0) {
        const partials = lostSamples.flatMap((sample) => (sample.told === undefined ? [] : [sample.told]));
        if (usedByLost.length > 0) {
          options.onAborted?.({
            completions: partials
              .flatMap((partial) => partial.completions)
              .map((completion, index) => ({ ...completion, index })),
            usage: addUsage(emptyUsage, ...usedByLost),
            model: partials[0]?.model ?? backend.describe().model,
          });
        }
        options.signal.throwIfAborted();
      }
      const finished = results.flatMap((result) => result.completions);
      succeeded += finished.length;
      return {
        completions: finished.map((completion, index) => ({ ...completion, index })),
        usage: addUsage(emptyUsage, ...results.map((result) => result.usage), ...usedByLost),
        model: results[0]?.model ?? backend.describe().model,
      };
    }
    const completions: Completion[] = results.flatMap((result) => result.completions);
    succeeded += completions.length;
    failed += n - completions.length;
    firstLoss ??= errors.find(isSampleLoss);
    if (errors.length > 0 && firstError === undefined) firstError = errors[0];
    if (completions.length === 0) {
      const reported = reportedFailure(errors, firstLoss);
      if (!reported.lost) throw reported.error;
      const first = reported.error;
      if (succeeded === 0) {
        throw new ApiError(
          502,
          `only 0 of ${requested} samples succeeded, below the quorum; first failure: ${failureDetail(first)}`,
          {
            code: "samples_below_quorum",
            cause: first,
            ...(usedByLost.length === 0 ? {} : { usage: addUsage(emptyUsage, ...usedByLost) }),
          },
        );
      }
      // The samples of earlier calls stand: the strategy stops (its call comes back empty) and votes on them.
      // Its signal fires with `samplesLost`, so it takes the call as cut: told what the lost samples had
      // used (once, for them all), it charges them as any cut call.
      if (!lost.signal.aborted) lost.abort(new Error(`all ${n} samples of a call failed`));
      if (usedByLost.length > 0) {
        options?.onAborted?.({
          completions: [],
          usage: addUsage(emptyUsage, ...usedByLost),
          model: backend.describe().model,
        });
      }
      throw first;
    }
    if (completions.length < n && !lost.signal.aborted) {
      lost.abort(new Error(`${n - completions.length} of ${n} samples failed`));
    }
    return {
      completions: completions.map((completion, index) => ({ ...completion, index })),
      usage: addUsage(emptyUsage, ...results.map((result) => result.usage), ...usedByLost),
      model: results[0]?.model ?? backend.describe().model,
    };
  };

  const wrapped: Backend = {
    describe: () => backend.describe(),
    // Not native `n`: each sample is its own upstream call, so a call budget (`maxCalls`) sizes batches
    // by samples, and a limit of one call draws one sample.
    capabilities: async (options) => ({ ...(await backend.capabilities(options)), n: false }),
    generate,
    // A prompt's count is the same for each single-sample call: it sizes them under a token budget.
    ...optionalMethodsOf(backend),
  };
  return {
    backend: wrapped,
    samplesLost: lost.signal,
    counts: () => ({ requested, succeeded, failed, firstError: firstLoss ?? firstError }),
  };
}
