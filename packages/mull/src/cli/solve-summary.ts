import { totalTokens } from "../budget/index.ts";
import type { SolveResult, Usage } from "../spec/index.ts";

/** Usage as `--json` prints it: counts a backend did not report are `null`. */
function usageSummary(usage: Usage) {
  return {
    promptTokens: usage.promptTokens ?? null,
    completionTokens: usage.completionTokens ?? null,
    totalTokens: totalTokens(usage) ?? null,
    calls: usage.calls,
  };
}

/**
 * The `--json` shape of a solve result: the answer, strategy, stop reason, votes, every candidate and the
 * usage (per model too, where a routing strategy ran several), with `null` for what is unknown or absent,
 * then the fields of `extra` (the seed, the backend).
 *
 * @example
 * process.stdout.write(`${JSON.stringify(solveSummary(result, { seed, backend }), null, 2)}\n`);
 */
export function solveSummary(result: SolveResult, extra: Readonly<Record<string, unknown>>) {
  return {
    answer: result.answer ?? null,
    strategy: result.strategy,
    stoppedBy: result.stoppedBy,
    partial: result.partial,
    votes: result.votes ?? null,
    candidates: result.candidates.map((candidate) => ({
      id: candidate.id,
      answer: candidate.answer ?? null,
      text: candidate.text,
      finishReason: candidate.finishReason,
      completionTokens: candidate.completionTokens ?? null,
      logprob: candidate.logprob ?? null,
      scores: candidate.scores,
    })),
    usage: { ...usageSummary(result.usage), scoreCalls: result.scoreCalls },
    ...(result.usageByModel === undefined
      ? {}
      : {
          usageByModel: Object.fromEntries(
            Object.entries(result.usageByModel).map(([model, usage]) => [model, usageSummary(usage)]),
          ),
        }),
    ...extra,
  };
}
