import { describe, expect, it } from "vitest";
import { architecture } from "../composition/index.ts";
import { ConfigError } from "../errors/index.ts";
import {
  allocateCompute,
  bigLittleDecoder,
  cascade,
  createBanditRouter,
  glimpseRouter,
  massCascade,
} from "../routing/index.ts";
import {
  aStarDecoding,
  beamSearch,
  diverseVerifierTreeSearch,
  monteCarloTreeSearch,
  particleFilter,
  particleGibbs,
  treeOfThoughtsBfs,
  treeOfThoughtsDfs,
} from "../search/index.ts";
import type { OutcomeScorer, ProcessRewardModel } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import {
  adaptiveConsistency,
  bestOfN,
  budgetForcing,
  deepConf,
  deepConfOnline,
  earlyStoppingConsistency,
  liveProbing,
  massConsistency,
  parallelAdaptiveConsistency,
  parseStrategySpec,
  perplexityConsistency,
  repeatedSampling,
  selfCertainty,
  selfConsistency,
  singleSample,
  stabilityVoting,
  verifiedResampling,
  weightedVoting,
  withEarlyStop,
} from "./index.ts";

const scorer: OutcomeScorer = { name: "checker", score: async () => ({ scores: [], calls: 0 }) };
const prm: ProcessRewardModel = { name: "steps", score: async () => ({ results: [], calls: 0 }) };
const backend = createScriptedBackend({ responses: ["#### 1"] });
const models = [
  { name: "small", backend },
  { name: "large", backend: createScriptedBackend({ responses: ["#### 1"] }) },
];
const inner = selfConsistency({ n: 8 });

/** Calls `build` and returns the ConfigError it throws; fails the test on anything else. */
function refusal(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, got none");
}

/** The options every search takes, listed after its own in its message. */
const searchKeys =
  "prm, aggregation, finalAggregation, select, temperature, format, maxSteps, maxStepTokens, maxSolutionTokens";

