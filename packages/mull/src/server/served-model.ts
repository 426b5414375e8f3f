import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { ConfigError } from "../errors/index.ts";
import { labOutcomeChecker, labProcessReward } from "../lab/index.ts";
import { judgeProcessReward, selfLogprobReward } from "../process-rewards/index.ts";
import { llmJudgeScorer } from "../scoring/index.ts";
import type { Backend, OutcomeScorer, ProcessRewardModel } from "../spec/index.ts";
import { createAddressPolicy } from "./address-policy.ts";
import { createGuardedFetch, type GuardedFetch } from "./guarded-fetch.ts";
import { modelEntries, type ServerConfig } from "./server-config.ts";

/** A model the server serves: the name clients use and the backend behind it. */
export interface ServedModel {
  /** Name clients put in `model` (without a strategy prefix). */
  readonly name: string;
  /** Name of the upstream in the configuration (a metrics label). */
  readonly upstream: string;
  readonly backend: Backend;
  /**
   * The same upstream asked for whole (unstreamed) responses, when it can be: a plain request the client
   * does not stream waits for the whole answer anyway, and one JSON body costs less to relay than a
   * stream of events.
   */
  readonly unstreamed?: Backend | undefined;
  /** `openai-compatible` upstreams are sampled one request per sample, so a lost sample costs only itself. */
  readonly kind: "openai-compatible" | "embedded" | "other";
  /** True for the embedded lab models, which read `Q: … A:` prompts made from the last user message. */
  readonly lab: boolean;
  /** Prompt plus completion tokens the model accepts, when configured. */
  readonly contextWindow: number | undefined;
  /** Outcome scorer for `bon@N` and `wv@N`, when there is one. */
  readonly scorer: OutcomeScorer | undefined;
  /** Process reward model for step-level searches (`pf@N`, `beam@NxM`, `astar@K`, …), when there is one. */
  readonly prm?: ProcessRewardModel | undefined;
}

/** Observes each HTTP request to an upstream: its outcome (status, `network-error`, `aborted`) and time to headers. */
export type UpstreamCallObserver = (upstream: string, outcome: string, seconds: number) => void;

/** Options of `buildServedModels`. */
export interface BuildServedModelsOptions {
  /** Where `apiKeyEnv` variables are read (default `process.env`). */
  readonly environment?: Readonly<Record<string, string | undefined>> | undefined;
  /** Loads an embedded model; required when the configuration has an `embedded` upstream. */
  readonly loadEmbedded?:
    | ((model: string, options: { threads?: number | undefined }) => Promise<Backend>)
    | undefined;
  readonly observeUpstreamCall?: UpstreamCallObserver | undefined;
}

/** The served models and what releases them. */
export interface ServedModels {
  readonly models: readonly ServedModel[];
  /** Disposes every backend and closes pooled upstream connections. */
  dispose(): Promise<void>;
}

function observedFetch(
  guarded: GuardedFetch,
  upstream: string,
  observe: UpstreamCallObserver | undefined,
): typeof fetch {
  if (observe === undefined) return guarded.fetch;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const start = performance.now();
    try {
      const response = await guarded.fetch(input, init);
      observe(upstream, String(response.status), (performance.now() - start) / 1000);
      return response;
    } catch (error) {
      observe(
        upstream,
        init?.signal?.aborted ? "aborted" : "network-error",
        (performance.now() - start) / 1000,
      );
      throw error;
    }
  }) as typeof fetch;
}

/**
 * Creates the backends a configuration names: one OpenAI-compatible backend per upstream model, over a
 * guarded `fetch` (addresses checked at connect time, no redirects) with the upstream's concurrency,
 * timeouts and retries; and the embedded models through `loadEmbedded`.
 *
 * @example
 * const served = await buildServedModels(config, { loadEmbedded: (model) => createLlamaCppBackend({ model }) });
 * const server = createServer({ config, models: served.models });
 */
export async function buildServedModels(
  config: ServerConfig,
  options: BuildServedModelsOptions = {},
): Promise<ServedModels> {
  const models: ServedModel[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  const dispose = async () => {
    await Promise.allSettled(closers.map((close) => close()));
  };
  try {
    for (const [index, upstream] of config.upstreams.entries()) {
      if (upstream.kind === "embedded") {
        const load = options.loadEmbedded;
        if (load === undefined) {
          throw new ConfigError(
            `upstreams[${index}] is embedded, but the embedded backend is not available here`,
            {
              field: `upstreams[${index}].kind`,
            },
          );
        }
        for (const entry of modelEntries(upstream)) {
          const backend = await load(entry.upstreamModel, { threads: upstream.threads });
          closers.push(() => backend.dispose?.());
          // Lab models (named lab-…, or a GGUF file served under such a name) read the lab's prompts.
          const lab = /^lab-/.test(entry.upstreamModel) || /^lab-/.test(entry.name);
          models.push({
            name: entry.name,
            upstream: upstream.name,
            backend,
            kind: "embedded",
            lab,
            contextWindow: entry.contextWindow,
            scorer: lab ? labOutcomeChecker() : undefined,
            prm: lab ? labProcessReward() : undefined,
          });
        }
        continue;
      }
      const guarded = createGuardedFetch({ policy: createAddressPolicy(upstream.allowedNetworks) });
      closers.push(() => guarded.close());
      const fetchFunction = observedFetch(guarded, upstream.name, options.observeUpstreamCall);
      for (const entry of modelEntries(upstream)) {
        const backend = createOpenAICompatibleBackend({
          baseUrl: upstream.baseUrl,
          model: entry.upstreamModel,
          ...(upstream.apiKeyEnv === undefined ? {} : { apiKeyEnv: upstream.apiKeyEnv }),
          concurrency: upstream.concurrency,
          timeoutMilliseconds: upstream.timeoutMilliseconds,
          stallTimeoutMilliseconds: upstream.stallTimeoutMilliseconds,
          ...(upstream.firstTokenTimeoutMilliseconds === undefined
            ? {}
            : { firstTokenTimeoutMilliseconds: upstream.firstTokenTimeoutMilliseconds }),
          maxRetries: upstream.maxRetries,
          fetch: fetchFunction,
          ...(options.environment === undefined ? {} : { environment: options.environment }),
        });
        closers.push(() => backend.dispose());
        models.push({
          name: entry.name,
          upstream: upstream.name,
          backend,
          unstreamed: backend.unstreamed(),
          kind: "openai-compatible",
          lab: false,
          contextWindow: entry.contextWindow,
          scorer: upstream.scorer === "judge" ? llmJudgeScorer({ backend }) : undefined,
          prm:
            upstream.prm === "judge"
              ? judgeProcessReward({ backend })
              : upstream.prm === "self"
                ? selfLogprobReward({ backend })
                : undefined,
        });
      }
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { models, dispose };
}
