import { z } from "zod";
import { ConfigError } from "../../errors/index.ts";
import { checkUpstreamUrl, createAddressPolicy } from "../network/index.ts";
import { checkAdvertisedStrategies } from "./advertised-strategies.ts";
import { configProblems } from "./config-problems.ts";
import { redisUrlSchema } from "./redis-url-schema.ts";
import { checkRoutes, routeEntrySchema } from "./route-config.ts";

const positiveInteger = z.number().int().min(1);
/** At most the longest delay a Node timer keeps (2³¹ − 1 ms, about 24.8 days): a longer one fires after 1 ms. */
const milliseconds = z.number().int().min(1).max(2_147_483_647);
const environmentName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name");
const modelName = z.string().min(1).max(256);
const charactersPerToken = z.number().gt(0).max(100);

const modelEntry = z.union([
  modelName,
  z.strictObject({
    /** Name clients use in `model`. */
    name: modelName,
    /** Name sent upstream; default `name`. */
    upstreamModel: modelName.optional(),
    /** Prompt plus completion tokens the model accepts, for the context check before any call. */
    contextWindow: positiveInteger.optional(),
    /**
     * Characters per token of this model's tokenizer, to estimate its prompts' tokens before any call
     * (about 1 for the lab models, whose tokens are single characters); default `limits.charactersPerToken`.
     * Unused where the backend counts a prompt's tokens itself (the embedded engine).
     */
    charactersPerToken: charactersPerToken.optional(),
    /**
     * Another served model (by `name`) that answers this model's requests while its upstream is
     * unavailable: its circuit is open, or a call failed with 408, 409, 429 or 5xx after its retries. The
     * response still names the requested model; `mull.served_by` names the one that answered.
     */
    fallback: modelName.optional(),
    /** Price of one token (prompt or completion) of this model, the cost a bandit route weighs; default 1. */
    pricePerToken: z.number().min(0, "expected a price ≥ 0").optional(),
    /**
     * The prompt template this model's chat requests are rendered with (from their last user message): a
     * built-in name (`default`, `lab`, `gsm8k`, `qwen-math`) or a JSON template file, relative to the
     * config file. It wins over `mull serve --prompt-template`.
     */
    promptTemplate: z.string().min(1).optional(),
  }),
]);

const circuitBreaker = z
  .strictObject({
    /** Consecutive failed HTTP calls (5xx, 408, 409, 429, network errors, timeouts) that open the circuit. */
    failureThreshold: positiveInteger.max(1000).default(5),
    /** How long an open circuit refuses requests before one trial request is let through. */
    cooldownMilliseconds: milliseconds.max(3_600_000).default(10_000),
  })
  .prefault({});

const openAICompatibleUpstream = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "expected 1-64 letters, digits, '.', '_' or '-'"),
  kind: z.literal("openai-compatible").default("openai-compatible"),
  baseUrl: z.string().min(1),
  apiKeyEnv: environmentName.optional(),
  models: z.array(modelEntry).min(1),
  /** HTTP requests in flight to this upstream at once. */
  concurrency: positiveInteger.max(100_000).default(64),
  /** One deadline per upstream request, retries included. */
  timeoutMilliseconds: milliseconds.default(120_000),
  /**
   * Longest silence allowed in an upstream stream once its headers arrived, or in a whole body once it
   * began; a longer one fails the attempt, which is retried within the deadline. A stream that delivered
   * every choice's finish and its usage is complete without `[DONE]`: an upstream that then holds the
   * connection open is not waited for.
   */
  stallTimeoutMilliseconds: milliseconds.default(30_000),
  /**
   * Longest wait from sending an upstream request to its first streamed event (time to first token); a
   * longer one fails the attempt, which is retried within the deadline. It holds for every request: with
   * it set, a plain (unstreamed) client request is streamed from the upstream too, and its answer
   * assembled whole. Default: no limit but the deadline.
   */
  firstTokenTimeoutMilliseconds: milliseconds.optional(),
  /** Retries of a failed upstream request (408, 409, 429, 5xx, network errors, broken streams), within the deadline. */
  maxRetries: z.number().int().min(0).max(10).default(2),
  /**
   * When to stop calling this upstream: after `failureThreshold` consecutive failed calls its requests go
   * to their models' `fallback` (or get 503 with Retry-After) for `cooldownMilliseconds`, then one trial
   * request decides whether traffic returns.
   */
  circuitBreaker,
  /** CIDR ranges this upstream may reach although they are private, loopback or link-local. */
  allowedNetworks: z.array(z.string()).default([]),
  /** Outcome scorer for `bon@N` and `wv@N`: an LLM judge on the same model, or none. */
  scorer: z.enum(["judge", "none"]).default("judge"),
  /**
   * Process reward model for step-level searches: the same model judging each step, its own step
   * log-probability, or none (searches refused). Default none: a judged search costs a call per step.
   */
  prm: z.enum(["judge", "self", "none"]).default("none"),
  /**
   * Who keeps a request's thinking budget (`mull.reasoning_budget`, Anthropic's `thinking.budget_tokens`):
   * `llama.cpp` (sent as `thinking_budget_tokens`) or `vllm` (sent as `thinking_token_budget`) when the
   * upstream server enforces it itself; `mull` (default) cuts the thinking at the budget by budget forcing
   * and asks for the answer.
   */
  reasoningBudget: z.enum(["mull", "llama.cpp", "vllm"]).default("mull"),
});