/** A misspelled key beside valid options: the factory, the call, the message. */
const misspelled: readonly (readonly [string, () => unknown, string])[] = [
  [
    "selfConsistency",
    () => selfConsistency({ n: 8, temprature: 0.5 } as never),
    "selfConsistency: temprature: unknown key (selfConsistency takes n, temperature, tieBreak)",
  ],
  [
    "bestOfN",
    () => bestOfN({ n: 4, scorer, scorr: scorer } as never),
    "bestOfN: scorr: unknown key (bestOfN takes n, scorer, temperature)",
  ],
  [
    "weightedVoting",
    () => weightedVoting({ n: 4, weight: "probability", wieght: "score" } as never),
    "weightedVoting: wieght: unknown key (weightedVoting takes n, weight, scorer, temperature)",
  ],
  [
    "repeatedSampling",
    () => repeatedSampling({ n: 4, temp: 1 } as never),
    "repeatedSampling: temp: unknown key (repeatedSampling takes n, temperature)",
  ],
  [
    "perplexityConsistency",
    () => perplexityConsistency({ n: 4, temp: 1 } as never),
    "perplexityConsistency: temp: unknown key (perplexityConsistency takes n, temperature)",
  ],
  [
    "singleSample",
    () => singleSample({ temp: 0 } as never),
    "singleSample: temp: unknown key (singleSample takes temperature)",
  ],
  [
    "adaptiveConsistency",
    () => adaptiveConsistency(inner, { treshold: 0.9 } as never),
    "adaptiveConsistency: treshold: unknown key (adaptiveConsistency takes threshold, posterior)",
  ],
  [
    "earlyStoppingConsistency",
    () => earlyStoppingConsistency(inner, { window: 2, windw: 3 } as never),
    "earlyStoppingConsistency: windw: unknown key (earlyStoppingConsistency takes window)",
  ],
  [
    "withEarlyStop",
    () => withEarlyStop(inner, { rounds: 2, stopWen: [] } as never),
    "withEarlyStop: stopWen: unknown key (withEarlyStop takes rounds, roundSize, stopWhen, select, opening, roundsNeedScores)",
  ],
  [
    "massConsistency",
    () => massConsistency({ n: 4, greedy: true } as never),
    "massConsistency: greedy: unknown key (massConsistency takes n, unexploredWeight, temperature, greedyFirst)",
  ],
  [
    "verifiedResampling",
    () => verifiedResampling({ n: 4, scorer, treshold: 0.5 } as never),
    "verifiedResampling: treshold: unknown key (verifiedResampling takes n, scorer, threshold, temperature)",
  ],
  [
    "budgetForcing",
    () => budgetForcing({ maxThinkingTokens: 64, maxWait: 2 } as never),
    "budgetForcing: maxWait: unknown key (budgetForcing takes n, maxThinkingTokens, minThinkingTokens, maxWaits, answerTokens, answerCue, continueCue, temperature)",
  ],
  [
    "deepConf",
    () => deepConf({ n: 4, keep: 10 } as never),
    "deepConf: keep: unknown key (deepConf takes n, keepPercent, measure, topLogprobs, window, temperature)",
  ],
  [
    "deepConfOnline",
    () => deepConfOnline({ n: 4, warmUp: 2 } as never),
    "deepConfOnline: warmUp: unknown key (deepConfOnline takes n, warmup, keepPercent, consensus, waveSize, topLogprobs, window, temperature)",
  ],
  [
    "liveProbing",
    () => liveProbing({ n: 4, chunkTokens: 8, chunk: 8 } as never),
    "liveProbing: chunk: unknown key (liveProbing takes n, chunkTokens, agreement, stopWhen, stableRounds, maxThinkingTokens, answerTokens, answerCue, temperature)",
  ],
  [
    "parallelAdaptiveConsistency",
    () => parallelAdaptiveConsistency({ n: 4, quorom: 2 } as never),
    "parallelAdaptiveConsistency: quorom: unknown key (parallelAdaptiveConsistency takes n, quorum, threshold, temperature)",
  ],
  [
    "selfCertainty",
    () => selfCertainty({ n: 4, powr: 1 } as never),
    "selfCertainty: powr: unknown key (selfCertainty takes n, power, topLogprobs, temperature)",
  ],
  [
    "stabilityVoting",
    () => stabilityVoting({ n: 4, treshold: 3 } as never),
    "stabilityVoting: treshold: unknown key (stabilityVoting takes n, topLogprobs, threshold, warmup, lateFraction, temperature)",
  ],
  [
    "parseStrategySpec",
    () => parseStrategySpec("sc@4", { scorr: scorer } as never),
    "parseStrategySpec: scorr: unknown key (parseStrategySpec takes scorer, prm, resolveModel, defaultRoute, defaultRouteField, catalog)",
  ],
  [
    "particleFilter",
    () => particleFilter({ n: 4, prm, particels: 3 } as never),
    `particleFilter: particels: unknown key (particleFilter takes n, softmaxTemperature, resampling, ${searchKeys})`,
  ],
  [
    "particleGibbs",
    () => particleGibbs({ n: 4, iterations: 2, prm, iteration: 2 } as never),
    `particleGibbs: iteration: unknown key (particleGibbs takes n, iterations, softmaxTemperature, resampling, ${searchKeys})`,
  ],
  [
    "beamSearch",
    () => beamSearch({ n: 4, width: 2, prm, beams: 2 } as never),
    `beamSearch: beams: unknown key (beamSearch takes n, width, lookahead, ${searchKeys})`,
  ],
  [
    "diverseVerifierTreeSearch",
    () => diverseVerifierTreeSearch({ n: 4, width: 2, prm, lookAhead: 1 } as never),
    `diverseVerifierTreeSearch: lookAhead: unknown key (diverseVerifierTreeSearch takes n, width, lookahead, ${searchKeys})`,
  ],
  [
    "aStarDecoding",
    () => aStarDecoding({ k: 4, prm, flor: 0.01 } as never),
    `aStarDecoding: flor: unknown key (aStarDecoding takes k, expansionsPerNode, maxExpansions, floor, ${searchKeys})`,
  ],
  [
    "monteCarloTreeSearch",
    () => monteCarloTreeSearch({ simulations: 8, prm, simulation: 8 } as never),
    `monteCarloTreeSearch: simulation: unknown key (monteCarloTreeSearch takes simulations, width, exploration, value, ${searchKeys})`,
  ],
  [
    "treeOfThoughtsBfs",
    () => treeOfThoughtsBfs({ breadth: 2, k: 2, prm, bredth: 2 } as never),
    `treeOfThoughtsBfs: bredth: unknown key (treeOfThoughtsBfs takes breadth, k, threshold, ${searchKeys})`,
  ],
  [
    "treeOfThoughtsDfs",
    () => treeOfThoughtsDfs({ k: 2, prm, attempt: 2 } as never),
    `treeOfThoughtsDfs: attempt: unknown key (treeOfThoughtsDfs takes k, threshold, attempts, maxExpansions, ${searchKeys})`,
  ],
  [
    "cascade",
    () => cascade({ models, small: 4, treshold: 0.5 } as never),
    "cascade: treshold: unknown key (cascade takes models, small, large, threshold, settle, strategies)",
  ],
  [
    "massCascade",
    () => massCascade({ models, small: 4, greedy: true } as never),
    "massCascade: greedy: unknown key (massCascade takes models, small, large, greedyFirst)",
  ],
  [
    "bigLittleDecoder",
    () => bigLittleDecoder({ models, fallback: 0.5, rolback: 0.1 } as never),
    "bigLittleDecoder: rolback: unknown key (bigLittleDecoder takes models, fallback, rollback, largeTokens, maxTokens)",
  ],
  [
    "glimpseRouter",
    () => glimpseRouter({ models, threshold: 1, glimps: 2 } as never),
    "glimpseRouter: glimps: unknown key (glimpseRouter takes models, threshold, glimpse, hold, maxSteps, temperature, topLogprobs, format)",
  ],
  [
    "createBanditRouter",
    () => createBanditRouter({ arms: ["a", "b"], policy: "ucb", lamda: 1 } as never),
    "createBanditRouter: lamda: unknown key (createBanditRouter takes arms, policy, lambda, seed, rng)",
  ],
  [
    "architecture",
    () => architecture({ layers: "gen@4+vote", scorr: scorer } as never),
    "architecture: scorr: unknown key (architecture takes layers, scorer, prm, models, critiqueTokens, concurrency)",
  ],
];

