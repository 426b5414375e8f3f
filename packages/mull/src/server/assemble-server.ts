import type { Logger } from "pino";
import type { Backend, Clock, PromptTemplate } from "../spec/index.ts";
import type { ServerConfig } from "./config/index.ts";
import { createServer, type MullServer } from "./create-server.ts";
import { createServerMetrics } from "./telemetry/index.ts";
import { buildServedModels, probeUpstreams, type UpstreamProbeOutcome } from "./upstreams/index.ts";

/** Options of `assembleServer`. */
export interface AssembleServerOptions {
  /** Client API keys; none means no authentication (loopback only). */
  readonly apiKeys?: readonly string[] | undefined;
  readonly logger?: Logger | undefined;
  /** Where upstream `apiKeyEnv` variables are read (default `process.env`). */
  readonly environment?: Readonly<Record<string, string | undefined>> | undefined;
  /** Loads an embedded model, for `embedded` upstreams. */
  readonly loadEmbedded?:
    | ((model: string, options: { threads?: number | undefined }) => Promise<Backend>)
    | undefined;
  /** Clock of the upstreams' circuit breakers (default the process's monotonic clock). */
  readonly clock?: Clock | undefined;
  /** Renders every served model's chat requests from their last user message (`mull serve --prompt-template`). */
  readonly promptTemplate?: PromptTemplate | undefined;
  /**
   * Probe the HTTP upstreams' capabilities in the background right away (`probeUpstreams`), so that no
   * request waits for the probe; a failed probe is logged and retried by the first request that needs it.
   * Default false (`mull serve` turns it on).
   */
  readonly probeUpstreams?: boolean | undefined;
}

/** A server with its backends, and what releases them. */
export interface AssembledServer {
  readonly server: MullServer;
  /** The start-up probe (with `probeUpstreams`), for those who want to know how it ended; it never rejects. */
  readonly probed: Promise<readonly UpstreamProbeOutcome[]>;
  /** Disposes the backends and closes pooled upstream connections. */
  dispose(): Promise<void>;
}

/**
 * Builds everything a configuration describes: metrics (with the event-loop delay), the upstream backends
 * (whose HTTP calls are counted in the metrics) and the server.
 *
 * @example
 * const { server, dispose } = await assembleServer(await loadServerConfig("serve.json"), { apiKeys });
 * const running = await listenServer(server, { host: "127.0.0.1", port: 8080 });
 */
export async function assembleServer(
  config: ServerConfig,
  options: AssembleServerOptions = {},
): Promise<AssembledServer> {
  const metrics = createServerMetrics({ eventLoop: true });
  let served: Awaited<ReturnType<typeof buildServedModels>>;
  try {
    served = await buildServedModels(config, {
      environment: options.environment,
      loadEmbedded: options.loadEmbedded,
      observeUpstreamCall: metrics.observeUpstreamCall,
      clock: options.clock,
      promptTemplate: options.promptTemplate,
    });
  } catch (error) {
    metrics.close();
    throw error;
  }
  const server = createServer({
    config,
    models: served.models,
    apiKeys: options.apiKeys,
    logger: options.logger,
    metrics,
  });
  const probed: Promise<readonly UpstreamProbeOutcome[]> =
    options.probeUpstreams === true
      ? probeUpstreams(served.models, {
          onFailure: (model, error) =>
            options.logger?.warn(
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
    async dispose() {
      metrics.close();
      await served.dispose();
    },
  };
}
