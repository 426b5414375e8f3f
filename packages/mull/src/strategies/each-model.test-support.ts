import type { Candidate, Strategy } from "../spec/index.ts";
import { runStrategy } from "./run-strategy.ts";
import { singleSample } from "./single-sample.ts";
import type { NamedBackend, StrategyEntry } from "./strategy-entry.ts";

/**
 * A router for tests of the surfaces: one greedy sample on each model of the route in turn, answering with
 * the last model's, and keeping every candidate. Real routers decide whom to ask; this one asks everyone,
 * so a test sees each model's part of the usage.
 */
export function eachModelGreedy(models: readonly NamedBackend[]): Strategy {
  return {
    name: `each-greedy:${models.map((model) => model.name).join(">")}`,
    parameters: { models: models.map((model) => model.name) },
    samples: 1,
    async run(problem, context) {
      const candidates: Candidate[] = [];
      let last: Awaited<ReturnType<typeof runStrategy>> | undefined;
      for (const { backend } of models) {
        last = await runStrategy(singleSample({ temperature: 0 }), problem, { ...context, backend });
        candidates.push(...last.candidates);
      }
      return { answer: last?.answer, best: last?.best, candidates, stoppedBy: last?.stoppedBy ?? "complete" };
    },
  };
}

/** `each-greedy` as a catalog entry of kind `routing`, for tests that append it to the catalog. */
export const eachModelGreedyEntry: StrategyEntry = {
  forms: ["each-greedy"],
  kind: "routing",
  summary: "one greedy sample on each model of the route, the last one's answer",
  needs: ["models"],
  create: (_values, { models }) => eachModelGreedy(models),
};