const embeddedUpstream = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "expected 1-64 letters, digits, '.', '_' or '-'"),
  kind: z.literal("embedded"),
  /** Lab model names (`lab-large`, `lab-small`) or GGUF paths. */
  models: z.array(modelEntry).min(1),
  threads: positiveInteger.max(256).optional(),
  concurrency: positiveInteger.max(100_000).default(16),
});

/** The schema of `mull serve --config FILE`. Unknown keys are errors (they are usually typos). */
export const serverConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default("127.0.0.1"),
      port: z.number().int().min(0).max(65_535).default(8080),
      /** Environment variable holding the client API keys, comma-separated. */
      apiKeysEnv: environmentName.optional(),
      /** Requests served at once; more get 429 with Retry-After. */
      maxInFlight: positiveInteger.max(1_000_000).default(256),
      /** Seconds in the Retry-After of a 429. */
      retryAfterSeconds: positiveInteger.max(3600).default(1),
      /** How long SIGTERM waits for requests in flight before cutting them. */
      shutdownGraceMilliseconds: milliseconds.default(30_000),
      /** Interval of `: keep-alive` comments on a stream while a strategy works. */
      keepAliveMilliseconds: milliseconds.default(10_000),
      logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
      /** Strategy prefixes listed by `GET /v1/models` for each model (any valid one is accepted). */
      advertisedStrategies: z.array(z.string().min(1)).default(["sc@8"]),
      /**
       * Serving state shared by the replicas behind a load balancer (`mull serve --state`): per-key token
       * budgets, per-key request rates and upstream circuits kept in Redis instead of each process's memory; absent means memory.
       */
      state: z
        .strictObject({
          url: redisUrlSchema,
          /** Prefix of every key, so deployments and tests can share one Redis. */
          prefix: z
            .string()
            .min(1, "expected a key prefix of 1 to 200 characters, e.g. mull: or mull-staging:")
            .max(200, "expected a key prefix of 1 to 200 characters, e.g. mull: or mull-staging:")
            .default("mull:"),
        })
        .optional(),
    })
    .prefault({}),
  limits: z
    .strictObject({
      /** Largest request body; larger ones get 413 before they are read. */
      maxBodyBytes: positiveInteger.max(1 << 30).default(4 * 1024 * 1024),
      /** Deepest JSON nesting accepted in a body. */
      maxJsonDepth: positiveInteger.max(10_000).default(64),
      /** Largest `n`, and largest number of samples a strategy may draw. */
      maxSamples: positiveInteger.max(100_000).default(64),
      /** Largest `max_tokens`. */
      maxTokens: positiveInteger.default(32_768),
      /** `max_tokens` of requests that give none, or what the model's context window leaves after the prompt if less. */
      defaultMaxTokens: positiveInteger.default(2048),
      /**
       * Tokens one request may use at worst: samples × (prompt + max_tokens), or a strategy's own worst case
       * where its calls re-read what it wrote.
       */
      maxRequestTokens: positiveInteger.default(1_048_576),
      /** Wall time of one request; a strategy returns its best so far when it runs out. */
      maxRequestMilliseconds: milliseconds.default(600_000),
      /** Fewest samples, as a fraction of those asked, a voting strategy needs to answer. */
      minSampleFraction: z.number().gt(0).max(1).default(0.5),
      /**
       * Tokens each API key may use per minute, reserved at the worst case before a request starts and
       * settled when it ends; absent means no per-key limit.
       */
      keyTokensPerMinute: positiveInteger.optional(),
      /**
       * Generation requests each API key may make per minute (fixed one-minute windows from a key's
       * first request in them); more get 429 `key_rate_limited` with Retry-After; absent means no limit.
       */
      keyRequestsPerMinute: positiveInteger.optional(),
      /**
       * Characters per token used to estimate prompt tokens before any call, for models that set none of
       * their own (`models[].charactersPerToken`) and whose backend cannot count them.
       */
      charactersPerToken: charactersPerToken.default(4),
    })
    .prefault({}),
  /** Upstreams by `kind` (default `openai-compatible`): a problem of one is named by its own field. */
  upstreams: z
    .array(z.discriminatedUnion("kind", [embeddedUpstream, openAICompatibleUpstream]))
    .min(1, "at least one upstream is required"),
  /**
   * Model names that route over served models: a bandit over a pool (`{ name: "auto", models: [...],
   * policy: "ucb" | "thompson", lambda, seed }`) or a routing strategy's spec (`{ name, strategy }`).
   */
  routes: z.array(routeEntrySchema).default([]),
});