/** Options of the wrong kind, which once failed later with a TypeError, and errors in the wrong name. */
const malformed: readonly (readonly [string, () => unknown, string])[] = [
  [
    "bestOfN without a scorer",
    () => bestOfN({ n: 4 } as never),
    "bestOfN: scorer: missing; expected an outcome scorer (an object with a score method)",
  ],
  [
    "particleFilter without a process reward model",
    () => particleFilter({ n: 4 } as never),
    "particleFilter: prm: missing; expected a process reward model (an object with a score method)",
  ],
  [
    "withEarlyStop with a string for stopWhen",
    () => withEarlyStop(inner, { rounds: 2, stopWhen: "x" } as never),
    'withEarlyStop: stopWhen must be an array of stop conditions, got "x"',
  ],
  [
    "withEarlyStop with a condition that cannot be checked",
    () => withEarlyStop(inner, { rounds: 2, stopWhen: [{ name: "x" }] } as never),
    "withEarlyStop: stopWhen[0] must be a stop condition (an object with a shouldStop method), got an object without shouldStop",
  ],
  [
    "bestOfN with a scorer factory instead of a scorer",
    () => bestOfN({ n: 4, scorer: function labOutcomeChecker() {} } as never),
    "bestOfN: scorer must be an outcome scorer (an object with a score method), got the function labOutcomeChecker; call it and pass the scorer it returns",
  ],
  [
    "adaptiveConsistency around a strategy that cannot be drawn in rounds",
    () => adaptiveConsistency(parseStrategySpec("greedy") as never),
    "adaptiveConsistency: inner must be a sampling strategy (an object with run, withSamples and select methods), got an object without withSamples and select",
  ],
  [
    "selfConsistency without options",
    () => (selfConsistency as (options?: unknown) => unknown)(),
    "selfConsistency: expected an options object { n, temperature, tieBreak }; got undefined",
  ],
  [
    "selfConsistency with an unknown tie break",
    () => selfConsistency({ n: 8, tieBreak: "bogus" } as never),
    'selfConsistency: tieBreak must be "first" or "random", got "bogus"',
  ],
  [
    "singleSample at a negative temperature",
    () => singleSample({ temperature: -1 }),
    "singleSample: temperature must be a number ≥ 0, got -1",
  ],
  [
    "massConsistency with no samples, in its own name",
    () => massConsistency({ n: 0 }),
    "massConsistency: n must be an integer ≥ 1, got 0",
  ],
  [
    "massCascade with one model, in its own name",
    () => massCascade({ models: models.slice(0, 1), small: 2 }),
    "massCascade: models must hold two or more models, smallest first (lab-small>lab-large), got 1",
  ],
  [
    "cascade with a route given as text",
    () => cascade({ models: "small>large", small: 2 } as never),
    'cascade: models must be an array of named backends ({ name, backend }), smallest first, got "small>large"',
  ],
  [
    "particleFilter with an unknown final selection",
    () => particleFilter({ n: 4, prm, select: "vote" } as never),
    'particleFilter: select must be "best", "weighted-vote" or "majority", got "vote"',
  ],
  [
    "parseStrategySpec with a route given as text",
    () => parseStrategySpec("cascade@4", { defaultRoute: "a>b" } as never),
    'parseStrategySpec: defaultRoute must be an array of model names, smallest first, got "a>b"',
  ],
];

describe("strategy factories check their options", () => {
  it.each(misspelled)("%s refuses an unknown key, naming it and the keys it takes", (_, build, message) => {
    const error = refusal(build);
    expect(error.message).toBe(message);
    expect(error.field).toBe(message.split(": ")[1]);
  });

  it("allocateCompute refuses an unknown key before it runs anything", async () => {
    let contexts = 0;
    const run = allocateCompute([{ question: "1+1=?" }], {
      totalSamples: 4,
      probes: 2,
      context: () => {
        contexts += 1;
        throw new Error("no context is made for a refused call");
      },
    } as never);
    await expect(run).rejects.toThrow(
      "allocateCompute: probes: unknown key (allocateCompute takes totalSamples, allocation, probe, signal, greedyProbe, probeModel, maxSamples, context, concurrency)",
    );
    expect(contexts).toBe(0);
  });

  it.each(malformed)("%s is a ConfigError that says what was expected", (_, build, message) => {
    expect(refusal(build).message).toBe(message);
  });

  it("still builds from valid options, and a wrapper from a valid inner strategy", () => {
    expect(selfConsistency({ n: 8, temperature: 0, tieBreak: "random" }).name).toBe("sc@8");
    expect(adaptiveConsistency(inner, { threshold: 0.9 }).name).toBe("asc@8t0.9");
    expect(particleFilter({ n: 4, prm, select: "weighted-vote", maxSteps: 8 }).name).toBe("pf@4");
    expect(massCascade({ models, small: 2, large: 4 }).name).toBe("cascade-mass@2x4");
  });
});
