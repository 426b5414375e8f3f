import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { type AllocatedProblem, allocateCompute, parseAllocationSpec } from "../../routing/index.ts";
import { seededRng } from "../../runtime/index.ts";
import type { AnswerFormat, GenerationRequest, Problem } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { testStrategyContext } from "../../testing/test-strategy-context.ts";
import { type AllocationReplayStrategy, allocationOutcomes } from "./allocation-outcomes.ts";
import { evaluateReplay } from "./evaluate-replay.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import type { ProblemOutcome } from "./problem-outcome.ts";
import { replayShuffleOrders } from "./replay-shuffle.ts";
import { parseReplayStrategy } from "./replay-strategy.ts";

const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /####\s*(.+?)\s*$/.exec(text)?.[1],
  key: (answer) => answer,
  equivalent: (a, b) => a === b,
};

/** A recorded sample: the trace it is (same label and answer, same text), its answer, its log-probability per token. */
interface Drawn {
  readonly label: string;
  readonly answer: string;
  /** A dyadic number, so that the scripted backend's even split over tokens adds back up exactly. */
  readonly perToken: number;
}

/** One problem's recordings: its question (unique, no question inside another), gold and samples in order. */
interface Recording {
  readonly question: string;
  readonly gold: string;
  readonly samples: readonly Drawn[];
  readonly greedy: Drawn;
}

const textOf = (drawn: Drawn) => `${drawn.label} #### ${drawn.answer}`;
/** The scripted backend counts one token per whitespace-separated word. */
const tokensOf = (drawn: Drawn) => textOf(drawn).split(/\s+/).length;

function gradedSample(drawn: Drawn, gold: string): GradedSample {
  const text = textOf(drawn);
  return {
    answer: drawn.answer,
    key: drawn.answer,
    correct: drawn.answer === gold,
    completionTokens: tokensOf(drawn),
    characters: text.length,
    text,
    logprob: drawn.perToken * tokensOf(drawn),
    reward: undefined,
  };
}

function graded(recording: Recording, samples = recording.samples): GradedProblem {
  return {
    id: recording.question,
    gold: recording.gold,
    difficulty: undefined,
    location: `test.jsonl:${recording.question}`,
    samples: samples.map((drawn) => gradedSample(drawn, recording.gold)),
  };
}

/** 16 samples per problem: one easy (one likely trace), two split, one hopeless, one leaning. */
function recordings(seed: number, count = 16): Recording[] {
  const rng = seededRng(seed);
  const draw = (make: (index: number) => Drawn) => Array.from({ length: count }, (_, index) => make(index));
  return [
    {
      question: "alpha",
      gold: "1",
      samples: draw(() => ({ label: "likely", answer: "1", perToken: -0.125 })),
      greedy: { label: "likely", answer: "1", perToken: -0.125 },
    },
    {
      question: "bravo",
      gold: "2",
      samples: draw((index) =>
        rng.next() < 0.5
          ? { label: "two", answer: "2", perToken: -0.5 }
          : { label: `w${index} x`, answer: "3", perToken: -1.5 },
      ),
      greedy: { label: "two", answer: "2", perToken: -0.5 },
    },
    {
      question: "charlie",
      gold: "9",
      samples: draw((index) => ({ label: `p${index}`, answer: String(100 + index), perToken: -2 })),
      greedy: { label: "g", answer: "100", perToken: -1 },
    },
    {
      question: "delta",
      gold: "4",
      samples: draw((index) =>
        rng.next() < 0.7
          ? { label: `d${index}`, answer: "4", perToken: -0.75 }
          : { label: `e${index} y z`, answer: "5", perToken: -1 },
      ),
      greedy: { label: "d0", answer: "4", perToken: -0.75 },
    },
    {
      question: "echo",
      gold: "6",
      samples: draw((index) =>
        rng.next() < 0.5
          ? { label: `f${index}`, answer: "6", perToken: -1.25 }
          : { label: `h${index}`, answer: "7", perToken: -1.25 },
      ),
      greedy: { label: "f0", answer: "6", perToken: -1.25 },
    },
  ];
}

function promptOf(request: GenerationRequest): string {
  return request.prompt.kind === "text"
    ? request.prompt.text
    : request.prompt.messages.map((message) => message.content).join("\n");
}

/** A backend whose i-th sample of a problem is its recorded i-th, and whose greedy trace is the recorded one. */
function replaying(recorded: readonly Recording[], model: string) {
  const drawnSoFar = new Map<string, number>();
  return createScriptedBackend({
    model,
    respond: (request) => {
      const recording = recorded.find((each) => promptOf(request).includes(each.question))!;
      if (request.temperature === 0) {
        return {
          text: textOf(recording.greedy),
          logprob: recording.greedy.perToken * tokensOf(recording.greedy),
        };
      }
      const index = drawnSoFar.get(recording.question) ?? 0;
      drawnSoFar.set(recording.question, index + 1);
      const drawn = recording.samples[index]!;
      return { text: textOf(drawn), logprob: drawn.perToken * tokensOf(drawn) };
    },
  });
}

