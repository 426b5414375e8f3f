import type { RequestOutcome } from "./request-outcome.ts";
import { usageCounts } from "./usage-counts.ts";

/**
 * The `mull` object: what the strategy did and what every sample cost, `usage_by_model` when the run routed
 * between models (a routing strategy, even one whose first model alone answered, or more than one model
 * generated: each served model's tokens and calls, which sum to `usage`),
 * `notes` from its plan and its trace when it has any (a thinking budget not kept, a fallback taken, a
 * scorer that could not choose), and `served_by`, the served model that answered, when a fallback answered
 * instead of the model requested. A request without a strategy has a `mull` object only for `served_by`
 * and its plan's `notes`.
 */
export function mullBody(outcome: RequestOutcome): Record<string, unknown> | undefined {
  const report = outcome.report;
  const servedBy = outcome.servedBy === undefined ? {} : { served_by: outcome.servedBy };
  if (report === undefined) {
    const notes = outcome.notes === undefined || outcome.notes.length === 0 ? {} : { notes: outcome.notes };
    return outcome.servedBy === undefined && notes.notes === undefined
      ? undefined
      : { ...servedBy, ...notes };
  }
  const byModel = outcome.usageByModel;
  return {
    ...servedBy,
    strategy: report.strategy,
    answer: report.answer ?? null,
    candidates: report.candidates,
    votes: report.votes ?? null,
    stopped_by: report.stoppedBy,
    partial: report.partial,
    seed: report.seed,
    ...(report.notes.length === 0 ? {} : { notes: report.notes }),
    ...(report.samples === undefined
      ? {}
      : {
          samples: {
            requested: report.samples.requested,
            ok: report.samples.succeeded,
            failed: report.samples.failed,
          },
        }),
    usage: {
      ...usageCounts(outcome.usage),
      score_calls: report.scoreCalls,
      ...(outcome.reasoningTokens === undefined ? {} : { reasoning_tokens: outcome.reasoningTokens }),
    },
    ...(byModel === undefined
      ? {}
      : {
          usage_by_model: Object.fromEntries(
            Object.entries(byModel).map(([model, usage]) => [model, usageCounts(usage)]),
          ),
        }),
  };
}
