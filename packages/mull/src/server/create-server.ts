import { Hono } from "hono";
import type { Logger } from "pino";
import { anthropicErrors, countTokensRoute, messagesRoute } from "./anthropic/index.ts";
import type { ServerConfig } from "./config/index.ts";
import {
  apiKeyAuth,
  createApiKeyCheck,
  createInFlightLimiter,
  drainGuard,
  inFlightLimit,
  keyBudgetLimit,
  keyRequestRateLimit,
  requestAbort,
  requestContext,
  requestSpan,
  type ServerEnvironment,
} from "./middleware/index.ts";
import { buildModelRoutes } from "./model-routes/index.ts";
import {
  chatCompletionsRoute,
  completionsRoute,
  healthRoute,
  methodNotAllowed,
  metricsRoute,
  modelCatalog,
  modelRoute,
  modelsRoute,
  notFound,
  unhandledError,
} from "./routes/index.ts";
import { memoryServingState, type ServingState } from "./state/index.ts";
import { createServerLogger, createServerMetrics, type ServerMetrics } from "./telemetry/index.ts";
import { type ServedModel, upstreamCircuits } from "./upstreams/index.ts";

/** Options of `createServer`. */
export interface CreateServerOptions {
  /** A validated configuration (`parseServerConfig`); its `server` and `limits` sections apply here. */
  readonly config: ServerConfig;
  /** The models served (`buildServedModels`, or hand-made ones in tests). */
  readonly models: readonly ServedModel[];
  /** Client API keys; empty or absent means no authentication (listen on loopback only). */
  readonly apiKeys?: readonly string[] | undefined;
  /** Default: a pino logger at the configured level, to standard error. */
  readonly logger?: Logger | undefined;
  /** Default: fresh metrics in their own registry. */
  readonly metrics?: ServerMetrics | undefined;
  /**
   * Where per-key token budgets and request rates live (give the same state to `buildServedModels` as
   * `circuitFor`, for the circuits); default this process's memory. The caller closes it.
   */
  readonly state?: ServingState | undefined;
}

/** A server: its Hono app, its metrics, and the controls a graceful shutdown needs. */
export interface MullServer {
  /** The HTTP application; test it with `app.request()`, serve it with `listenServer`. */
  readonly app: Hono<ServerEnvironment>;
  /** Its Prometheus metrics, served on `GET /metrics`: those given, or fresh ones in their own registry. */
  readonly metrics: ServerMetrics;
  /** The logger every request logs through: the one given, or a pino logger to standard error. */
  readonly logger: Logger;
  /** Generation requests being served. */
  inFlight(): number;
  /** True once `startDraining` was called; it never turns false again. */
  draining(): boolean;
  /** Refuses new generation requests with 503 and makes `/health` answer 503. */
  startDraining(): void;
  /** Resolves when no request is in flight. */
  idle(): Promise<void>;
  /** Cuts every request in flight: their upstream calls are aborted. */
  abortAll(reason?: unknown): void;
}

const paths = {
  health: "/health",
  metrics: "/metrics",
  models: "/v1/models",
  chat: "/v1/chat/completions",
  completions: "/v1/completions",
  messages: "/v1/messages",
  countTokens: "/v1/messages/count_tokens",
} as const;

/**
 * Creates the OpenAI-compatible proxy: `POST /v1/chat/completions` and `/v1/completions` (plain and
 * streamed), Anthropic's `POST /v1/messages` (mapped onto the same plan; `x-api-key` accepted as the key)
 * and its `count_tokens` (the model's own count where its backend counts, else the planning estimate), `GET /v1/models`
 * and `GET /v1/models/{model}` (OpenAI's retrieve, for any id the list returns), `GET /health` and
 * `GET /metrics`. Another method on any of these paths gets 405 `method_not_allowed` with an `Allow` header. A request picks a strategy with a model prefix
 * (`sc@8:qwen2.5-7b`) or a `mull` object (`{ "strategy": "sc", "n": 8, "budget": { … } }`); without one it
 * is passed through. Answers carry a `mull` object with the strategy, candidates, votes, why it stopped
 * and the usage summed over every sample.
 *
 * Every route but `/health` needs a bearer key when keys are configured. Bodies are checked before any
 * upstream call (content type, size, nesting depth, schema, caps on `n`, `max_tokens` and the per-request
 * token budget) and refused in OpenAI's error shape. Beyond `maxInFlight` requests the server answers 429
 * with Retry-After instead of queueing. A client that disconnects aborts every upstream call of its
 * request. Each upstream has a circuit breaker (`upstreams[].circuitBreaker`): while it is open, requests
 * go to the model's `fallback` without calling the upstream (the response keeps the model asked for and
 * names the one that answered in `mull.served_by`), or get 503 `upstream_unavailable` with Retry-After
 * until the trial request; `/health` lists each circuit's state and `/metrics` has
 * `mull_upstream_circuit_state`. A configured route (`routes`) is a model name too: a bandit route sends
 * each request to the model of its pool its policy chooses (`mull.served_by` names it) and learns from
 * the answer's reward and cost; `/metrics` (`mull_route_*`) and `/health` show each model's pulls, mean
 * reward and mean cost. Streams send `: keep-alive` comments while a strategy works; an error
 * after the stream started is sent as a `data: {"error": …}` line.
 *
 * Each key's generation requests per minute (`limits.keyRequestsPerMinute`) beyond the limit get 429
 * `key_rate_limited` with Retry-After; a request refused for overload (`maxInFlight`) or while draining
 * is not counted. Per-key budgets and request rates live in `state` (default this
 * process's memory; `connectRedisServingState` shares them with other replicas), and an unreachable
 * shared store answers 503 `state_store_unavailable`.
 *
 * The server holds no module-level state: everything lives in what this factory returns.
 *
 * @example
 * const served = await buildServedModels(config);
 * const server = createServer({ config, models: served.models, apiKeys: ["sk-local"] });
 * const response = await server.app.request("/v1/models", { headers: { authorization: "Bearer sk-local" } });
 */