/** `allocateCompute` as a live bench run calls it for `spec`, over backends that replay the recordings. */
function live(spec: string, recorded: readonly Recording[], larger?: readonly Recording[]) {
  const allocation = parseAllocationSpec(spec);
  const problems: Problem[] = recorded.map((recording) => ({ question: recording.question }));
  const backend = replaying(larger ?? recorded, "large");
  return allocateCompute(problems, {
    totalSamples: allocation.samplesPerProblem * problems.length,
    signal: allocation.signal,
    probe: allocation.probe,
    maxSamples: allocation.maxSamples,
    greedyProbe: allocation.greedyProbe,
    probeModel: larger === undefined ? undefined : { name: "small", backend: replaying(recorded, "small") },
    context: (_, index) => testStrategyContext({ backend, seed: index, answerFormat: hashFormat }),
  });
}

function replayed(spec: string, recorded: readonly Recording[], larger?: readonly Recording[]) {
  const [evaluation] = evaluateReplay(
    recorded.map((recording) => graded(recording)),
    [parseReplayStrategy(spec)],
    {
      resamples: 10,
      openings: recorded.map((recording) => graded(recording, [recording.greedy])),
      escalation: larger?.map((recording) => graded(recording)),
    },
  );
  return evaluation!;
}

const comparable = (result: AllocatedProblem) => ({
  answer: result.answer,
  samples: result.samples,
  tokens: result.usage.completionTokens,
});
const comparableOutcome = (outcome: ProblemOutcome) => ({
  answer: outcome.answer,
  samples: outcome.samples,
  tokens: outcome.tokens,
});

/** The strategy and one draw's outcomes of it for every order in `orders`. */
function draws(spec: string, problems: readonly GradedProblem[], shuffles: number) {
  const strategy = parseReplayStrategy(spec) as AllocationReplayStrategy;
  const orders = replayShuffleOrders(
    problems.map((problem) => problem.samples.length),
    shuffles,
    { shuffle: "mull", rng: seededRng(11), seed: 0 },
  );
  return orders.map((order) => ({
    order,
    outcomes: allocationOutcomes(problems, strategy, { orders: [order], rewardScale: "probability" }),
  }));
}