/** A validated server configuration, defaults filled in. */
export type ServerConfig = z.output<typeof serverConfigSchema>;
/** One upstream of a `ServerConfig`. */
export type UpstreamConfig = ServerConfig["upstreams"][number];
/** The input form of a server configuration (what a config file holds). */
export type ServerConfigInput = z.input<typeof serverConfigSchema>;

/** A model entry with defaults resolved. */
export interface ModelEntry {
  /** Name clients put in `model` (a model given as a string is named by it). */
  readonly name: string;
  /** Name sent to the upstream; `name` unless the entry says otherwise. */
  readonly upstreamModel: string;
  /** Prompt plus completion tokens the model accepts, for the context check before any call; `undefined` when not configured. */
  readonly contextWindow: number | undefined;
  /** The served model that answers while this one's upstream is unavailable. */
  readonly fallback: string | undefined;
  /** Price of one token, the cost a bandit route weighs (default 1). */
  readonly pricePerToken: number;
  /** Its own prompt template: a built-in name or a template file. */
  readonly promptTemplate: string | undefined;
  /** Its tokenizer's characters per token, for prompt estimates; `undefined` means `limits.charactersPerToken`. */
  readonly charactersPerToken: number | undefined;
}

/** The models of an upstream, each as an object. */
export function modelEntries(upstream: UpstreamConfig): ModelEntry[] {
  return upstream.models.map((entry) =>
    typeof entry === "string"
      ? {
          name: entry,
          upstreamModel: entry,
          contextWindow: undefined,
          fallback: undefined,
          pricePerToken: 1,
          promptTemplate: undefined,
          charactersPerToken: undefined,
        }
      : {
          name: entry.name,
          upstreamModel: entry.upstreamModel ?? entry.name,
          contextWindow: entry.contextWindow,
          fallback: entry.fallback,
          pricePerToken: entry.pricePerToken ?? 1,
          promptTemplate: entry.promptTemplate,
          charactersPerToken: entry.charactersPerToken,
        },
  );
}

