import { createOpenAICompatibleBackend } from "../../backends/openai-compatible/index.ts";
import { ConfigError } from "../../errors/index.ts";
import { defaultModelProfile } from "../../generation/index.ts";
import { labModelName, labProfile } from "../../lab/index.ts";
import { judgeProcessReward, selfLogprobReward } from "../../process-rewards/index.ts";
import { loadPromptTemplate } from "../../prompts/index.ts";
import { llmJudgeScorer } from "../../scoring/index.ts";
import type {
  Backend,
  Clock,
  ModelProfile,
  OutcomeScorer,
  ProcessRewardModel,
  PromptTemplate,
} from "../../spec/index.ts";
import { modelEntries, type ServerConfig } from "../config/index.ts";
import { createAddressPolicy, createGuardedFetch } from "../network/index.ts";
import { createCircuitBreaker } from "./circuit-breaker.ts";
import { createJudgeBackend, type JudgeBackend } from "./judge-backend.ts";
import { observedFetch, type UpstreamCallObserver } from "./observed-fetch.ts";
import type { CircuitFactory, UpstreamCircuit } from "./upstream-circuit.ts";

/** A model the server serves: the name clients use and the backend behind it. */
export interface ServedModel {
  /** Name clients put in `model` (without a strategy prefix). */
  readonly name: string;
  /** Name of the upstream in the configuration (a metrics label). */
  readonly upstream: string;
  /**
   * The backend that generates for it: an OpenAI-compatible one over the upstream's guarded, observed
   * `fetch` and circuit, or the embedded model `loadEmbedded` loaded.
   */
  readonly backend: Backend;
  /**
   * The same upstream asked for whole (unstreamed) responses, when it can be: a plain request the client
   * does not stream waits for the whole answer anyway, and one JSON body costs less to relay than a
   * stream of events.
   */
  readonly unstreamed?: Backend | undefined;
  /** `openai-compatible` upstreams are sampled one request per sample, so a lost sample costs only itself. */
  readonly kind: "openai-compatible" | "embedded" | "other";
  /**
   * What the model comes with: the lab models' profile has their `Q: … A:` prompt format (made from the last
   * user message), their exact checkers and their sampling; other models have the default profile.
   */
  readonly profile: ModelProfile;
  /**
   * Prompt plus completion tokens the model accepts: as configured, and for an embedded model no more than
   * the context its backend loaded (`embeddedContextWindow`).
   */
  readonly contextWindow: number | undefined;
  /**
   * Characters per token of the model's tokenizer, as configured (`models[].charactersPerToken`), to
   * estimate a prompt's tokens where the backend cannot count them; absent, `limits.charactersPerToken`.
   */
  readonly charactersPerToken?: number | undefined;
  /** Outcome scorer for `bon@N` and `wv@N`, when there is one. */
  readonly scorer: OutcomeScorer | undefined;
  /** Process reward model for step-level searches (`pf@N`, `beam@NxM`, `astar@K`, …), when there is one. */
  readonly prm?: ProcessRewardModel | undefined;
  /**
   * The backend `scorer` and `prm` call when they judge with the model's upstream (`scorer: "judge"`,
   * `prm: "judge"`): a request runs its strategy within `judgeBackend.watching`, so that the judge's calls
   * are metered with its samples' and charged however the request ends.
   */
  readonly judgeBackend?: JudgeBackend | undefined;
  /** The circuit breaker of the model's upstream (shared by its models), for `openai-compatible` upstreams. */
  readonly circuit?: UpstreamCircuit | undefined;
  /** Name of the served model that answers while this one's upstream is unavailable. */
  readonly fallback?: string | undefined;
  /**
   * The request field in which the upstream takes a thinking budget and keeps it itself (llama.cpp's
   * `thinking_budget_tokens`, vLLM's `thinking_token_budget`); absent, mull keeps the budget by budget forcing.
   */
  readonly reasoningBudgetField?: string | undefined;
}

/** The field each upstream server kind takes a per-request thinking budget in. */
const reasoningBudgetFields: Readonly<Record<string, string>> = {
  "llama.cpp": "thinking_budget_tokens",
  vllm: "thinking_token_budget",
};

/**
 * Lab models (named `lab-…` or by the path of a `lab-….gguf` file, as llama.cpp's `llama-server` names its
 * model with `--alias lab-large` and without, or an embedded model `isLabModel` knows by its file) come with
 * the lab's profile; other models with the default.
 */
function modelProfileOf(
  entry: { readonly name: string; readonly upstreamModel: string },
  labByFile: boolean,
): ModelProfile {
  const lab =
    labByFile || labModelName(entry.upstreamModel) !== undefined || labModelName(entry.name) !== undefined;
  return lab ? labProfile() : defaultModelProfile;
}

/**
 * The context window of an embedded model as loaded: the context its backend created (the embedded
 * llama.cpp backend's `settings.contextSize`), else the length its model file says it was trained on
 * (`describe().architecture.contextLength`); a configured `contextWindow` may only narrow it, since the
 * loaded context bounds every call whatever the configuration says.
 */
function embeddedContextWindow(backend: Backend, configured: number | undefined): number | undefined {
  const { settings } = backend as { readonly settings?: { readonly contextSize?: unknown } };
  const loaded = settings?.contextSize;
  const size =
    typeof loaded === "number" && Number.isSafeInteger(loaded) && loaded > 0
      ? loaded
      : backend.describe().architecture?.contextLength;
  if (size === undefined) return configured;
  return configured === undefined ? size : Math.min(configured, size);
}

