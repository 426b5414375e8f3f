import type { Logger } from "pino";
import type { Backend, Clock, PromptTemplate } from "../spec/index.ts";
import type { ServerConfig } from "./config/index.ts";
import { createServer, type MullServer } from "./create-server.ts";
import { connectRedisServingState, memoryServingState, type ServingState } from "./state/index.ts";
import { createServerLogger, createServerMetrics } from "./telemetry/index.ts";
import { buildServedModels, probeUpstreams, type UpstreamProbeOutcome } from "./upstreams/index.ts";

/** Options of `assembleServer`. */
export interface AssembleServerOptions {
  /** Client API keys; none means no authentication (loopback only). */
  readonly apiKeys?: readonly string[] | undefined;
  /**
   * Where the server, the shared state store and the start-up probe log; default one pino logger at
   * `server.logLevel` to standard error, shared by all three.
   */
  readonly logger?: Logger | undefined;
  /** Where upstream `apiKeyEnv` variables are read (default `process.env`). */
  readonly environment?: Readonly<Record<string, string | undefined>> | undefined;
  /** Loads an embedded model, for `embedded` upstreams. */
  readonly loadEmbedded?:
    | ((model: string, options: { threads?: number | undefined }) => Promise<Backend>)
    | undefined;
  /** Whether an embedded model is a lab model by what its file carries (`buildServedModels`'s `isLabModel`). */
  readonly isLabModel?: ((backend: Backend) => Promise<boolean>) | undefined;
  /** Clock of the upstreams' circuit breakers (default the process's monotonic clock). */
  readonly clock?: Clock | undefined;
  /** Renders every served model's chat requests from their last user message (`mull serve --prompt-template`). */
  readonly promptTemplate?: PromptTemplate | undefined;
  /**
   * Probe the HTTP upstreams' capabilities in the background right away (`probeUpstreams`), so that no
   * request waits for the probe; a failed probe is logged and retried by the first request that needs it.
   * Its requests stay out of the upstreams' circuits: an upstream down at start-up does not leave the
   * first requests refused once it is up. Default false (`mull serve` turns it on).
   */
  readonly probeUpstreams?: boolean | undefined;
  /**
   * The serving state (key budgets, key request rates and circuits); default the one `config.server.state` names (Redis, shared
   * by replicas), else this process's memory. One given here is not closed by `dispose`.
   */
  readonly state?: ServingState | undefined;
}

/** A server with its backends, and what releases them. */
export interface AssembledServer {
  /** The server over the configured models; serve it with `listenServer`. */
  readonly server: MullServer;
  /**
   * The start-up probe (with `probeUpstreams`), for those who want to know how it ended; it never rejects.
   * `dispose` ends it (its unfinished outcomes then hold that reason) and it reports nothing more.
   */
  readonly probed: Promise<readonly UpstreamProbeOutcome[]>;
  /** Where key budgets, key request rates and circuits live: `memory`, or the shared store's address without credentials. */
  readonly stateLocation: string;
  /** Disposes the backends, closes pooled upstream connections and the state store it connected. */
  dispose(): Promise<void>;
}

/**
 * Builds everything a configuration describes: metrics (with the event-loop delay), the serving state
 * (`server.state`: Redis shared by replicas, else memory), the upstream backends (whose HTTP calls are
 * counted in the metrics, behind circuits kept in that state) and the server.
 *
 * @throws MullError when `server.state` names a Redis that cannot be reached; ConfigError when a strategy
 * route's strategy refuses the served models (`buildModelRoutes`: its models run largest first), once the
 * backends it built are disposed.
 * @example
 * const { server, dispose } = await assembleServer(await loadServerConfig("serve.json"), { apiKeys });
 * const running = await listenServer(server, { host: "127.0.0.1", port: 8080 });
 */
export async function assembleServer(
  config: ServerConfig,
  options: AssembleServerOptions = {},
): Promise<AssembledServer> {
  const shared = config.server.state;
  const logger = options.logger ?? createServerLogger({ level: config.server.logLevel });
  const owned = options.state === undefined;
  const state =
    options.state ??
    (shared === undefined
      ? memoryServingState({ clock: options.clock })
      : await connectRedisServingState({ url: shared.url, prefix: shared.prefix, logger }));
  const metrics = createServerMetrics({ eventLoop: true });
  let served: Awaited<ReturnType<typeof buildServedModels>>;
  try {
    served = await buildServedModels(config, {
      environment: options.environment,
      loadEmbedded: options.loadEmbedded,
      isLabModel: options.isLabModel,
      observeUpstreamCall: metrics.observeUpstreamCall,
      clock: options.clock,
      circuitFor: state.circuit,
      promptTemplate: options.promptTemplate,
    });
  } catch (error) {
    metrics.close();
    if (owned) await state.close();
    throw error;
  }
  let server: MullServer;
  try {
    server = createServer({
      config,
      models: served.models,
      apiKeys: options.apiKeys,
      logger,
      metrics,
      state,
    });
  } catch (error) {
    // A configuration the served models refuse (a route largest first): nothing built is left running.
    metrics.close();
    await served.dispose();
    if (owned) await state.close();
    throw error;
  }
  // Disposing ends the probe first: a server that failed to listen says nothing of its upstreams.
  const probing = new AbortController();
  const probed: Promise<readonly UpstreamProbeOutcome[]> =
    options.probeUpstreams === true
      ? probeUpstreams(served.models, {
          signal: probing.signal,
          onFailure: (model, error) =>
            logger.warn(
              {
                model,
                reason:
                  error instanceof Error
                    ? error.message.replace(/https?:\/\/\S+/g, "(upstream)")
                    : String(error),
              },
              "upstream capability probe failed at start-up; the first request will probe again",
            ),
        })
      : Promise.resolve([]);
  return {
    server,
    probed,
    stateLocation: state.location,
    async dispose() {
      probing.abort(new Error("the server was disposed before its start-up probe ended"));
      metrics.close();
      await served.dispose();
      if (owned) await state.close();
    },
  };
}
