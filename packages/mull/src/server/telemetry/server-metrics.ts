import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { BanditArmState } from "../../routing/index.ts";
import type { Usage } from "../../spec/index.ts";
import type { CircuitState, UpstreamCallKind } from "../upstreams/index.ts";

/** The Prometheus metrics of one server, in their own registry (no global state). */
export interface ServerMetrics {
  /** The registry holding every metric below; `GET /metrics` serves its text. */
  readonly registry: Registry;
  /** HTTP requests answered, by route pattern, method and status. */
  readonly requests: Counter<"route" | "method" | "status">;
  /** Seconds from a request's arrival to the end of its response (streams included), by route. */
  readonly requestSeconds: Histogram<"route">;
  /** Requests being served. */
  readonly inFlight: Gauge;
  /**
   * Requests refused before any work, by reason (`overload`, `unauthorized`, `draining`, `invalid`,
   * `key-budget`, `key-rate`).
   */
  readonly rejected: Counter<"reason">;
  /** Clients that went away before their response was complete. */
  readonly clientDisconnects: Counter;
  /**
   * HTTP requests made to upstreams, by upstream and outcome: the status code (a successful one once its
   * body was read or let go), `network-error`, `aborted`, or `unread` (a successful response whose body
   * nobody had begun to read when its call was aborted or its body was cancelled).
   */
  readonly upstreamRequests: Counter<"upstream" | "outcome">;
  /**
   * Requests made to upstreams' tokenizers to count a prompt's tokens (`POST /tokenize`, `POST
   * /apply-template`), by upstream and outcome as in `upstreamRequests`: counted apart from those, and out
   * of the upstreams' circuits, since they say nothing of whether the upstream generates.
   */
  readonly upstreamTokenizerRequests: Counter<"upstream" | "outcome">;
  /** Seconds from sending an upstream generation request to its response headers. */
  readonly upstreamSeconds: Histogram<"upstream">;
  /** Samples drawn for strategies, by upstream and outcome (`ok`, `failed`). */
  readonly samples: Counter<"upstream" | "outcome">;
  /**
   * Tokens reported by upstreams, by upstream, kind (`prompt`, `completion`) and served model (each model
   * of a routing strategy's route apart).
   */
  readonly tokens: Counter<"upstream" | "kind" | "model">;
  /** Adds the usage of one served model (of one upstream) to the token counters. */
  countUsage(upstream: string, usage: Usage, model: string): void;
  /**
   * Records one upstream HTTP request (give it to `buildServedModels` as `observeUpstreamCall`): a
   * generation or discovery request (`GET /props`, `GET /version`) in `upstreamRequests` and
   * `upstreamSeconds`, a tokenizer request in `upstreamTokenizerRequests` only.
   */
  observeUpstreamCall(upstream: string, outcome: string, seconds: number, kind?: UpstreamCallKind): void;
  /**
   * Reports an upstream's circuit breaker as `mull_upstream_circuit_state{upstream}` (0 closed, 1 half-open,
   * 2 open), read at each scrape; a later call for the same upstream replaces the earlier one.
   */
  watchCircuit(upstream: string, state: () => CircuitState | Promise<CircuitState>): void;
  /**
   * Reports a bandit route's arms, read at each scrape, as gauges labelled by route and model:
   * `mull_route_pulls`, `mull_route_observations`, `mull_route_mean_reward`, `mull_route_mean_cost`.
   */
  watchRoute(route: string, arms: () => readonly BanditArmState[]): void;
  /** Outcomes a bandit route learned from, by route, model and reward source (`checker`, `votes`, `finish`, `failure`). */
  readonly routeOutcomes: Counter<"route" | "model" | "source">;
  /** Stops the event-loop delay monitor, if one runs. */
  close(): void;
}

/** Options of `createServerMetrics`. */
export interface ServerMetricsOptions {
  /**
   * Monitor the event loop's delay (`mull_event_loop_delay_seconds{quantile}`, since the last scrape);
   * default false. Call `close()` to stop it.
   */
  readonly eventLoop?: boolean | undefined;
}

/**
 * Creates a server's metrics in a fresh registry: requests, latency histograms, requests in flight,
 * rejections, upstream calls and circuit states, samples, and tokens by kind and served model, plus the
 * process's resident memory. Labels hold only route patterns, configured upstream, model and route names,
 * statuses and fixed words: never keys, nor model names a client made up.
 *
 * @example
 * const metrics = createServerMetrics();
 * const text = await metrics.registry.metrics();
 */