/**
 * Validates a server configuration (the parsed JSON of a config file): types, ranges (a concurrency or
 * timeout of 0 is an error), unique upstream and model names, and every upstream URL against the SSRF
 * policy (`checkUpstreamUrl`), with each upstream's `allowedNetworks` as its allowlist; and every model's
 * `fallback`: it names another served model, and following fallbacks never comes back to a model; every
 * route (`checkRoutes`): its pool or spec names served models; and every advertised strategy
 * (`checkAdvertisedStrategies`): a spec the parser takes, without models, that prefixes a model name.
 *
 * @throws ConfigError listing every problem (`configProblems`) with its path and what was expected:
 * `upstreams[0].baseURL: unknown key (did you mean baseUrl?)`, `upstreams[0].name: missing; expected a
 * string`; its `field` is the first problem's.
 * @example
 * const config = parseServerConfig({ upstreams: [{ name: "vllm", baseUrl: "https://llm.example.com/v1", models: ["qwen"] }] });
 */
export function parseServerConfig(value: unknown, source = "config"): ServerConfig {
  const result = serverConfigSchema.safeParse(value);
  if (!result.success) {
    const problems = configProblems(serverConfigSchema, value, result.error.issues);
    const listed = problems.map((problem) => problem.text).join("\n  ");
    throw new ConfigError(`${source} is invalid:\n  ${listed}`, { field: problems[0]?.field });
  }
  const config = result.data;
  const upstreamNames = new Set<string>();
  const modelNames = new Map<string, string>();
  config.upstreams.forEach((upstream, index) => {
    const field = `upstreams[${index}]`;
    if (upstreamNames.has(upstream.name)) {
      throw new ConfigError(`${source}: ${field}.name "${upstream.name}" is used twice`, {
        field: `${field}.name`,
      });
    }
    upstreamNames.add(upstream.name);
    for (const model of modelEntries(upstream)) {
      const other = modelNames.get(model.name);
      if (other !== undefined) {
        throw new ConfigError(
          `${source}: model "${model.name}" is served by both upstream "${other}" and "${upstream.name}"; names must be unique`,
          { field: `${field}.models` },
        );
      }
      if (model.name.includes(":") && /^([a-z][a-z-]*@\d+|greedy|single):/i.test(model.name)) {
        throw new ConfigError(
          `${source}: model "${model.name}" starts like a strategy prefix (e.g. "sc@8:"); rename it`,
          { field: `${field}.models` },
        );
      }
      modelNames.set(model.name, upstream.name);
    }
    if (upstream.kind === "openai-compatible") {
      const policy = createAddressPolicy(upstream.allowedNetworks, `${source}: ${field}.allowedNetworks`);
      checkUpstreamUrl(upstream.baseUrl, policy, `${source}: ${field}.baseUrl`);
    }
  });
  checkFallbacks(config, source);
  checkRoutes(config.routes, [...modelNames.keys()], source);
  checkAdvertisedStrategies(config.server.advertisedStrategies, source);
  return config;
}

/** Refuses a fallback that names no served model, the model itself, or leads back to where it started. */
function checkFallbacks(config: ServerConfig, source: string): void {
  const fallbacks = new Map<string, { fallback: string; field: string }>();
  config.upstreams.forEach((upstream, upstreamIndex) => {
    modelEntries(upstream).forEach((model, modelIndex) => {
      if (model.fallback === undefined) return;
      fallbacks.set(model.name, {
        fallback: model.fallback,
        field: `upstreams[${upstreamIndex}].models[${modelIndex}].fallback`,
      });
    });
  });
  const served = new Set(
    config.upstreams.flatMap((upstream) => modelEntries(upstream).map((model) => model.name)),
  );
  for (const [name, { fallback, field }] of fallbacks) {
    if (fallback === name) {
      throw new ConfigError(`${source}: ${field} "${fallback}" is the model itself; name another model`, {
        field,
      });
    }
    if (!served.has(fallback)) {
      throw new ConfigError(`${source}: ${field} "${fallback}" is not a served model`, { field });
    }
  }
  for (const [name, { field }] of fallbacks) {
    const chain = [name];
    let next = fallbacks.get(name)?.fallback;
    while (next !== undefined) {
      chain.push(next);
      if (next === name) {
        throw new ConfigError(`${source}: ${field} makes a cycle of fallbacks: ${chain.join(" → ")}`, {
          field,
        });
      }
      // A cycle that does not pass through `name` is reported from one of its own models.
      if (chain.indexOf(next) < chain.length - 1) break;
      next = fallbacks.get(next)?.fallback;
    }
  }
}
