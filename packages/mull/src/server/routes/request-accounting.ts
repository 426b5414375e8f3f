import { addUsage } from "../../budget/index.ts";
import type { Usage } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";
import type { TokenReservation } from "../middleware/index.ts";
import type { RoutePull } from "../model-routes/index.ts";
import type { RequestOutcome, RequestPlan } from "../requests/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { settledTokens } from "./settled-tokens.ts";

/** What is left of `total` once `part` is taken away: counts unknown in either, or not above 0, are left out. */
function remainder(total: Usage, part: Usage): Usage {
  const left = (whole: number | undefined, taken: number | undefined) =>
    whole === undefined || taken === undefined || whole <= taken ? undefined : whole - taken;
  return {
    promptTokens: left(total.promptTokens, part.promptTokens),
    completionTokens: left(total.completionTokens, part.completionTokens),
    calls: Math.max(0, total.calls - part.calls),
  };
}

/**
 * Counts a request's tokens by upstream and served model: the tokens of each model in `byModel` (a
 * routing strategy's route, or the models a failed request's calls went to) under that model and its own
 * upstream (looked up in `models`), anything left (a scorer's or a judge's calls) under `answered`, and a
 * request with no `byModel` wholly under `answered`.
 *
 * @example
 * countUsageByModel(metrics, failed, used, meter.usageByModel(), models);
 */
export function countUsageByModel(
  metrics: ServerMetrics,
  answered: ServedModel,
  usage: Usage,
  byModel: Readonly<Record<string, Usage>> | undefined,
  models: ReadonlyMap<string, ServedModel>,
): void {
  if (byModel === undefined || Object.keys(byModel).length === 0) {
    metrics.countUsage(answered.upstream, usage, answered.name);
    return;
  }
  for (const [model, used] of Object.entries(byModel)) {
    metrics.countUsage(models.get(model)?.upstream ?? answered.upstream, used, model);
  }
  const rest = remainder(usage, addUsage(...Object.values(byModel)));
  metrics.countUsage(answered.upstream, rest, answered.name);
}

/** What `account` settles and counts. */
export interface AccountedRequest {
  readonly metrics: ServerMetrics;
  /** The plan of the model that answered (the request's own, or a fallback's). */
  readonly answered: RequestPlan;
  readonly outcome: RequestOutcome;
  /** The key's reservation, when the key has a budget. */
  readonly reservation: TokenReservation | undefined;
  /** The tokens reserved: the request's own plan's worst case. */
  readonly reserved: number;
  /** The served models by name, where a routing strategy's models are looked up. */
  readonly models: ReadonlyMap<string, ServedModel>;
}

/**
 * Settles the key's reservation with what the request used (before the answer goes out, so the next
 * request, on any replica, sees the tokens given back or charged): every token the upstream reported, even
 * beyond the reservation, and a prompt count left unknown taken as the plan's prompt for each call, never
 * bringing the charge above the reservation (`settledTokens`; unknown completion tokens keep the
 * reservation); and counts its tokens (by upstream and served model, looked up in
 * `models`; a count left unknown is not counted) and samples.
 */
export async function account(request: AccountedRequest): Promise<void> {
  const { metrics, outcome, models } = request;
  const answered = request.answered.served;
  await request.reservation?.settle(
    settledTokens(outcome.usage, request.answered.estimatedPromptTokens, request.reserved),
  );
  countUsageByModel(metrics, answered, outcome.usage, outcome.usageByModel, models);
  const upstream = answered.upstream;
  const samples = outcome.report?.samples;
  if (samples !== undefined) {
    metrics.samples.inc({ upstream, outcome: "ok" }, samples.succeeded);
    if (samples.failed > 0) metrics.samples.inc({ upstream, outcome: "failed" }, samples.failed);
  }
}

/**
 * Teaches the bandit that chose the model what the request earned, and counts where the reward came from
 * and, when the route's judge was asked, the judge's tokens (under its served model, looked up in `models`).
 */
export async function settlePull(
  metrics: ServerMetrics,
  pull: RoutePull | undefined,
  plan: Parameters<RoutePull["settle"]>[0],
  outcome: RequestOutcome,
  models: ReadonlyMap<string, ServedModel>,
): Promise<void> {
  if (pull === undefined) return;
  const { source, judgeUsage } = await pull.settle(plan, outcome);
  metrics.routeOutcomes.inc({ route: pull.route.name, model: pull.model, source });
  const judgeModel = pull.route.judgeModel;
  const judge = judgeModel === undefined ? undefined : models.get(judgeModel);
  if (judgeUsage !== undefined && judge !== undefined)
    metrics.countUsage(judge.upstream, judgeUsage, judge.name);
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
