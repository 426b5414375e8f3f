import { ApiError } from "../http/index.ts";
import type { TokenReservation } from "../middleware/index.ts";
import type { RoutePull } from "../model-routes/index.ts";
import type { RequestOutcome } from "../requests/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";

/**
 * Settles the key's reservation with what the request used (before the answer goes out, so the next
 * request, on any replica, sees the tokens given back), and counts its tokens and samples.
 */
export async function account(
  metrics: ServerMetrics,
  upstream: string,
  outcome: RequestOutcome,
  reservation: TokenReservation | undefined,
): Promise<void> {
  const { promptTokens, completionTokens } = outcome.usage;
  await reservation?.settle(
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
}

/** Teaches the bandit that chose the model what the request earned, and counts where the reward came from. */
export async function settlePull(
  metrics: ServerMetrics,
  pull: RoutePull | undefined,
  plan: Parameters<RoutePull["settle"]>[0],
  outcome: RequestOutcome,
): Promise<void> {
  if (pull === undefined) return;
  const { source } = await pull.settle(plan, outcome);
  metrics.routeOutcomes.inc({ route: pull.route.name, model: pull.model, source });
}

/** A request that failed after a bandit chose its model: an upstream failure earns 0, anything else is no outcome. */
export function failPull(
  metrics: ServerMetrics,
  pull: RoutePull | undefined,
  error: unknown,
  signal: AbortSignal,
) {
  if (pull === undefined) return;
  const status = error instanceof ApiError ? error.status : 500;
  if (signal.aborted || status < 500) {
    pull.release();
    return;
  }
  pull.fail();
  metrics.routeOutcomes.inc({ route: pull.route.name, model: pull.model, source: "failure" });
}
