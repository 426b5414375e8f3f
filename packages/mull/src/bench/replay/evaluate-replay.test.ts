import { describe, expect, it } from "vitest";
import { answerFormatByName } from "../../answers/index.ts";
import { passAtK } from "../../metrics/index.ts";
import { seededRng } from "../../runtime/index.ts";
import { evaluateReplay } from "./evaluate-replay.ts";
import { type GradedProblem, type GradedSample, gradeReplay } from "./grade-replay.ts";
import { pythonRandom } from "./python-random.ts";
import { parseReplayStrategies } from "./replay-strategy.ts";

function graded(
  id: string,
  answers: readonly string[],
  gold: string,
  tokens?: readonly number[],
): GradedProblem {
  return {
    id,
    difficulty: undefined,
    location: `test.jsonl:${id}`,
    samples: answers.map(
      (answer, index): GradedSample => ({
        answer,
        key: answer,
        correct: answer === gold,
        completionTokens: tokens?.[index],
        characters: answer.length * 10,
        logprob: undefined,
        reward: answer === gold ? 0.8 : 0.4,
      }),
    ),
  };
}

const problems = [
  graded("1", ["1", "2", "1", "1"], "1", [10, 20, 30, 40]),
  graded("2", ["3", "2", "2", "3"], "2", [5, 5, 5, 5]),
  graded("3", ["9", "9", "8", "7"], "7", [1, 2, 3, 4]),
];