/** Options of `buildServedModels`. */
export interface BuildServedModelsOptions {
  /** Where `apiKeyEnv` variables are read (default `process.env`). */
  readonly environment?: Readonly<Record<string, string | undefined>> | undefined;
  /** Loads an embedded model; required when the configuration has an `embedded` upstream. */
  readonly loadEmbedded?:
    | ((model: string, options: { threads?: number | undefined }) => Promise<Backend>)
    | undefined;
  /**
   * Told of each HTTP request to an `openai-compatible` upstream once its outcome is known (give it
   * `ServerMetrics.observeUpstreamCall`); default none.
   */
  readonly observeUpstreamCall?: UpstreamCallObserver | undefined;
  /** Clock of the upstreams' circuit breakers (default the process's monotonic clock); tests pass a manual one. */
  readonly clock?: Clock | undefined;
  /**
   * Makes each upstream's circuit; default one in this process (`createCircuitBreaker` on `clock`). A
   * shared serving state (`mull serve --state`) passes circuits every replica sees.
   */
  readonly circuitFor?: CircuitFactory | undefined;
  /**
   * Whether an embedded model is a lab model by what its file carries, whatever it is called (`mull serve`
   * reads its GGUF's tokenizer, and gives the template its `--system` and `--endpoint` change the same
   * answer before the model loads); default: known by its name only.
   */
  readonly isLabModel?: ((backend: Backend) => Promise<boolean>) | undefined;
  /**
   * Takes the place of every model's own prompt template: chat requests are rendered from their last user
   * message (`mull serve --prompt-template`); completion requests still pass through as they are.
   */
  readonly promptTemplate?: PromptTemplate | undefined;
}

/** The served models and what releases them. */
export interface ServedModels {
  /** One per model of every upstream, in the configuration's order. */
  readonly models: readonly ServedModel[];
  /** Disposes every backend and closes pooled upstream connections. */
  dispose(): Promise<void>;
}

/**
 * Creates the backends a configuration names: one OpenAI-compatible backend per upstream model, over a
 * guarded `fetch` (addresses checked at connect time, no redirects) with the upstream's concurrency,
 * timeouts and retries, behind one circuit breaker per upstream; and the embedded models through
 * `loadEmbedded`.
 *
 * @example
 * const served = await buildServedModels(config, { loadEmbedded: (model) => createLlamaCppBackend({ model }) });
 * const server = createServer({ config, models: served.models });
 */
export async function buildServedModels(
  config: ServerConfig,
  options: BuildServedModelsOptions = {},
): Promise<ServedModels> {
  // A model's own template (config) wins over the one for every model (`--prompt-template`).
  const templates = new Map<string, PromptTemplate>();
  for (const [index, upstream] of config.upstreams.entries()) {
    for (const [modelIndex, entry] of modelEntries(upstream).entries()) {
      if (entry.promptTemplate === undefined) continue;
      const field = `upstreams[${index}].models[${modelIndex}].promptTemplate`;
      templates.set(entry.name, (await loadPromptTemplate(entry.promptTemplate, field)).render);
    }
  }
  const profileOf = (
    entry: { readonly name: string; readonly upstreamModel: string },
    labByFile = false,
  ): ModelProfile => {
    const own = modelProfileOf(entry, labByFile);
    const template = templates.get(entry.name) ?? options.promptTemplate;
    return template === undefined ? own : { ...own, promptTemplate: template, answers: undefined };
  };
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
          const profile = profileOf(entry, (await options.isLabModel?.(backend)) === true);
          models.push({
            name: entry.name,
            upstream: upstream.name,
            backend,
            kind: "embedded",
            profile,
            contextWindow: embeddedContextWindow(backend, entry.contextWindow),
            charactersPerToken: entry.charactersPerToken,
            scorer: profile.outcomeScorer,
            prm: profile.processReward,
            fallback: entry.fallback,
          });
        }
        continue;
      }
      const guarded = createGuardedFetch({ policy: createAddressPolicy(upstream.allowedNetworks) });
      closers.push(() => guarded.close());
      const settings = {
        ...upstream.circuitBreaker,
        trialLeaseMilliseconds: upstream.timeoutMilliseconds,
      };
      const circuit =
        options.circuitFor?.(upstream.name, settings) ??
        createCircuitBreaker({ ...upstream.circuitBreaker, clock: options.clock });
      const fetchFunction = observedFetch(guarded, upstream.name, options.observeUpstreamCall, circuit);
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
        const profile = profileOf(entry);
        // A lab model cannot judge: its exact checkers take the place of the judge and of no PRM.
        const judgeScorer = profile.outcomeScorer === undefined && upstream.scorer === "judge";
        const judgePrm = upstream.prm === "judge";
        const judge = judgeScorer || judgePrm ? createJudgeBackend(backend) : undefined;
        models.push({
          name: entry.name,
          upstream: upstream.name,
          backend,
          unstreamed: backend.unstreamed(),
          kind: "openai-compatible",
          profile,
          contextWindow: entry.contextWindow,
          charactersPerToken: entry.charactersPerToken,
          scorer:
            judge !== undefined && judgeScorer
              ? llmJudgeScorer({ backend: judge.backend })
              : profile.outcomeScorer,
          prm:
            judge !== undefined && judgePrm
              ? judgeProcessReward({ backend: judge.backend })
              : upstream.prm === "self"
                ? selfLogprobReward({ backend })
                : profile.processReward,
          judgeBackend: judge,
          circuit,
          fallback: entry.fallback,
          reasoningBudgetField: reasoningBudgetFields[upstream.reasoningBudget],
        });
      }
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { models, dispose };
}
