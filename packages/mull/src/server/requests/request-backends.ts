import { optionalMethodsOf } from "../../runtime/index.ts";
import type { Backend, Completion, GenerationRequest, Usage } from "../../spec/index.ts";
// The marker's own file, not the http folder's index, which the server's routes read.
import { markFailedUpstream } from "../http/failed-upstream.ts";
import { ApiError } from "../http/index.ts";
import {
  countSamples,
  createSampleFanOut,
  type SampleCounts,
  type ServedModel,
  underServedName,
} from "../upstreams/index.ts";
import { type KnownPromptTokens, knownPromptTokens } from "./known-prompt-tokens.ts";
import type { RequestPlan } from "./request-plan.ts";
import type { UsageMeter } from "./usage-meter.ts";

/** What `createRequestBackends` builds one request's backends from. */
export interface RequestBackendsOptions {
  /** The request's plan: its served model, and its prompt as counted by that model's tokenizer, if it was. */
  readonly plan: RequestPlan;
  /** Records what each upstream call used as it ends, however the request ends. */
  readonly meter: UsageMeter | undefined;
  /** Hears each sample as its call returns (a stream's progress), with the request of its call. */
  readonly onSample: ((completion: Completion, request: GenerationRequest) => void) | undefined;
}

/** The backends one strategy request calls its models through, and what their calls drew. */
export interface RequestBackends {
  /**
   * The request's backend of `served` (its own served model, or a model of its routing strategy's route),
   * made once per model: named by the served name, each call's prompt tokens told where known
   * (`knownPromptTokens`: the plan's counted prompt, for its own served model), metered (`UsageMeter.watch`),
   * its samples drawn one call each (`createSampleFanOut`, HTTP upstreams) or counted (`countSamples`) and
   * heard by `onSample`, and each failure of its calls marked with its upstream (`markFailedUpstream`).
   */
  backendOf(served: ServedModel): Backend;
  /** Fires once a sample of any model's fan-out was lost, so the strategy votes over the survivors. */
  readonly samplesLost: AbortSignal;
  /** The samples of the models drawn one call each (HTTP upstreams), summed; `undefined` when none was. */
  fannedOutCounts(): SampleCounts | undefined;
  /** The samples of every model, summed; `undefined` before any backend was made. */
  counts(): SampleCounts | undefined;
  /**
   * A run's `usage`, its prompt tokens told when it leaves them unknown and every call of every model made
   * a prompt known by now (`KnownPromptTokens.usageOf`, over all the models' calls); else as it is.
   */
  usageOf(usage: Usage): Usage;
}

/** The counts of several models' samples, summed; the first model's first failure first. */
function summed(counts: readonly SampleCounts[]): SampleCounts | undefined {
  if (counts.length === 0) return undefined;
  return {
    requested: counts.reduce((sum, count) => sum + count.requested, 0),
    succeeded: counts.reduce((sum, count) => sum + count.succeeded, 0),
    failed: counts.reduce((sum, count) => sum + count.failed, 0),
    firstError: counts.find((count) => count.firstError !== undefined)?.firstError,
  };
}

/**
 * Whether `error` is a fan-out's refusal of a call none of whose samples succeeded while the request had
 * none either (`only 0 of N samples succeeded`), with the samples' failure as its cause.
 */
function isQuorumRefusal(error: unknown): error is ApiError & { readonly cause: unknown } {
  return error instanceof ApiError && error.code === "samples_below_quorum" && error.cause !== undefined;
}

/** `backend`, each failure of its calls marked with `upstream`. */
function markingFailures(backend: Backend, upstream: string): Backend {
  return {
    describe: () => backend.describe(),
    capabilities: (options) => backend.capabilities(options),
    generate: async (request, options) => {
      try {
        return await backend.generate(request, options);
      } catch (error) {
        markFailedUpstream(error, upstream);
        throw error;
      }
    },
    ...optionalMethodsOf(backend),
  };
}

