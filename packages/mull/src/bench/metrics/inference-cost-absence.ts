import type { RunData } from "../run-data.ts";
import { type InferenceCostOptions, summarizeInferenceCost } from "./strategy-inference-cost.ts";

/** Why a run has no inference cost, as {@link inferenceCostAbsence} says it. */
export interface InferenceCostAbsence {
  /**
   * What is missing: the model's shape (the manifest records none), the peak rates (a run on this
   * machine that recorded none, with none given), or results to count (none has both token counts, or
   * only routing strategies ran).
   */
  readonly missing: "shape" | "rates" | "results";
  /** The reason in one sentence, without a way to give what is missing (that depends on the caller). */
  readonly reason: string;
}

/**
 * Why {@link summarizeInferenceCost} gives a run no strategy to show with the same options, so that a
 * report can say why it has no "Inference cost" section instead of leaving it out silently; `undefined`
 * when it has one. A run over HTTP records its model's shape only when its backend was given it (a server
 * does not say it: llama-server's `/v1/models` gives parameters and width, not layers).
 *
 * @example
 * inferenceCostAbsence(loadRun("runs/http"))?.reason;
 * // "the run's manifest records no model shape (an HTTP backend knows it only when given one: …)"
 */
export function inferenceCostAbsence(
  run: RunData,
  options: InferenceCostOptions = {},
): InferenceCostAbsence | undefined {
  if (run.manifest.backend.architecture === undefined) {
    const source =
      run.manifest.backend.baseUrl === undefined
        ? "its backend did not describe it"
        : "an HTTP backend knows it only when given one: its server does not say the model's layers";
    return { missing: "shape", reason: `the run's manifest records no model shape (${source})` };
  }
  const cost = summarizeInferenceCost(run, options);
  if (cost === undefined) {
    return {
      missing: "rates",
      reason: "the run recorded no peak rates of the machine that generated, and none were given",
    };
  }
  if (cost.strategies.length > 0) return undefined;
  const reason =
    cost.omitted.length > 0
      ? `only strategies that routed to more than one model have token counts (${cost.omitted.join(", ")}), and the run lacks the other models' shapes`
      : "no result records both its prompt and its completion tokens";
  return { missing: "results", reason };
}
