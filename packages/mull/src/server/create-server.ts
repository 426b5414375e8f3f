import { randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import type { Logger } from "pino";
import { isSearchSpec } from "../search/index.ts";
import type { ServerConfig } from "./config/index.ts";
import { ApiError, toApiError } from "./http/index.ts";
import {
  createApiKeyCheck,
  createInFlightLimiter,
  createKeyTokenBudget,
  type TokenReservation,
} from "./middleware/index.ts";
import {
  chatRequestSchema,
  completionBody,
  completionRequestSchema,
  createLiveText,
  type EndpointKind,
  type LiveText,
  liveTailChunks,
  liveTextChunks,
  parseRequestBody,
  planRequest,
  type RequestOutcome,
  type RequestPlan,
  type ResponseIdentity,
  readJsonBody,
  runRequest,
  runWithFallback,
  streamChunks,
} from "./requests/index.ts";
import { createServerLogger, createServerMetrics, type ServerMetrics } from "./telemetry/index.ts";
import type { ServedModel } from "./upstreams/index.ts";

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
}

/** A server: its Hono app, its metrics, and the controls a graceful shutdown needs. */
export interface MullServer {
  /** The HTTP application; test it with `app.request()`, serve it with `listenServer`. */
  readonly app: Hono<ServerEnvironment>;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** Generation requests being served. */
  inFlight(): number;
  draining(): boolean;
  /** Refuses new generation requests with 503 and makes `/health` answer 503. */
  startDraining(): void;
  /** Resolves when no request is in flight. */
  idle(): Promise<void>;
  /** Cuts every request in flight: their upstream calls are aborted. */
  abortAll(reason?: unknown): void;
}

/** Per-request values of the Hono context. */
export interface ServerEnvironment {
  Variables: {
    requestId: string;
    /** Set by handlers that record their own metrics when a stream ends. */
    metricsDeferred: boolean;
  };
}

const routes = {
  health: "/health",
  metrics: "/metrics",
  models: "/v1/models",
  chat: "/v1/chat/completions",
  completions: "/v1/completions",
} as const;

const streamHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

type Settled = { ok: true; value: RequestOutcome } | { ok: false; error: unknown };