/** One model's backend for the request, and what its calls drew. */
interface ModelBackend {
  readonly backend: Backend;
  readonly known: KnownPromptTokens;
  readonly fannedOut: boolean;
  counts(): SampleCounts;
}

/**
 * The backends of one strategy request, one per model it calls, each made the first time it is asked
 * for. Why every model's calls go through the same wrappers: a routing strategy
 * (`cascade@8:lab-small>lab-large`) calls the models of its route, not only its served model, and a request
 * that fails or is aborted part-way must be charged what each of them used, and a stream's progress and
 * the `mull` object's samples must count each of their samples.
 *
 * @example
 * const backends = createRequestBackends({ plan, meter, onSample });
 * const result = await withRouteModels(backends.backendOf, () =>
 *   solve({ ..., backend: backends.backendOf(plan.served), signal: AbortSignal.any([signal, backends.samplesLost]) }),
 * );
 * const usage = backends.usageOf(result.usage);
 */
export function createRequestBackends(options: RequestBackendsOptions): RequestBackends {
  const { plan, meter, onSample } = options;
  const lost = new AbortController();
  const made = new Map<string, ModelBackend>();
  const make = (served: ServedModel): ModelBackend => {
    // The plan's prompt was counted by its own model's tokenizer: another model's may read it otherwise.
    const own = served.name === plan.served.name;
    const counted = own && plan.promptTokensCounted === true;
    const known = knownPromptTokens(
      markingFailures(underServedName(served), served.upstream),
      counted ? { prompt: plan.prompt, tokens: plan.estimatedPromptTokens } : undefined,
    );
    // Metered below the fan-out, which keeps only the samples that finished: a run that fails or is
    // aborted returns no usage, yet is charged what its calls used.
    const upstream =
      meter?.watch(known.backend, counted ? plan.estimatedPromptTokens : undefined, served.name) ??
      known.backend;
    if (served.kind === "openai-compatible") {
      const fanOut = createSampleFanOut(upstream, onSample);
      fanOut.samplesLost.addEventListener("abort", () => lost.abort(fanOut.samplesLost.reason), {
        once: true,
      });
      const backend: Backend = {
        ...fanOut.backend,
        generate: async (request, callOptions) => {
          try {
            return await fanOut.backend.generate(request, callOptions);
          } catch (error) {
            // Every sample of the call failed, after another model's samples succeeded (a route's larger
            // model down, its circuit open): the model's own failure, which names its upstream, rather
            // than a quorum the request as a whole did not miss.
            throw isQuorumRefusal(error) && (summed(allCounts())?.succeeded ?? 0) > 0 ? error.cause : error;
          }
        },
      };
      return { backend, known, fannedOut: true, counts: fanOut.counts };
    }
    const count = countSamples(upstream, onSample);
    return { backend: count.backend, known, fannedOut: false, counts: count.counts };
  };
  const allCounts = () => [...made.values()].map((model) => model.counts());
  const modelBackend = (served: ServedModel): ModelBackend => {
    const existing = made.get(served.name);
    if (existing !== undefined) return existing;
    const created = make(served);
    made.set(served.name, created);
    return created;
  };
  return {
    backendOf: (served) => modelBackend(served).backend,
    samplesLost: lost.signal,
    fannedOutCounts: () =>
      summed([...made.values()].filter((model) => model.fannedOut).map((model) => model.counts())),
    counts: () => summed(allCounts()),
    usageOf(usage) {
      if (usage.promptTokens !== undefined) return usage;
      let promptTokens = 0;
      let calls = 0;
      for (const model of made.values()) {
        const read = model.known.promptsRead();
        if (read === undefined) return usage;
        promptTokens += read.promptTokens;
        calls += read.calls;
      }
      return calls === 0 || calls !== usage.calls ? usage : { ...usage, promptTokens };
    },
  };
}
