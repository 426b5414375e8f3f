import { BackendCallError, findCause } from "../../errors/index.ts";
import { countedPromptUsage } from "../../generation/index.ts";
import { optionalMethodsOf } from "../../runtime/index.ts";
import type { Backend, CallOptions, GenerationRequest, GenerationResult, Usage } from "../../spec/index.ts";

/** What the upstream calls of one request used, as they reported it, however the request ends. */
export interface UsageMeter {
  /**
   * `backend`, the usage of each of its calls recorded: what a call returned, what a failed call's error
   * says it had used (`BackendCallError.usage`: a stream that broke part-way, a retry chain that gave up),
   * what a call that an abort cut had told (`CallOptions.onAborted`), or, for a call that failed or was
   * aborted after its upstream accepted it (`CallOptions.onAccepted`) and told nothing, one call of
   * unknown tokens. A prompt a call could not tell (its stream cut before the server's usage, a whole body
   * cut part-way) is taken as `promptTokensEach` for each request it made, where the caller gives it (the
   * prompt counted by the model's tokenizer, or as planned): the server read it before anything could be
   * cut. `model`, the served model the calls go to, also records them under it (`usageByModel`).
   */
  watch(backend: Backend, promptTokensEach: number | undefined, model?: string): Backend;
  /**
   * What the calls so far used, each count the sum of those the calls reported (a count no call reported
   * is `undefined`; one some calls left unknown is a lower bound); `undefined` before any call ended.
   */
  usage(): Usage | undefined;
  /**
   * What the calls watched under a served model's name used, by model (each as `usage` sums); calls
   * watched under no model (a judge's) are in `usage` only. Empty before any such call ended.
   */
  usageByModel(): Readonly<Record<string, Usage>>;
}

/** What a call that told nothing of its tokens used: one call. */
const untold: Usage = { promptTokens: undefined, completionTokens: undefined, calls: 1 };

/** The usage a failed call's error carries, if any. */
function failedCallUsage(error: unknown): Usage | undefined {
  return findCause(
    error,
    (cause): cause is BackendCallError => BackendCallError.isInstance(cause) && cause.usage !== undefined,
  )?.usage;
}

/**
 * A meter of one request's upstream calls. Why: a request that fails or is aborted part-way returns no
 * usage (a strategy's run throws, a fan-out keeps only the samples that finished), yet its key is charged,
 * and `/metrics` counts, what the upstream reported it used; the meter sees every call as it ends.
 *
 * @example
 * const meter = createUsageMeter();
 * const backend = meter.watch(plan.served.backend, plan.promptTokensCounted ? plan.estimatedPromptTokens : undefined);
 * try { await solve({ ..., backend }); } catch { await reservation.settle(meter.usage()?.completionTokens ?? 0); }
 */
export function createUsageMeter(): UsageMeter {
  const total = createUsageSum();
  const byModel = new Map<string, UsageSum>();
  const record = (reported: Usage, promptTokensEach: number | undefined, model: string | undefined) => {
    const usage = countedPromptUsage(reported, promptTokensEach);
    total.add(usage);
    if (model === undefined) return;
    const sum = byModel.get(model) ?? createUsageSum();
    byModel.set(model, sum);
    sum.add(usage);
  };
  return {
    watch(backend, promptTokensEach, model) {
      const generate = async (
        request: GenerationRequest,
        options?: CallOptions,
      ): Promise<GenerationResult> => {
        let told: GenerationResult | undefined;
        let accepted = false;
        const onAborted = (partial: GenerationResult) => {
          told = partial;
          options?.onAborted?.(partial);
        };
        const onAccepted = () => {
          accepted = true;
          options?.onAccepted?.();
        };
        let result: GenerationResult;
        try {
          result = await backend.generate(request, { ...options, onAborted, onAccepted });
        } catch (error) {
          // An upstream that accepted the call read its prompt, whatever it tells of the rest.
          const used = failedCallUsage(error) ?? told?.usage ?? (accepted ? untold : undefined);
          if (used !== undefined) record(used, promptTokensEach, model);
          throw error;
        }
        record(result.usage, promptTokensEach, model);
        return result;
      };
      return {
        describe: () => backend.describe(),
        capabilities: (options) => backend.capabilities(options),
        generate,
        ...optionalMethodsOf(backend),
      };
    },
    usage: () => total.sum(),
    usageByModel: () => Object.fromEntries([...byModel].map(([model, sum]) => [model, sum.sum() as Usage])),
  };
}

/** A running sum of calls' usage: each count the sum of those reported, `undefined` where none was. */
interface UsageSum {
  add(usage: Usage): void;
  /** The sum so far; `undefined` before any usage was added. */
  sum(): Usage | undefined;
}

function createUsageSum(): UsageSum {
  let promptTokens: number | undefined;
  let completionTokens: number | undefined;
  let calls = 0;
  let added = false;
  return {
    add(usage) {
      added = true;
      if (usage.promptTokens !== undefined) promptTokens = (promptTokens ?? 0) + usage.promptTokens;
      if (usage.completionTokens !== undefined) {
        completionTokens = (completionTokens ?? 0) + usage.completionTokens;
      }
      calls += usage.calls;
    },
    sum: () => (added ? { promptTokens, completionTokens, calls } : undefined),
  };
}