export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const latencyBuckets = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
  ];
  const tokens = new Counter({
    name: "mull_tokens_total",
    help: "Tokens reported by upstreams, by kind and served model.",
    labelNames: ["upstream", "kind", "model"] as const,
    registers,
  });
  new Gauge({
    name: "mull_process_resident_memory_bytes",
    help: "Resident set size of the server process.",
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: "mull_process_heap_used_bytes",
    help: "V8 heap in use by the server process, garbage not yet collected included.",
    registers,
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  const loop = options.eventLoop === true ? monitorEventLoopDelay({ resolution: 10 }) : undefined;
  if (loop !== undefined) {
    loop.enable();
    new Gauge({
      name: "mull_event_loop_delay_seconds",
      help: "Event-loop delay since the last scrape, by quantile.",
      labelNames: ["quantile"] as const,
      registers,
      collect() {
        for (const [quantile, value] of [
          ["0.5", loop.percentile(50)],
          ["0.99", loop.percentile(99)],
          ["1", loop.max],
        ] as const) {
          this.set({ quantile }, Number.isFinite(value) ? value / 1e9 : 0);
        }
        loop.reset();
      },
    });
  }
  const upstreamRequests = new Counter({
    name: "mull_upstream_requests_total",
    help: "HTTP requests made to upstreams, by outcome.",
    labelNames: ["upstream", "outcome"] as const,
    registers,
  });
  const upstreamTokenizerRequests = new Counter({
    name: "mull_upstream_tokenizer_requests_total",
    help: "HTTP requests made to upstreams' tokenizers to count prompts, by outcome.",
    labelNames: ["upstream", "outcome"] as const,
    registers,
  });
  const upstreamSeconds = new Histogram({
    name: "mull_upstream_request_duration_seconds",
    help: "Seconds from sending an upstream request to its response headers.",
    labelNames: ["upstream"] as const,
    buckets: latencyBuckets,
    registers,
  });
  const circuits = new Map<string, () => CircuitState | Promise<CircuitState>>();
  const circuitValues: Record<CircuitState, number> = { closed: 0, "half-open": 1, open: 2 };
  new Gauge({
    name: "mull_upstream_circuit_state",
    help: "Circuit breaker of each upstream: 0 closed, 1 half-open, 2 open.",
    labelNames: ["upstream"] as const,
    registers,
    async collect() {
      for (const [upstream, state] of circuits) {
        try {
          this.set({ upstream }, circuitValues[await state()]);
        } catch {
          // A shared circuit whose store cannot be reached is left out of this scrape.
          this.remove({ upstream });
        }
      }
    },
  });
  const routes = new Map<string, () => readonly BanditArmState[]>();
  const routeGauge = (name: string, help: string, value: (arm: BanditArmState) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["route", "model"] as const,
      registers,
      collect() {
        for (const [route, arms] of routes) {
          for (const arm of arms()) this.set({ route, model: arm.name }, value(arm));
        }
      },
    });
  routeGauge("mull_route_pulls", "Requests a bandit route sent to each model.", (arm) => arm.pulls);
  routeGauge(
    "mull_route_observations",
    "Outcomes a bandit route recorded for each model.",
    (arm) => arm.observations,
  );
  routeGauge(
    "mull_route_mean_reward",
    "Mean reward (0 to 1) of each model of a bandit route.",
    (arm) => arm.meanReward,
  );
  routeGauge(
    "mull_route_mean_cost",
    "Mean cost (tokens × price per token) of each model of a bandit route.",
    (arm) => arm.meanCost,
  );
  return {
    registry,
    requests: new Counter({
      name: "mull_http_requests_total",
      help: "HTTP requests answered, by route, method and status.",
      labelNames: ["route", "method", "status"] as const,
      registers,
    }),
    requestSeconds: new Histogram({
      name: "mull_http_request_duration_seconds",
      help: "Seconds from a request's arrival to the end of its response.",
      labelNames: ["route"] as const,
      buckets: latencyBuckets,
      registers,
    }),
    inFlight: new Gauge({ name: "mull_in_flight_requests", help: "Requests being served.", registers }),
    rejected: new Counter({
      name: "mull_rejected_requests_total",
      help: "Requests refused before any work, by reason.",
      labelNames: ["reason"] as const,
      registers,
    }),
    clientDisconnects: new Counter({
      name: "mull_client_disconnects_total",
      help: "Clients that went away before their response was complete.",
      registers,
    }),
    upstreamRequests,
    upstreamTokenizerRequests,
    upstreamSeconds,
    samples: new Counter({
      name: "mull_samples_total",
      help: "Samples drawn for strategies, by outcome.",
      labelNames: ["upstream", "outcome"] as const,
      registers,
    }),
    tokens,
    countUsage(upstream, usage, model) {
      if (usage.promptTokens !== undefined)
        tokens.inc({ upstream, kind: "prompt", model }, usage.promptTokens);
      if (usage.completionTokens !== undefined)
        tokens.inc({ upstream, kind: "completion", model }, usage.completionTokens);
    },
    observeUpstreamCall(upstream, outcome, seconds, kind = "generation") {
      if (kind === "tokenizer") {
        upstreamTokenizerRequests.inc({ upstream, outcome });
        return;
      }
      upstreamRequests.inc({ upstream, outcome });
      upstreamSeconds.observe({ upstream }, seconds);
    },
    watchCircuit(upstream, state) {
      circuits.set(upstream, state);
    },
    watchRoute(route, arms) {
      routes.set(route, arms);
    },
    routeOutcomes: new Counter({
      name: "mull_route_outcomes_total",
      help: "Outcomes a bandit route learned from, by model and reward source.",
      labelNames: ["route", "model", "source"] as const,
      registers,
    }),
    close() {
      loop?.disable();
    },
  };
}