describe("evaluateReplay", () => {
  it("uses the first k samples by default", () => {
    const results = evaluateReplay(problems, parseReplayStrategies("maj@4,maj@1,mean@4,mean@1,pass@4,rm@4"), {
      resamples: 100,
    });
    const byName = Object.fromEntries(results.map((result) => [result.strategy, result]));
    // maj@4: "1" wins; "3" and "2" tie 2–2, "3" seen first (wrong); "9" wins (wrong).
    expect(byName["maj@4"]?.correct).toBe(1);
    expect(byName["maj@1"]?.correct).toBe(1);
    expect(byName["mean@4"]?.accuracy.accuracy).toBeCloseTo((3 / 4 + 2 / 4 + 1 / 4) / 3, 12);
    expect(byName["mean@1"]?.correct).toBe(1);
    expect(byName["pass@4"]?.correct).toBe(3);
    expect(byName["rm@4"]?.correct).toBe(3);
    expect(byName["maj@4"]?.meanSamples).toBe(4);
    expect(byName["maj@4"]?.meanCompletionTokens).toBeCloseTo((100 + 20 + 10) / 3, 12);
    expect(byName["maj@1"]?.meanCompletionTokens).toBeCloseTo((10 + 5 + 1) / 3, 12);
    expect(byName["mean@4"]?.meanSamples).toBe(1);
    expect(byName["mean@4"]?.meanCompletionTokens).toBeCloseTo((25 + 5 + 2.5) / 3, 12);
    expect(byName["maj@4"]?.budget).toBe("first");
  });

  it("draws each strategy's bootstrap from the seed and the strategy, not from its place in the list", () => {
    const rng = seededRng(11);
    const many = Array.from({ length: 30 }, (_, index) =>
      graded(
        String(index),
        Array.from({ length: 8 }, () => (rng.next() < 0.6 ? "a" : "b")),
        "a",
      ),
    );
    const interval = (list: string, name: string, seed = 0) => {
      const found = evaluateReplay(many, parseReplayStrategies(list), { resamples: 200, seed }).find(
        (evaluation) => evaluation.strategy === name,
      );
      return [found?.accuracy.lower, found?.accuracy.upper];
    };
    const alone = interval("maj@8", "maj@8");
    expect(alone[0]).toBeLessThan(alone[1]!);
    expect(interval("sc@8,maj@8", "maj@8")).toEqual(alone);
    expect(interval("mean@1,pass@8,maj@8", "maj@8")).toEqual(alone);
    // Two spellings of one strategy are one strategy, with one interval.
    expect(interval("sc@8", "sc@8")).toEqual(alone);
    const asc = interval("asc@8t0.6", "asc@8t0.6");
    expect(interval("maj@8,asc@8:t0.6", "asc@8:t0.6")).toEqual(asc);
    // The seed still draws the bootstrap: another seed, another interval.
    expect(interval("maj@8", "maj@8", 1)).not.toEqual(alone);
  });

  it("with shuffles, mean@k and pass@k take their exact expectations", () => {
    const results = evaluateReplay(problems, parseReplayStrategies("mean@2,pass@2"), {
      shuffles: 3,
      resamples: 50,
    });
    expect(results[0]?.accuracy.accuracy).toBeCloseTo((3 / 4 + 2 / 4 + 1 / 4) / 3, 12);
    const expectedPass = (passAtK(4, 3, 2) + passAtK(4, 2, 2) + passAtK(4, 1, 2)) / 3;
    expect(results[1]?.accuracy.accuracy).toBeCloseTo(expectedPass, 12);
    expect(results[1]?.meanCompletionTokens).toBeCloseTo((50 + 10 + 5) / 3, 12);
    expect(results[1]?.budget).toBe("random");
  });

  it("with shuffles, votes over random subsets converge to their expectation", () => {
    const rng = seededRng(6);
    const many = Array.from({ length: 20 }, (_, index) =>
      graded(
        String(index),
        Array.from({ length: 6 }, () => (rng.next() < 0.5 ? "a" : "b")),
        "a",
      ),
    );
    // maj@1 over a random sample is a random sample: its expectation is mean@1.
    const [majorityOfOne, meanOfOne] = evaluateReplay(many, parseReplayStrategies("maj@1,mean@1"), {
      shuffles: 2000,
      resamples: 20,
      seed: 4,
    });
    expect(majorityOfOne!.accuracy.accuracy).toBeCloseTo(meanOfOne!.accuracy.accuracy, 2);
    const again = evaluateReplay(many, parseReplayStrategies("maj@3"), {
      shuffles: 10,
      resamples: 20,
      seed: 4,
    });
    const same = evaluateReplay(many, parseReplayStrategies("maj@3"), {
      shuffles: 10,
      resamples: 20,
      seed: 4,
    });
    const other = evaluateReplay(many, parseReplayStrategies("maj@3"), {
      shuffles: 10,
      resamples: 20,
      seed: 5,
    });
    expect(again).toEqual(same);
    expect(other[0]?.accuracy.accuracy).not.toBe(again[0]?.accuracy.accuracy);
  });

  it("leaves tokens unknown when a used sample has no count, and caps k at each problem's samples", () => {
    const short = graded("4", ["1", "1"], "1");
    const [result] = evaluateReplay([problems[0]!, short], parseReplayStrategies("maj@4"), { resamples: 10 });
    expect(result?.meanCompletionTokens).toBeUndefined();
    expect(result?.meanSamples).toBe(3);
    expect(result?.meanCharacters).toBe((40 + 20) / 2);
  });

  it("refuses a k beyond every problem's samples and a bad shuffle count", () => {
    expect(() => evaluateReplay(problems, parseReplayStrategies("maj@5"))).toThrow(
      /--strategies: maj@5 needs 5 samples per problem, but no problem has more than 4/,
    );
    expect(() => evaluateReplay(problems, parseReplayStrategies("maj@2"), { shuffles: 0 })).toThrow(
      /--shuffles.*got 0/,
    );
  });

  it("names the flag the strategies came from when a caller gives it, in the message and the field", () => {
    let refusal: unknown;
    try {
      evaluateReplay(problems, parseReplayStrategies("maj@5"), { strategiesFlag: "--k" });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({
      field: "--k",
      message: "--k: maj@5 needs 5 samples per problem, but no problem has more than 4",
    });
  });

  it("draws Python's shuffles with shuffle python: random.Random(seed + s), each problem in file order", () => {
    const strategies = parseReplayStrategies("maj@2,rm@1");
    const orders = Array.from({ length: 4 }, (_, draw) => {
      const rng = pythonRandom(7 + draw);
      return problems.map((problem) => {
        const order = problem.samples.map((_, index) => index);
        rng.shuffle(order);
        return order;
      });
    });
    const python = evaluateReplay(problems, strategies, {
      shuffle: "python",
      shuffles: 4,
      seed: 7,
      resamples: 20,
    });
    expect(python).toEqual(evaluateReplay(problems, strategies, { orders, seed: 7, resamples: 20 }));
    // "mull" is the default: the same draws as without the option.
    const mull = evaluateReplay(problems, strategies, {
      shuffle: "mull",
      shuffles: 4,
      seed: 7,
      resamples: 20,
    });
    expect(mull).toEqual(evaluateReplay(problems, strategies, { shuffles: 4, seed: 7, resamples: 20 }));
    expect(mull).not.toEqual(python);
  });

  it("refuses an unknown shuffle, and shuffle python without shuffles or with orders", () => {
    const strategies = parseReplayStrategies("maj@2");
    expect(() => evaluateReplay(problems, strategies, { shuffle: "numpy" as "python", shuffles: 2 })).toThrow(
      'replay: --shuffle must be "mull" or "python", got "numpy"',
    );
    expect(() => evaluateReplay(problems, strategies, { shuffle: "python" })).toThrow(
      "replay: --shuffle python draws at random: give the number of --shuffles too",
    );
    const orders = [problems.map((problem) => problem.samples.map((_, index) => index))];
    expect(() => evaluateReplay(problems, strategies, { shuffle: "python", orders })).toThrow(
      'replay: give either shuffle "python" or orders, not both',
    );
  });

  describe("cascades", () => {
    // The larger model's samples of the same problems, listed in another order: matched by id.
    const larger = [
      graded("3", ["7", "7", "9", "7"], "7", [50, 50, 50, 50]),
      graded("1", ["1", "1", "1", "2"], "1", [100, 100, 100, 100]),
      graded("2", ["2", "2", "3", "2"], "2", [60, 60, 60, 60]),
    ];

    it("escalates the problems the first model splits on, and reports the share and the larger model's tokens", () => {
      const [cascade, smallVote] = evaluateReplay(problems, parseReplayStrategies("cascade@4x2t0.7,maj@4"), {
        escalation: larger,
        resamples: 10,
      });
      // Agreements 3/4 (kept: "1", right), 2/4 and 2/4 (escalated: maj@2 of the larger model, "2" and "7").
      expect(cascade?.correct).toBe(3);
      expect(smallVote?.correct).toBe(1);
      expect(cascade?.escalated).toBeCloseTo(2 / 3, 12);
      expect(cascade?.meanEscalationTokens).toBeCloseTo((0 + 120 + 100) / 3, 12);
      expect(cascade?.meanCompletionTokens).toBeCloseTo((100 + 20 + 120 + 10 + 100) / 3, 12);
      expect(cascade?.meanSamples).toBeCloseTo((4 + 6 + 6) / 3, 12);
      expect(smallVote?.escalated).toBeUndefined();
    });

    it("under shuffles, draws the larger model's samples at random too, reproducibly, and averages", () => {
      const options = { escalation: larger, shuffles: 20, seed: 5, resamples: 10 };
      const [first] = evaluateReplay(problems, parseReplayStrategies("cascade@2x1t1"), options);
      const [again] = evaluateReplay(problems, parseReplayStrategies("cascade@2x1t1"), options);
      expect(again).toEqual(first);
      // Some draws of two split, some agree: the escalated share is a fraction, not all or none.
      expect(first?.escalated).toBeGreaterThan(0);
      expect(first?.escalated).toBeLessThan(1);
      expect(first?.budget).toBe("random");
    });

    it("refuses two recordings whose problems of one id have different gold answers", () => {
      const recording = (file: string, golds: readonly string[]) =>
        gradeReplay(
          golds.map((gold, index) => ({
            id: String(index),
            gold,
            difficulty: undefined,
            samples: [{ answer: gold }, { answer: "0" }],
            location: `${file}:${index + 1}`,
          })),
          answerFormatByName("numeric"),
        );
      const small = recording("aime24.jsonl", ["204", "25", "116"]);
      const strategies = parseReplayStrategies("cascade@2x2t1");
      // The same problems, their golds written otherwise: one key, so they pair.
      const same = recording("larger.jsonl", ["204.0", "25", "116"]);
      expect(evaluateReplay(small, strategies, { escalation: same, resamples: 10 })[0]?.problems).toBe(3);
      // Another benchmark under the same ids.
      const other = recording("aime25.jsonl", ["204", "70", "588"]);
      expect(() => evaluateReplay(small, strategies, { escalation: other })).toThrow(
        'escalation: problem "1" has gold "25" in aime24.jsonl:2 but gold "70" in aime25.jsonl:2 (and 1 more problems\' gold answers differ)',
      );
      // Greedy traces go through the same pairing.
      const greedy = recording("greedy.jsonl", ["204", "25", "117"]).map((problem) => ({
        ...problem,
        samples: [{ ...problem.samples[0]!, logprob: -1 }],
      }));
      expect(() => evaluateReplay(small, parseReplayStrategies("mass@2g"), { openings: greedy })).toThrow(
        'openings: problem "2" has gold "116" in aime24.jsonl:3 but gold "117" in greedy.jsonl:3;',
      );
    });

    it("refuses a cascade without the larger model's samples, or without them for every problem", () => {
      expect(() => evaluateReplay(problems, parseReplayStrategies("cascade@4"))).toThrow(
        /--strategies: cascade@4 escalates to a larger model: give that model's samples/,
      );
      expect(() =>
        evaluateReplay(problems, parseReplayStrategies("cascade@4"), { escalation: larger.slice(1) }),
      ).toThrow(/escalation: the larger model has no samples of 1 of the 3 problems \(the first: "3"\)/);
      expect(() =>
        evaluateReplay(problems, parseReplayStrategies("cascade@4x5"), { escalation: larger }),
      ).toThrow(/cascade@4x5 needs 5 samples per problem from the larger model, but it has no more than 4/);
    });
  });

  describe("accept@k and utilities", () => {
    // A verifier with false positives: per problem, rewards of the samples in order.
    function verified(
      id: string,
      samples: readonly (readonly [string, number])[],
      gold: string,
    ): GradedProblem {
      return {
        id,
        difficulty: undefined,
        location: `test.jsonl:${id}`,
        samples: samples.map(
          ([answer, reward]): GradedSample => ({
            answer,
            key: answer,
            correct: answer === gold,
            completionTokens: 10,
            characters: 10,
            logprob: undefined,
            reward,
          }),
        ),
      };
    }
    const checked = [
      // Accepted at the second sample, right.
      verified(
        "a",
        [
          ["4", 0.2],
          ["5", 0.9],
          ["6", 0.9],
        ],
        "5",
      ),
      // A false positive first: accepted and wrong.
      verified(
        "b",
        [
          ["7", 0.8],
          ["8", 0.9],
          ["8", 0.9],
        ],
        "8",
      ),
      // Nothing accepted: abstains.
      verified(
        "c",
        [
          ["1", 0.1],
          ["2", 0.3],
          ["2", 0.2],
        ],
        "2",
      ),
    ];

    it("answers the first accepted sample, charges what it read, and abstains when none is accepted", () => {
      const [accept, majority] = evaluateReplay(checked, parseReplayStrategies("accept@3,maj@3"), {
        resamples: 10,
        wrongCost: 2,
      });
      expect(accept?.outcomes.map((outcome) => [outcome.answer, outcome.score, outcome.samples])).toEqual([
        ["5", 1, 2],
        ["7", 0, 1],
        [undefined, 0, 3],
      ]);
      expect(accept?.meanCompletionTokens).toBeCloseTo((20 + 10 + 30) / 3, 12);
      expect(accept?.answered).toBe(2);
      // Right 1, wrong −2, none 0: (1 − 2 + 0) / 3.
      expect(accept?.utility).toBeCloseTo(-1 / 3, 12);
      // The vote answers all three: a wrong ("4", "5", "6" tie to the first), b and c right.
      expect(majority?.answered).toBe(3);
      expect(majority?.utility).toBeCloseTo((-2 + 1 + 1) / 3, 12);
    });

    it("counts mean@k as always answering, and gives no utility without a cost", () => {
      const [mean] = evaluateReplay(checked, parseReplayStrategies("mean@3"), {
        resamples: 10,
        wrongCost: 1,
      });
      expect(mean?.answered).toBeUndefined();
      // Right shares 1/3, 2/3, 2/3: utility = right − wrong = 2 × right − 1 per problem.
      expect(mean?.utility).toBeCloseTo((2 * (1 / 3 + 2 / 3 + 2 / 3)) / 3 - 1, 12);
      expect(evaluateReplay(checked, parseReplayStrategies("accept@3"), { resamples: 10 })[0]?.utility).toBe(
        undefined,
      );
      expect(() => evaluateReplay(checked, parseReplayStrategies("accept@3"), { wrongCost: -1 })).toThrow(
        /--wrong-cost/,
      );
    });

    it("averages answered and utility over shuffles", () => {
      const [accept] = evaluateReplay(checked, parseReplayStrategies("accept@1"), {
        shuffles: 200,
        resamples: 10,
        wrongCost: 1,
      });
      // One sample: a accepted 2 of 3 draws (1 right), b always (2 right), c never.
      expect(accept?.answered).toBeGreaterThan(1.55);
      expect(accept?.answered).toBeLessThan(1.78);
      const right = accept?.correct ?? 0;
      expect(accept?.utility).toBeCloseTo((right - ((accept?.answered ?? 0) - right)) / 3, 12);
    });
  });

  describe("mass@kg", () => {
    /** A problem whose samples are distinct traces with the given probabilities and answers. */
    function traced(
      id: string,
      traces: readonly (readonly [string, number, number])[],
      gold: string,
    ): GradedProblem {
      return {
        id,
        difficulty: undefined,
        location: `test.jsonl:${id}`,
        samples: traces.map(
          ([answer, probability, tokens], index): GradedSample => ({
            text: `trace ${index} #### ${answer}`,
            answer,
            key: answer,
            correct: answer === gold,
            completionTokens: tokens,
            characters: 10,
            logprob: Math.log(probability),
            reward: undefined,
          }),
        ),
      };
    }
    const sampled = [
      traced(
        "a",
        [
          ["5", 0.2, 10],
          ["6", 0.3, 20],
          ["5", 0.25, 30],
        ],
        "5",
      ),
      traced(
        "b",
        [
          ["8", 0.1, 10],
          ["8", 0.1, 10],
          ["9", 0.05, 10],
        ],
        "8",
      ),
    ];
    // Greedy traces: 0.6 for "5" settles problem a alone; 0.3 for "8" does not settle b.
    const greedy = [traced("b", [["8", 0.3, 7]], "8"), traced("a", [["5", 0.6, 11]], "5")];

    it("opens with each problem's greedy trace, then draws k − 1 samples, charging the tokens used", () => {
      const [opened, plain] = evaluateReplay(sampled, parseReplayStrategies("mass@3g,mass@3"), {
        openings: greedy,
        resamples: 10,
      });
      // a: the greedy trace alone (11 tokens); b: greedy, then both samples, no certificate (7 + 10 + 10).
      expect(opened?.outcomes.map((outcome) => outcome.samples)).toEqual([1, 3]);
      expect(opened?.outcomes.map((outcome) => outcome.tokens)).toEqual([11, 27]);
      expect(opened?.correct).toBe(2);
      // Without the greedy trace, a needs all three samples: 0.45 for "5" against 0.3 plus 0.25 unseen.
      expect(plain?.outcomes.map((outcome) => outcome.samples)).toEqual([3, 3]);
    });

    it("refuses mass@kg without greedy traces, or without one for every problem", () => {
      expect(() => evaluateReplay(sampled, parseReplayStrategies("mass@2g"))).toThrow(
        /--strategies: mass@2g opens with each problem's greedy trace: give the greedy traces/,
      );
      expect(() =>
        evaluateReplay(sampled, parseReplayStrategies("mass@2g"), { openings: greedy.slice(0, 1) }),
      ).toThrow(/openings: there is no greedy trace of 1 of the 2 problems \(the first: "a"\)/);
      const blind = [
        greedy[0]!,
        { ...greedy[1]!, samples: [{ ...greedy[1]!.samples[0]!, logprob: undefined }] },
      ];
      expect(() => evaluateReplay(sampled, parseReplayStrategies("mass@2g"), { openings: blind })).toThrow(
        /openings: the greedy trace of problem "a" \(test.jsonl:a\) has no logprob, .*mass@1g/,
      );
      // A greedy trace is one sample: a file of several per problem is not one of greedy traces.
      const several = [
        greedy[0]!,
        { ...greedy[1]!, samples: [greedy[1]!.samples[0]!, greedy[1]!.samples[0]!] },
      ];
      expect(() => evaluateReplay(sampled, parseReplayStrategies("mass@2g"), { openings: several })).toThrow(
        'openings: problem "a" has 2 samples in test.jsonl:a, but the greedy trace is one sample per problem; give only the greedy traces (--greedy-samples or --greedy-strategy)',
      );
      // After the greedy trace, mass@kg draws k − 1 recorded samples: three suffice for mass@4g.
      expect(evaluateReplay(sampled, parseReplayStrategies("mass@4g"), { openings: greedy })[0]?.k).toBe(4);
      expect(() => evaluateReplay(sampled, parseReplayStrategies("mass@5g"), { openings: greedy })).toThrow(
        /mass@5g needs 4 samples per problem, but no problem has more than 3/,
      );
      // Strategies that do not open with it need none.
      expect(evaluateReplay(sampled, parseReplayStrategies("mass@2"))[0]?.problems).toBe(2);
    });

    // The larger model: a is settled by 0.7 for "5"; b's greedy trace 0.6 for "8" settles it alone.
    const larger = [
      traced(
        "a",
        [
          ["5", 0.7, 40],
          ["6", 0.1, 40],
        ],
        "5",
      ),
      traced(
        "b",
        [
          ["9", 0.3, 40],
          ["8", 0.3, 40],
        ],
        "8",
      ),
    ];
    const largerGreedy = [traced("a", [["5", 0.7, 50]], "5"), traced("b", [["8", 0.6, 50]], "8")];

    it("opens each model of cascade-mass@NxMg with its own greedy trace", () => {
      const [opened, plain] = evaluateReplay(
        sampled,
        parseReplayStrategies("cascade-mass@2x2g,cascade-mass@2x2"),
        {
          openings: greedy,
          escalation: larger,
          escalationOpenings: largerGreedy,
          resamples: 10,
        },
      );
      // a: the small model's greedy trace settles it (11 tokens). b: the small greedy 0.3 and 0.1 leave
      // room for a rival, so it escalates to the larger model's greedy trace, 0.6 for "8", alone.
      expect(opened?.outcomes.map((outcome) => outcome.samples)).toEqual([1, 3]);
      expect(opened?.outcomes.map((outcome) => outcome.tokens)).toEqual([11, 7 + 10 + 50]);
      expect(opened?.outcomes.map((outcome) => outcome.escalationTokens)).toEqual([0, 50]);
      expect(opened?.correct).toBe(2);
      // Without greedy traces a escalates (0.2 and 0.3 certify nothing), and b's larger samples tie
      // 0.3 against 0.3, answering the first drawn: 9.
      expect(plain?.outcomes.map((outcome) => outcome.escalated)).toEqual([1, 1]);
      expect(plain?.correct).toBe(1);
    });

    it("refuses cascade-mass@NxMg without the larger model's greedy traces", () => {
      expect(() =>
        evaluateReplay(sampled, parseReplayStrategies("cascade-mass@2x2g"), {
          openings: greedy,
          escalation: larger,
        }),
      ).toThrow(
        /cascade-mass@2x2g opens with each problem's greedy trace from the larger model .*--escalate-greedy-samples/,
      );
      expect(() =>
        evaluateReplay(sampled, parseReplayStrategies("cascade-mass@2x2g"), {
          openings: greedy,
          escalation: larger,
          escalationOpenings: largerGreedy.slice(0, 1),
        }),
      ).toThrow(/escalationOpenings: the larger model has no greedy trace of 1 of the 2 problems/);
    });
  });
});
