import { optionalMethodsOf } from "../../runtime/index.ts";
import type {
  Backend,
  CallOptions,
  Completion,
  GenerationRequest,
  GenerationResult,
} from "../../spec/index.ts";
import type { SampleCounts } from "./sample-fan-out.ts";

/** A per-request view of a backend that counts the samples drawn through it. */
export interface SampleCount {
  /** The backend to run the strategy on: the same calls, counted. */
  readonly backend: Backend;
  /** The samples asked for so far, those returned, and those a failed call did not return. */
  counts(): SampleCounts;
}

/**
 * Wraps a backend that draws a call's samples itself (the embedded model, with native `n`) to count them as
 * `createSampleFanOut` counts an HTTP upstream's, for the `mull` object's `samples` and the samples metric:
 * each call adds its `n` to `requested`, the completions it returns to `succeeded`, and the rest to
 * `failed`, a call that fails losing all of its `n` (one cut by its own signal, a deadline, loses none: its
 * samples were stopped, not lost). `onCompletion` hears each completion as its call returns, with the
 * request of its call (a continuation's prompt holds what it continues), as `createSampleFanOut`'s does.
 *
 * @example
 * const counted = countSamples(plan.served.backend, onSample);
 * await solve({ ..., backend: counted.backend });
 * counted.counts(); // { requested: 8, succeeded: 8, failed: 0, firstError: undefined }
 */
export function countSamples(
  backend: Backend,
  onCompletion?: ((completion: Completion, request: GenerationRequest) => void) | undefined,
): SampleCount {
  let requested = 0;
  let succeeded = 0;
  let failed = 0;
  let firstError: unknown;

  const generate = async (request: GenerationRequest, options?: CallOptions): Promise<GenerationResult> => {
    const n = request.n ?? 1;
    requested += n;
    let result: GenerationResult;
    try {
      result = await backend.generate(request, options);
    } catch (error) {
      if (options?.signal?.aborted !== true) {
        failed += n;
        firstError ??= error;
      }
      throw error;
    }
    succeeded += result.completions.length;
    if (options?.signal?.aborted !== true) failed += Math.max(0, n - result.completions.length);
    for (const completion of result.completions) onCompletion?.(completion, request);
    return result;
  };

  return {
    backend: {
      describe: () => backend.describe(),
      capabilities: (options) => backend.capabilities(options),
      generate,
      ...optionalMethodsOf(backend),
    },
    counts: () => ({ requested, succeeded, failed, firstError }),
  };
}
