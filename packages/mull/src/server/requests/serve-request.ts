import type { ServerConfig } from "../config/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import type { LiveText } from "./live-text.ts";
import { planCountedRequest } from "./plan-counted-request.ts";
import type { EndpointKind, RequestPlan } from "./request-plan.ts";
import type { ChatRequestBody, CompletionRequestBody } from "./request-schema.ts";
import { runRequest } from "./run-request.ts";
import { type FallbackResult, runWithFallback } from "./run-with-fallback.ts";
import type { ProgressFeed } from "./sample-progress.ts";
import type { UsageMeter } from "./usage-meter.ts";

/** Options of `serveRequest`. */
export interface ServeRequestOptions {
  readonly endpoint: EndpointKind;
  /** The validated body, planned again for a fallback. */
  readonly body: ChatRequestBody | CompletionRequestBody;
  /** The request as planned for the model the client named. */
  readonly plan: RequestPlan;
  readonly models: ReadonlyMap<string, ServedModel>;
  readonly limits: ServerConfig["limits"];
  /** Stops every upstream call of the request. */
  readonly signal: AbortSignal;
  /**
   * Receives a pass-through's text as the upstream streams it, each completion's under its index; once some
   * went out, no fallback starts over.
   */
  readonly live: LiveText | undefined;
  /** Hears each finished sample of a strategy request (a stream's progress). */
  readonly progress?: ProgressFeed | undefined;
  /** Told of each plan as it is tried: the request's own, then its fallbacks'. */
  readonly onAttempt?: ((plan: RequestPlan) => void) | undefined;
  /** Told when an upstream accepts a pass-through's call (`CallOptions.onAccepted`). */
  readonly onAccepted?: (() => void) | undefined;
  /**
   * Records what each upstream call of a strategy or a pass-through used as it ends, on every model
   * tried, so that a request that fails or is aborted part-way is charged it (`UsageMeter`).
   */
  readonly meter?: UsageMeter | undefined;
}

/**
 * Serves a planned request on its model or, while that model's upstream is unavailable, on its fallbacks
 * (`runWithFallback`), each planned again as the first plan was (`planCountedRequest`: a fallback whose
 * backend counts tokens is admitted or passed over by its exact count of the prompt). The outcome names
 * the model that answered in `servedBy` when it is a fallback.
 *
 * @example
 * const { outcome, plan: answered } = await serveRequest({ endpoint: "chat", body, plan, models, limits, signal, live: undefined });
 */
export async function serveRequest(options: ServeRequestOptions): Promise<FallbackResult> {
  const { endpoint, body, plan, models, limits, signal, live } = options;
  // A fallback serves the same request under the same strategy prefix; the response keeps the name asked.
  // A routing strategy's route (`cascade@8:a>b`) names several models: it has no fallback.
  const prefix = body.model.endsWith(plan.served.name)
    ? body.model.slice(0, body.model.length - plan.served.name.length)
    : undefined;
  // The fallback's own tokenizer counts the prompt where its backend can, as the first plan's did: its
  // window and its tokens may differ from those of the model asked for.
  const replan = async (model: ServedModel): Promise<RequestPlan | undefined> => {
    if (prefix === undefined) return undefined;
    try {
      const other = await planCountedRequest(
        endpoint,
        { ...body, model: `${prefix}${model.name}` },
        models,
        limits,
        signal,
      );
      return { ...other, requestedModel: plan.requestedModel };
    } catch (error) {
      // A fallback that cannot take this request (context window, scorer) is no fallback for it.
      if (error instanceof ApiError) return undefined;
      throw error;
    }
  };
  const { outcome, plan: answered } = await runWithFallback({
    plan,
    models,
    replan,
    run: (next) => {
      options.onAttempt?.(next);
      const relay = {
        ...(live === undefined ? {} : { onText: live.push, onReasoning: live.pushReasoning }),
        onAccepted: options.onAccepted,
      };
      return runRequest({
        plan: next,
        signal,
        minSampleFraction: limits.minSampleFraction,
        relay,
        onSample: options.progress?.sample,
        meter: options.meter,
      });
    },
    canRestart: () => (live === undefined || !live.delivered()) && !signal.aborted,
  });
  return {
    outcome: answered.served === plan.served ? outcome : { ...outcome, servedBy: answered.served.name },
    plan: answered,
  };
}