/**
 * Creates the OpenAI-compatible proxy: `POST /v1/chat/completions` and `/v1/completions` (plain and
 * streamed), `GET /v1/models`, `/health` and `/metrics`. A request picks a strategy with a model prefix
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
 * `mull_upstream_circuit_state`. Streams send `: keep-alive` comments while a strategy works; an error after the stream started
 * is sent as a `data: {"error": …}` line.
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
  const { limits } = config;
  const logger = options.logger ?? createServerLogger({ level: config.server.logLevel });
  const metrics = options.metrics ?? createServerMetrics();
  const keys = createApiKeyCheck(options.apiKeys ?? []);
  const limiter = createInFlightLimiter(config.server.maxInFlight);
  const keyBudget =
    limits.keyTokensPerMinute === undefined
      ? undefined
      : createKeyTokenBudget(limits.keyTokensPerMinute, Date.now);
  const lifetime = new AbortController();
  const models = new Map(options.models.map((model) => [model.name, model]));
  // One breaker per upstream, shared by its models.
  const circuits = new Map<string, NonNullable<ServedModel["circuit"]>>();
  for (const model of options.models) {
    if (model.circuit !== undefined && !circuits.has(model.upstream))
      circuits.set(model.upstream, model.circuit);
  }
  for (const [upstream, circuit] of circuits) metrics.watchCircuit(upstream, () => circuit.state());
  const circuitStates = () =>
    Object.fromEntries([...circuits].map(([upstream, circuit]) => [upstream, circuit.state()]));
  const startedAt = Math.floor(Date.now() / 1000);
  let isDraining = false;

  const app = new Hono<ServerEnvironment>();

  const record = (route: string, method: string, status: number, startedAtMilliseconds: number) => {
    metrics.requests.inc({ route, method, status: String(status) });
    metrics.requestSeconds.observe({ route }, (performance.now() - startedAtMilliseconds) / 1000);
  };

  const errorResponse = (context: Context<ServerEnvironment>, error: ApiError): Response => {
    const headers: Record<string, string> = { ...error.headers, "x-request-id": context.get("requestId") };
    if (isDraining) headers.connection = "close";
    return context.json(error.body(), error.status as 400, headers);
  };

  app.use("*", async (context, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    context.set("requestId", requestId);
    context.set("metricsDeferred", false);
    await next();
    context.res.headers.set("x-request-id", requestId);
    if (isDraining) context.res.headers.set("connection", "close");
    if (!context.get("metricsDeferred")) {
      const route = context.req.routePath === "/*" ? "unmatched" : context.req.routePath;
      record(route, context.req.method, context.res.status, started);
    }
  });

  app.get(routes.health, (context) =>
    isDraining
      ? context.json({ status: "draining", in_flight: limiter.count(), circuits: circuitStates() }, 503)
      : context.json({ status: "ok", in_flight: limiter.count(), circuits: circuitStates() }),
  );

  app.use("*", async (context, next) => {
    if (context.req.path === routes.health || keys.accepts(context.req.header("authorization"))) {
      await next();
      return;
    }
    metrics.rejected.inc({ reason: "unauthorized" });
    const error = new ApiError(401, "Missing or incorrect API key. Send it as Authorization: Bearer <key>.", {
      type: "authentication_error",
      code: "invalid_api_key",
      headers: { "www-authenticate": "Bearer" },
    });
    context.res = errorResponse(context, error);
  });

  app.get(routes.metrics, async (context) => {
    const text = await metrics.registry.metrics();
    return context.body(text, 200, { "content-type": metrics.registry.contentType });
  });

  app.get(routes.models, (context) => {
    const data: Record<string, unknown>[] = [];
    for (const model of models.values()) {
      data.push({ id: model.name, object: "model", created: startedAt, owned_by: model.upstream });
      for (const strategy of config.server.advertisedStrategies) {
        const needsScorer = /^(bon|wv)@/i.test(strategy);
        if (needsScorer && model.scorer === undefined) continue;
        if (isSearchSpec(strategy) && model.prm === undefined) continue;
        data.push({
          id: `${strategy}:${model.name}`,
          object: "model",
          created: startedAt,
          owned_by: "mull",
          parent: model.name,
        });
      }
    }
    return context.json({ object: "list", data });
  });

  const serve = (endpoint: EndpointKind) => async (context: Context<ServerEnvironment>) => {
    const started = performance.now();
    const requestId = context.get("requestId");
    const route = endpoint === "chat" ? routes.chat : routes.completions;
    if (isDraining) {
      metrics.rejected.inc({ reason: "draining" });
      return errorResponse(
        context,
        new ApiError(503, "the server is shutting down; retry on another instance", {
          code: "server_shutting_down",
          headers: { "retry-after": "1" },
        }),
      );
    }
    if (!limiter.tryAcquire()) {
      metrics.rejected.inc({ reason: "overload" });
      const seconds = config.server.retryAfterSeconds;
      return errorResponse(
        context,
        new ApiError(
          429,
          `the server is at its limit of ${config.server.maxInFlight} requests in flight; retry after ${seconds} s`,
          {
            code: "server_overloaded",
            headers: { "retry-after": String(seconds) },
          },
        ),
      );
    }
    metrics.inFlight.inc();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      limiter.release();
      metrics.inFlight.dec();
    };
    const controller = new AbortController();
    const clientSignal = context.req.raw.signal;
    const onClientGone = () => {
      if (controller.signal.aborted) return;
      metrics.clientDisconnects.inc();
      controller.abort(new DOMException("the client disconnected", "AbortError"));
    };
    const onShutdown = () => controller.abort(lifetime.signal.reason);
    clientSignal.addEventListener("abort", onClientGone, { once: true });
    lifetime.signal.addEventListener("abort", onShutdown, { once: true });
    const detach = () => {
      clientSignal.removeEventListener("abort", onClientGone);
      lifetime.signal.removeEventListener("abort", onShutdown);
    };
    let plan: RequestPlan | undefined;
    /** The plan being served: the request's own, or a fallback's. */
    let attempted: RequestPlan | undefined;
    let streaming = false;
    let reservation: TokenReservation | undefined;
    const logLine = (status: number, extra: Record<string, unknown> = {}) => {
      // Below the logger's level no line is built (a benchmark or a quiet server logs only failures).
      if (!logger.isLevelEnabled(status >= 500 ? "warn" : "info")) return;
      const line = {
        requestId,
        route,
        status,
        milliseconds: Math.round((performance.now() - started) * 10) / 10,
        ...(plan === undefined
          ? {}
          : {
              model: plan.served.name,
              upstream: plan.served.upstream,
              strategy: plan.strategy?.name ?? "none",
              samples: plan.samples,
              ...(attempted === undefined || attempted.served === plan.served
                ? {}
                : { servedBy: attempted.served.name, servedByUpstream: attempted.served.upstream }),
            }),
        ...extra,
      };
      if (status >= 500) logger.warn(line, "request failed");
      else logger.info(line, "request");
    };
    const fail = (error: unknown): ApiError => {
      const apiError = toApiError(error, { upstream: (attempted ?? plan)?.served.upstream, requestId });
      if (apiError.status >= 500) {
        const cause = apiError.cause ?? error;
        logger.warn(
          {
            requestId,
            error: cause instanceof Error ? { name: cause.name, message: cause.message } : String(cause),
          },
          "request error",
        );
      }
      return apiError;
    };
    try {
      const raw = await readJsonBody(context.req.raw, limits);
      const body = parseRequestBody(endpoint === "chat" ? chatRequestSchema : completionRequestSchema, raw);
      plan = planRequest(endpoint, body, models, limits);
      if (keyBudget !== undefined) {
        const reserved = keyBudget.reserve(
          keys.keyId(context.req.header("authorization")),
          plan.worstCaseTokens,
        );
        if ("retryAfterSeconds" in reserved) {
          metrics.rejected.inc({ reason: "key-budget" });
          throw new ApiError(
            429,
            `this key's token budget of ${limits.keyTokensPerMinute} tokens per minute cannot cover this request (up to ${plan.worstCaseTokens} tokens); retry after ${reserved.retryAfterSeconds} s`,
            { code: "key_budget_exceeded", headers: { "retry-after": String(reserved.retryAfterSeconds) } },
          );
        }
        reservation = reserved;
      }
      const identity: ResponseIdentity = {
        id: `${endpoint === "chat" ? "chatcmpl" : "cmpl"}-${requestId.replaceAll("-", "")}`,
        created: Math.floor(Date.now() / 1000),
      };
      const held = reservation;
      const requested = plan;
      // A streamed pass-through of one completion relays the upstream's text as it arrives.
      const live =
        plan.stream && plan.strategy === undefined && plan.samples === 1 && !plan.logprobs
          ? createLiveText()
          : undefined;
      // A fallback serves the same request under the same strategy prefix; the response keeps the name asked.
      const prefix = body.model.slice(0, body.model.length - plan.served.name.length);
      const replan = (model: ServedModel): RequestPlan | undefined => {
        try {
          const other = planRequest(endpoint, { ...body, model: `${prefix}${model.name}` }, models, limits);
          return { ...other, requestedModel: requested.requestedModel };
        } catch (error) {
          // A fallback that cannot take this request (context window, scorer) is no fallback for it.
          if (error instanceof ApiError) return undefined;
          throw error;
        }
      };
      const work = runWithFallback({
        plan,
        models,
        replan,
        run: (next) => {
          attempted = next;
          return runRequest(next, controller.signal, limits.minSampleFraction, live?.push);
        },
        canRestart: () => (live === undefined || live.text() === "") && !controller.signal.aborted,
      }).then(({ outcome: served, plan: answered }) => {
        const upstream = answered.served.upstream;
        const outcome: RequestOutcome =
          answered.served === requested.served ? served : { ...served, servedBy: answered.served.name };
        const { promptTokens, completionTokens } = outcome.usage;
        held?.settle(
          promptTokens === undefined || completionTokens === undefined
            ? undefined
            : promptTokens + completionTokens,
        );
        metrics.countUsage(upstream, outcome.usage);
        const samples = outcome.report?.samples;
        if (samples !== undefined) {
          metrics.samples.inc({ upstream, outcome: "ok" }, samples.succeeded);
          if (samples.failed > 0) metrics.samples.inc({ upstream, outcome: "failed" }, samples.failed);
        }
        return outcome;
      });
      if (!plan.stream) {
        const outcome = await work;
        logLine(200);
        return context.json(completionBody(plan, outcome, identity));
      }
      // Streams: answer with a proper status if the work settles before the first keep-alive is due.
      const settled: Promise<Settled> = work.then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      );
      let resolveWait: (value: undefined) => void = () => undefined;
      const waited = new Promise<undefined>((resolve) => {
        resolveWait = resolve;
      });
      const timer = setTimeout(() => resolveWait(undefined), config.server.keepAliveMilliseconds);
      const early = await Promise.race([settled, waited, ...(live === undefined ? [] : [live.started])]);
      clearTimeout(timer);
      if (early !== undefined && !early.ok) throw early.error;
      controller.signal.throwIfAborted();
      streaming = true;
      context.set("metricsDeferred", true);
      const streamPlan = plan;
      return new Response(
        sseStream({
          plan: streamPlan,
          identity,
          settled,
          keepAliveMilliseconds: config.server.keepAliveMilliseconds,
          firstKeepAlive: early === undefined && (live === undefined || live.text() === ""),
          live,
          signal: controller.signal,
          onCancel: () => onClientGone(),
          onEnd: (status, error) => {
            release();
            detach();
            record(route, "POST", status, started);
            if (error !== undefined) {
              logLine(status, { streamError: error.message });
            } else {
              logLine(status);
            }
          },
          fail,
        }),
        { status: 200, headers: { ...streamHeaders, "x-request-id": requestId } },
      );
    } catch (error) {
      if (controller.signal.aborted && clientSignal.aborted) {
        logLine(499, { clientDisconnected: true });
        return new Response(null, { status: 499 });
      }
      const apiError =
        controller.signal.aborted && lifetime.signal.aborted
          ? new ApiError(503, "the server shut down before the request finished", {
              code: "server_shutting_down",
            })
          : fail(error);
      if (apiError.status < 500 && plan === undefined) metrics.rejected.inc({ reason: "invalid" });
      logLine(apiError.status, {
        code: apiError.code,
        ...(apiError.param === undefined ? {} : { param: apiError.param }),
      });
      return errorResponse(context, apiError);
    } finally {
      if (!streaming) {
        release();
        detach();
      }
    }
  };

  app.post(routes.chat, serve("chat"));
  app.post(routes.completions, serve("completions"));
  for (const path of [routes.chat, routes.completions]) {
    app.all(path, (context) =>
      errorResponse(
        context,
        new ApiError(405, `${context.req.method} is not allowed on ${path}; use POST`, {
          code: "method_not_allowed",
        }),
      ),
    );
  }

  app.notFound((context) =>
    errorResponse(
      context,
      new ApiError(404, `no route for ${context.req.method} ${context.req.path.slice(0, 200)}`, {
        code: "not_found",
      }),
    ),
  );
  app.onError((error, context) => {
    const apiError = toApiError(error, { requestId: context.get("requestId") });
    if (apiError.status >= 500)
      logger.error({ requestId: context.get("requestId"), error: String(error) }, "unhandled error");
    return errorResponse(context, apiError);
  });

  return {
    app,
    metrics,
    logger,
    inFlight: () => limiter.count(),
    draining: () => isDraining,
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

interface SseStreamOptions {
  readonly plan: RequestPlan;
  readonly identity: ResponseIdentity;
  readonly settled: Promise<Settled>;
  readonly keepAliveMilliseconds: number;
  /** Send a keep-alive comment at once (the outcome is not there yet). */
  readonly firstKeepAlive: boolean;
  /** A pass-through's text as the upstream streams it, relayed piece by piece. */
  readonly live: LiveText | undefined;
  readonly signal: AbortSignal;
  /** The client cancelled the stream. */
  onCancel(): void;
  /** Called once when the stream ends, with the status to record and the error sent, if any. */
  onEnd(status: number, error?: ApiError): void;
  fail(error: unknown): ApiError;
}

/** The SSE body of a streamed response: keep-alive comments until the outcome, then its chunks and `[DONE]`. */
function sseStream(options: SseStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | undefined;
  let ended = false;
  const end = (status: number, error?: ApiError) => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    options.onEnd(status, error);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (ended) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The stream was cancelled in between.
        }
      };
      if (options.firstKeepAlive) send(": keep-alive\n\n");
      timer = setInterval(() => send(": keep-alive\n\n"), options.keepAliveMilliseconds);
      const line = (chunk: unknown) => `data: ${JSON.stringify(chunk)}\n\n`;
      options.live?.listen((text, first) =>
        send(liveTextChunks(options.plan, options.identity, text, first).map(line).join("")),
      );
      options.settled.then((result) => {
        if (ended) return;
        if (options.signal.aborted) {
          end(499);
          try {
            controller.close();
          } catch {}
          return;
        }
        if (result.ok) {
          const delivered = options.live?.text() ?? "";
          const chunks =
            delivered === ""
              ? streamChunks(options.plan, result.value, options.identity)
              : liveTailChunks(options.plan, result.value, options.identity, delivered);
          const lines = chunks.map(line).join("");
          send(`${lines}data: [DONE]\n\n`);
          end(200);
        } else {
          const error = options.fail(result.error);
          send(`data: ${JSON.stringify(error.body())}\n\n`);
          end(error.status, error);
        }
        try {
          controller.close();
        } catch {}
      });
    },
    cancel() {
      options.onCancel();
      end(499);
    },
  });
}