describe("allocation replay (alloc@S, alloc-mass@S)", () => {
  it("spends at most S samples per problem over the batch, never more than a problem recorded", () => {
    const recorded = recordings(1);
    // A split problem with three samples: planned more than it has, it gets them and the rest is unrecorded.
    const short = graded({ ...recorded[1]!, question: "foxtrot" }, [
      { label: "a", answer: "2", perToken: -1 },
      { label: "b", answer: "3", perToken: -1 },
      { label: "c", answer: "3", perToken: -1 },
    ]);
    const problems = [...recorded.map((recording) => graded(recording)), short];
    let unrecordedSomewhere = false;
    for (const spec of ["alloc@4", "alloc@8p2", "alloc-mass@4"]) {
      const total = parseAllocationSpec(spec).samplesPerProblem * problems.length;
      for (const { outcomes } of draws(spec, problems, 8)) {
        const used = outcomes.reduce((sum, outcome) => sum + outcome.samples, 0);
        const unrecorded = outcomes.reduce((sum, outcome) => sum + (outcome.unrecorded ?? 0), 0);
        expect(used).toBeLessThanOrEqual(total);
        // The hopeless problem always wants more, so the plan spends the whole total: what was not used was not recorded.
        expect(used + unrecorded).toBe(total);
        for (const [index, outcome] of outcomes.entries()) {
          expect(outcome.samples).toBeLessThanOrEqual(problems[index]!.samples.length);
        }
        if ((outcomes[5]?.unrecorded ?? 0) > 0) {
          unrecordedSomewhere = true;
          expect(outcomes[5]?.samples).toBe(3);
        }
      }
    }
    expect(unrecordedSomewhere).toBe(true);
    const evaluation = evaluateReplay(problems, [parseReplayStrategy("alloc@8p2")], {
      shuffles: 8,
      resamples: 10,
    })[0]!;
    expect(evaluation.unrecorded).toBeGreaterThan(0);
    expect(evaluation.meanSamples + evaluation.unrecorded!).toBeCloseTo(8, 12);
  });

  it("gives a problem whose probe is unanimous no extra samples, charging exactly its probe's tokens", () => {
    const problems = recordings(2).map((recording) => graded(recording));
    let unanimousSplit = 0;
    for (const spec of ["alloc@4", "alloc@6p3"]) {
      const probe = parseAllocationSpec(spec).probe;
      for (const { order, outcomes } of draws(spec, problems, 10)) {
        for (const [index, outcome] of outcomes.entries()) {
          const probeSamples = order[index]!.slice(0, probe).map(
            (sample) => problems[index]!.samples[sample]!,
          );
          if (new Set(probeSamples.map((sample) => sample.key)).size !== 1) continue;
          if (index !== 0) unanimousSplit += 1;
          expect(outcome.samples).toBe(probe);
          expect(outcome.unrecorded).toBe(0);
          expect(outcome.tokens).toBe(
            probeSamples.reduce((sum, sample) => sum + sample.completionTokens!, 0),
          );
        }
        // The easy problem is unanimous on every draw.
        expect(outcomes[0]?.samples).toBe(probe);
      }
    }
    // Split problems' probes were unanimous on some draws too, and got nothing more there.
    expect(unanimousSplit).toBeGreaterThan(0);
  });

  it.each([
    "alloc@4",
    "alloc@4p3",
    "alloc@6p3c8",
    "alloc-mass@4",
    "alloc-mass@4p2",
    "alloc-mass@4g",
    "alloc-mass@3p2g",
  ])("answers %s as allocateCompute does on a backend that draws the recorded samples in order", async (spec) => {
    const recorded = recordings(3);
    const results = await live(spec, recorded);
    const evaluation = replayed(spec, recorded);
    expect(evaluation.outcomes.map(comparableOutcome)).toEqual(results.map(comparable));
    expect(new Set(results.map((result) => result.samples)).size).toBeGreaterThan(1);
    expect(evaluation.unrecorded).toBe(0);
  });

  it("with a route, probes on these samples and draws the extra ones from the larger model's, which answer alone", async () => {
    // golf: the small model leans to a wrong 7 (7, 7, 7, 8, …), the larger one always answers 6; a vote
    // over the probe and a few extra samples would still say 7.
    const golf = (answers: readonly string[]): Recording => ({
      question: "golf",
      gold: "6",
      samples: Array.from({ length: 16 }, (_, index) => ({
        label: `g${index}`,
        answer: answers[index % answers.length]!,
        perToken: -1,
      })),
      greedy: { label: "g0", answer: answers[0]!, perToken: -1 },
    });
    const small = [...recordings(4), golf(["7", "7", "7", "8"])];
    const large = [...recordings(5), golf(["6"])];
    const spec = "alloc@6p4:small>large";
    const results = await live(spec, small, large);
    const evaluation = replayed(spec, small, large);
    expect(evaluation.outcomes.map(comparableOutcome)).toEqual(results.map(comparable));
    const golfed = evaluation.outcomes[5]!;
    expect(golfed.samples - 4).toBeGreaterThan(0);
    expect(golfed.samples - 4).toBeLessThanOrEqual(3);
    expect(golfed).toMatchObject({ answer: "6", score: 1, escalated: 1 });
    const escalated = results.filter((result) => result.samples > 4).length / results.length;
    expect(evaluation.escalated).toBeCloseTo(escalated, 12);
    const largeTokens = results.reduce(
      (sum, result) => sum + (result.usageByModel.large?.completionTokens ?? 0),
      0,
    );
    expect(evaluation.meanEscalationTokens).toBeCloseTo(largeTokens / results.length, 12);
  });

  it("names a problem with fewer samples than the probe, a routed allocation without the larger model's, and a bad spec", () => {
    const problems = recordings(6, 3).map((recording) => graded(recording));
    expect(() => evaluateReplay(problems, [parseReplayStrategy("alloc@4p4")])).toThrow(
      '--strategies: alloc@4p4 probes every problem with 4 recorded samples, but problem "alpha" (test.jsonl:alpha) has 3',
    );
    expect(() => evaluateReplay(problems, [parseReplayStrategy("alloc@4p2:small>large")])).toThrow(
      "--strategies: alloc@4p2:small>large draws its extra samples from a larger model: give that model's samples of the same problems (--escalate-samples or --escalate-run)",
    );
    const bad = (() => {
      try {
        parseReplayStrategy("alloc@4g");
      } catch (error) {
        return error;
      }
    })();
    expect(ConfigError.isInstance(bad) && bad.field).toBe("--strategies");
    expect((bad as Error).message).toContain(
      '--strategies: malformed allocation spec "alloc@4g": a greedy probe (g) needs alloc-mass',
    );
    expect(parseReplayStrategy(" Alloc-Mass@4p2G ")).toMatchObject({
      name: "Alloc-Mass@4p2G",
      kind: "alloc-mass",
      k: 4,
      greedyFirst: true,
      allocation: { probe: 2, signal: "mass" },
    });
  });
});
