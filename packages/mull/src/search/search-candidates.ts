import { aggregateStepRewards } from "../process-rewards/index.ts";
import type { Candidate, Prompt, StrategyContext } from "../spec/index.ts";
import { joinSteps } from "../steps/index.ts";
import type { SearchNode } from "./search-node.ts";
import type { SearchSettings } from "./search-settings.ts";

/** Candidates made from search nodes, each made once. */
export interface SearchCandidates {
  /** The name under which complete solutions are ranked for the final pick: `<prm>:<finalAggregation>`. */
  readonly solutionScorer: string;
  /** The candidate of a node: its text, its answer when complete, its process (and solution) scores. */
  of(node: SearchNode): Candidate;
}

/**
 * Turns search nodes into candidates for the result and the final pick: a node's process score is its
 * value under `prm`; a complete node also gets a solution score, all its step rewards combined by
 * `finalAggregation`, so one wrong verdict of a noisy PRM on a last step does not decide alone.
 */
export function createSearchCandidates(
  prm: string,
  settings: SearchSettings,
  context: StrategyContext,
  prompt: Prompt,
): SearchCandidates {
  const made = new Map<SearchNode, Candidate>();
  const solutionScorer = `${prm}:${settings.finalAggregation}`;
  return {
    solutionScorer,
    of(node) {
      const known = made.get(node);
      if (known !== undefined) return known;
      const text = joinSteps(node.steps, prompt.kind, settings.format);
      const candidate: Candidate = {
        id: node.id ?? "root",
        text,
        answer: node.final ? context.answerFormat.extract(text) : undefined,
        finishReason: node.finishReason,
        completionTokens: node.tokens,
        logprob: node.logprob,
        meanLogprob: node.logprob !== undefined && node.tokens ? node.logprob / node.tokens : undefined,
        scores:
          node.value === undefined
            ? []
            : [
                { scorer: prm, kind: "process", value: node.value, steps: node.rewards },
                ...(node.final && node.rewards !== undefined && node.rewards.length > 0
                  ? [
                      {
                        scorer: solutionScorer,
                        kind: "outcome" as const,
                        value: aggregateStepRewards(node.rewards, settings.finalAggregation),
                      },
                    ]
                  : []),
              ],
        steps: node.steps,
      };
      made.set(node, candidate);
      return candidate;
    },
  };
}
