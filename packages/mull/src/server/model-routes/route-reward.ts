import { ConfigError } from "../../errors/index.ts";
import type { OutcomeScorer, Usage } from "../../spec/index.ts";
import type { RequestOutcome, RequestPlan } from "../requests/index.ts";

/** Where a route's reward came from: `checker`, `judge`, `votes` or `finish` (see `routeReward`). */
export type RewardSource = "checker" | "judge" | "votes" | "finish";

/** A request's reward, from 0 to 1, and where it came from. */
export interface RouteReward {
  readonly reward: number;
  readonly source: RewardSource;
  /** What asking the route's judge cost, when it was asked (whatever its verdict). */
  readonly judgeUsage?: Usage | undefined;
}

/**
 * What a request earned, from 0 to 1, for a bandit route:
 * - `checker`: the answer checked by the model's exact outcome checker (the lab's, on a lab problem): 1 when
 *   right, else 0. A checker that cannot check the problem (not a lab chain) is skipped; no model is called.
 * - `judge`: otherwise, when the route has a judge (`routes[].judge`), its verdict on the answer's text
 *   (`Score: 7/10` → 0.7; a reply without a verdict scores 0). A judge that fails is a real fault.
 * - `votes`: otherwise, when a strategy voted, the share of the votes that went to the answer given
 *   (agreement among samples, a proxy for correctness: self-consistency's own confidence).
 * - `finish`: otherwise, 1 when the answer ended by itself and 0 when `max_tokens` cut it.
 *
 * @example
 * const { reward, source } = await routeReward(plan, outcome); // { reward: 1, source: "checker" }
 * await routeReward(plan, outcome, llmJudgeScorer({ backend: judgeBackend })); // { reward: 0.8, source: "judge" }
 */
export async function routeReward(
  plan: RequestPlan,
  outcome: RequestOutcome,
  judge?: OutcomeScorer | undefined,
): Promise<RouteReward> {
  const first = outcome.choices[0];
  const answer = outcome.report?.answer;
  const checker = plan.served.profile.outcomeScorer;
  if (checker !== undefined && first !== undefined) {
    try {
      const { scores } = await checker.score(plan.problem, [{ text: first.text, answer }]);
      const value = scores[0]?.value;
      if (value !== undefined && Number.isFinite(value)) {
        return { reward: Math.min(1, Math.max(0, value)), source: "checker" };
      }
    } catch (error) {
      // A problem the checker cannot read (not a lab chain) has no checked reward; others are real faults.
      if (!ConfigError.isInstance(error)) throw error;
    }
  }
  let judgeUsage: Usage | undefined;
  if (judge !== undefined && first !== undefined) {
    const judged = await judge.score(plan.problem, [{ text: first.text, answer }]);
    judgeUsage = judged.usage;
    const value = judged.scores[0]?.value;
    if (value !== undefined && Number.isFinite(value)) {
      return { reward: Math.min(1, Math.max(0, value)), source: "judge", judgeUsage };
    }
  }
  const spent = judgeUsage === undefined ? {} : { judgeUsage };
  const votes = outcome.report?.votes;
  if (votes !== undefined && answer !== undefined) {
    const total = Object.values(votes).reduce((sum, count) => sum + count, 0);
    const given = votes[plan.answerFormat.key(answer)] ?? votes[answer] ?? 0;
    if (total > 0) return { reward: given / total, source: "votes", ...spent };
  }
  return { reward: first?.finishReason === "stop" ? 1 : 0, source: "finish", ...spent };
}