export function createServer(options: CreateServerOptions): MullServer {
  const { config } = options;
  const logger = options.logger ?? createServerLogger({ level: config.server.logLevel });
  const metrics = options.metrics ?? createServerMetrics();
  const keys = createApiKeyCheck(options.apiKeys ?? []);
  const limiter = createInFlightLimiter(config.server.maxInFlight);
  const lifetime = new AbortController();
  const models = new Map(options.models.map((model) => [model.name, model]));
  const circuits = upstreamCircuits(options.models);
  for (const [upstream, circuit] of circuits) metrics.watchCircuit(upstream, () => circuit.state());
  const routes = buildModelRoutes(config, models);
  for (const [name, route] of routes.bandits) metrics.watchRoute(name, () => route.router.arms());
  let isDraining = false;
  const draining = () => isDraining;
  const state = options.state ?? memoryServingState();

  // Generation requests pass, in order: the drain guard, the in-flight limit, the key's request rate,
  // their abort signal and the key's token budget. The in-flight limit comes first so that a request shed
  // for overload never counts against its key's rate (a client retrying after 429 `server_overloaded`
  // would otherwise lock itself out); a request over its rate holds its slot only for the rate decision.
  const drain = drainGuard({ draining, metrics });
  const inFlight = inFlightLimit({
    limiter,
    maxInFlight: config.server.maxInFlight,
    retryAfterSeconds: config.server.retryAfterSeconds,
    metrics,
  });
  const abortWithClient = requestAbort({ lifetime: lifetime.signal, metrics });
  const generationGuards = [
    drain,
    inFlight,
    keyRequestRateLimit({
      requestsPerMinute: config.limits.keyRequestsPerMinute,
      keys,
      metrics,
      store: state.keyRequestRate,
    }),
    abortWithClient,
    keyBudgetLimit({
      tokensPerMinute: config.limits.keyTokensPerMinute,
      keys,
      metrics,
      store: state.keyBudget,
    }),
  ] as const;
  // A token count calls no upstream and spends no tokens: the key's request rate and budget do not apply.
  const countGuards = [drain, inFlight, abortWithClient] as const;
  const generationOptions = { models, config, metrics, routes };
  const generationRoutes = [
    [paths.chat, chatCompletionsRoute(generationOptions)],
    [paths.completions, completionsRoute(generationOptions)],
    [paths.messages, messagesRoute(generationOptions)],
  ] as const;

  const app = new Hono<ServerEnvironment>();
  app.use("*", requestContext({ logger, metrics, draining }));
  app.use("*", requestSpan());
  // Anthropic's API (`/v1/messages` and the paths under it) answers in Anthropic's error shape, the key
  // check's refusal and an unknown path's 404 included.
  app.use(`${paths.messages}/*`, anthropicErrors());
  app.get(paths.health, healthRoute({ draining, inFlight: () => limiter.count(), circuits, routes }));
  app.all(paths.health, methodNotAllowed(paths.health, "GET"));
  app.use("*", apiKeyAuth({ keys, metrics, exempt: [paths.health] }));
  app.get(paths.metrics, metricsRoute(metrics));
  app.all(paths.metrics, methodNotAllowed(paths.metrics, "GET"));
  const catalog = modelCatalog({ models, advertisedStrategies: config.server.advertisedStrategies, routes });
  app.get(paths.models, modelsRoute(catalog));
  app.all(paths.models, methodNotAllowed(paths.models, "GET"));
  // An id may hold slashes (`Qwen/Qwen2.5-7B`), so the parameter takes the rest of the path.
  app.get(`${paths.models}/:model{.+}`, modelRoute(catalog));
  app.all(`${paths.models}/:model{.+}`, methodNotAllowed(`${paths.models}/{model}`, "GET"));
  for (const [path, route] of generationRoutes) {
    app.post(path, ...generationGuards, route);
    app.all(path, methodNotAllowed(path, "POST"));
  }
  app.post(paths.countTokens, ...countGuards, countTokensRoute(generationOptions));
  app.all(paths.countTokens, methodNotAllowed(paths.countTokens, "POST"));
  app.notFound(notFound);
  app.onError(unhandledError(logger));

  return {
    app,
    metrics,
    logger,
    inFlight: () => limiter.count(),
    draining,
    startDraining() {
      isDraining = true;
    },
    idle: () => limiter.idle(),
    abortAll(reason) {
      if (!lifetime.signal.aborted)
        lifetime.abort(reason ?? new DOMException("the server is shutting down", "AbortError"));
    },
  };
}
