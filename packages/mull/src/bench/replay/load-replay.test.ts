import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { answerFormatByName } from "../../answers/index.ts";
import { gradeReplay } from "./grade-replay.ts";
import { loadReplay } from "./load-replay.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-replay-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, lines: readonly unknown[]): string {
  const path = join(folder, name);
  writeFileSync(
    path,
    `${lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n")}\n`,
  );
  return path;
}

describe("loadReplay: generic intermediatePositions", () => {
  it("reads each probe's token position, which wins over the problem's probeInterval", () => {
    const path = file("positions.jsonl", [
      {
        id: "p",
        gold: "7",
        probeInterval: 500,
        samples: [
          {
            answer: "7",
            tokens: 900,
            intermediateAnswers: ["3", null, "7"],
            intermediatePositions: [0, 120, 900],
          },
          { answer: "7", tokens: 1200, intermediateAnswers: ["7", "7"] },
        ],
      },
    ]);
    const dataset = loadReplay({ samples: path });
    expect(dataset.problems[0]?.samples[0]?.intermediatePositions).toEqual([0, 120, 900]);
    const [irregular, regular] = gradeReplay(dataset.problems, answerFormatByName("exact"))[0]!.samples;
    expect(irregular?.probes?.map((probe) => probe.position)).toEqual([0, 120, 900]);
    expect(irregular?.probes?.map((probe) => probe.answer)).toEqual(["3", undefined, "7"]);
    expect(regular?.probes?.map((probe) => probe.position)).toEqual([500, 1000]);
  });

  it("refuses positions that do not match the answers, do not increase or pass the tokens, naming line, sample and field", () => {
    const cases: readonly [Record<string, unknown>, string][] = [
      [
        { answer: "1", intermediateAnswers: ["1", "1"], intermediatePositions: [10] },
        'field "samples[1].intermediatePositions": expected one token position per intermediateAnswers entry (2), got [10]',
      ],
      [
        { answer: "1", intermediatePositions: [10] },
        'field "samples[1].intermediatePositions": expected no positions without intermediateAnswers to go with them, got [10]',
      ],
      [
        { answer: "1", intermediateAnswers: ["1", "1", "1"], intermediatePositions: [10, 30, 30] },
        'field "samples[1].intermediatePositions[2]": expected a position above the one before it (30): positions must increase, got 30',
      ],
      [
        { answer: "1", intermediateAnswers: ["1", "1"], intermediatePositions: [20, 10] },
        'field "samples[1].intermediatePositions[1]": expected a position above the one before it (20): positions must increase, got 10',
      ],
      [
        { answer: "1", tokens: 25, intermediateAnswers: ["1", "1"], intermediatePositions: [10, 30] },
        'field "samples[1].intermediatePositions[1]": expected a position within the sample\'s tokens (<= 25), got 30',
      ],
      [
        { answer: "1", intermediateAnswers: ["1"], intermediatePositions: [1.5] },
        'field "samples[1].intermediatePositions[0]": expected an integer, got 1.5',
      ],
      [
        { answer: "1", intermediateAnswers: ["1"], intermediatePositions: [-1] },
        'field "samples[1].intermediatePositions[0]": expected a token position >= 0, got -1',
      ],
    ];
    for (const [index, [sample, message]] of cases.entries()) {
      const path = file(`bad-positions-${index}.jsonl`, [
        { id: "a", gold: "1", samples: [{ answer: "1" }] },
        { id: "b", gold: "1", samples: [{ answer: "1" }, sample] },
      ]);
      expect(() => loadReplay({ samples: path })).toThrow(`${path}:2: ${message}`);
    }
  });
});

describe("loadReplay: generic", () => {
  it("reads problems and samples, turning numbers into strings and null into no answer", () => {
    const path = file("generic.jsonl", [
      {
        id: 1,
        gold: 42,
        difficulty: 3,
        question: "ignored",
        samples: [{ answer: 42, tokens: 7, reward: 0.5 }],
      },
      "",
      {
        id: "b",
        gold: "x",
        samples: [
          { text: "so the answer is x", logprob: -2 },
          { answer: null, correct: false },
        ],
      },
    ]);
    const dataset = loadReplay({ samples: path });
    expect(dataset.format).toBe("generic");
    expect(dataset.problems.map((problem) => problem.id)).toEqual(["1", "b"]);
    expect(dataset.problems[0]).toMatchObject({ gold: "42", difficulty: "3", location: `${path}:1` });
    expect(dataset.problems[0]?.samples[0]).toMatchObject({ answer: "42", completionTokens: 7, reward: 0.5 });
    expect(dataset.problems[1]?.location).toBe(`${path}:3`);
    expect(dataset.problems[1]?.samples[1]?.answer).toBeNull();
  });

  it("names the file, line, field and value of an invalid row", () => {
    const badReward = file("bad-reward.jsonl", [
      { id: "a", gold: "1", samples: [{ answer: "1" }] },
      { id: "b", gold: "1", samples: [{ answer: "1" }, { answer: "2", reward: "high" }] },
    ]);
    expect(() => loadReplay({ samples: badReward })).toThrow(
      `${badReward}:2: field "samples[1].reward": expected a number, got "high"`,
    );
    const misspelt = file("misspelt.jsonl", [{ id: "a", samples: [{ answer: "1", rewards: 1 }] }]);
    expect(() => loadReplay({ samples: misspelt })).toThrow(
      `${misspelt}:1: field "samples[0].rewards": unknown field`,
    );
    const empty = file("empty-sample.jsonl", [{ id: "a", samples: [{ tokens: 3 }] }]);
    expect(() => loadReplay({ samples: empty })).toThrow(
      /:1: field "samples\[0\]": expected a sample with "text" or "answer"/,
    );
    const noSamples = file("no-samples.jsonl", [{ id: "a", samples: [] }]);
    expect(() => loadReplay({ samples: noSamples })).toThrow(
      /field "samples": expected at least one sample, got \[\]/,
    );
    const duplicate = file("duplicate.jsonl", [
      { id: 1, samples: [{ answer: "1" }] },
      { id: "1", samples: [{ answer: "1" }] },
    ]);
    expect(() => loadReplay({ samples: duplicate })).toThrow(
      /:2: field "id": duplicate id "1" \(first at line 1\)/,
    );
    expect(() => loadReplay({ samples: join(folder, "absent.jsonl") })).toThrow(
      /absent.jsonl: cannot read.*no such file/,
    );
  });

  it("refuses an unknown format and a gold file the format does not read", () => {
    const path = file("ok.jsonl", [{ id: "a", samples: [{ answer: "1" }] }]);
    expect(() => loadReplay({ samples: path, format: "csv" })).toThrow(
      /--format: unknown replay format "csv"/,
    );
    expect(() => loadReplay({ samples: path, gold: "gold.jsonl" })).toThrow(
      /--gold "gold.jsonl": only --format faithful-cot/,
    );
  });
});

describe("loadReplay: ids and gold answers", () => {
  it("refuses an empty id in every format, saying what it expected in plain words", () => {
    const cases: readonly [string, Record<string, unknown>, string][] = [
      ["generic", { id: "", gold: "1", samples: [{ answer: "1" }] }, 'field "id"'],
      [
        "qwen3-probes",
        { id: "", gold: "1", samples: [{ answer: "1", tokens: 5, probes: [] }] },
        'field "id"',
      ],
      ["qwen-rm-maj", { idx: "", gt: "1", pred: ["1"], score: [true], pred_score: [[1]] }, 'field "idx"'],
    ];
    for (const [format, line, field] of cases) {
      const path = file(`empty-id-${format}.jsonl`, [line]);
      expect(() => loadReplay({ samples: path, format })).toThrow(
        `${path}:1: ${field}: expected a non-empty string, got ""`,
      );
    }
    const predictions = file("empty-id-predictions.jsonl", [{ id: "", completions: ["1"] }]);
    const gold = file("empty-id-gold.jsonl", [{ id: "", answer: "#### 1" }]);
    expect(() => loadReplay({ samples: predictions, gold, format: "faithful-cot" })).toThrow(
      `${gold}:1: field "id": expected a non-empty string, got ""`,
    );
    const fraction = file("fraction-id.jsonl", [{ id: 1.5, samples: [{ answer: "1" }] }]);
    expect(() => loadReplay({ samples: fraction })).toThrow(
      `${fraction}:1: field "id": expected a non-empty string or an integer, got 1.5`,
    );
  });

  it("refuses an empty or blank gold answer, which would grade every sample wrong, naming file and line", () => {
    const cases: readonly [string, Record<string, unknown>, string][] = [
      [
        "generic",
        { id: "b", gold: "", samples: [{ answer: "1" }] },
        'field "gold": expected a non-empty answer, got ""',
      ],
      [
        "qwen3-probes",
        { id: "b", gold: "  ", samples: [{ answer: "1", tokens: 5, probes: [] }] },
        'field "gold": expected a non-empty answer, got "  "',
      ],
      [
        "qwen-rm-maj",
        { idx: 1, gt: "", pred: ["1"], score: [true], pred_score: [[1]] },
        'field "gt": expected a non-empty answer, got ""',
      ],
    ];
    for (const [format, line, message] of cases) {
      const first =
        format === "qwen-rm-maj"
          ? { idx: 0, gt: "1", pred: ["1"], score: [true], pred_score: [[1]] }
          : { ...line, id: "a", gold: "1" };
      const path = file(`empty-gold-${format}.jsonl`, [first, line]);
      expect(() => loadReplay({ samples: path, format })).toThrow(`${path}:2: ${message}`);
    }
    const numeric = file("numeric-gold.jsonl", [{ id: "a", gold: 0, samples: [{ answer: "0" }] }]);
    expect(loadReplay({ samples: numeric }).problems[0]?.gold).toBe("0");
  });
});

describe("loadReplay: faithful-cot", () => {
  const gold = file("gold.jsonl", [
    { id: 0, question: "q", answer: "#### 05/01/2021" },
    { id: 1, question: "q", answer: "#### 04/30/2021" },
  ]);

  it("matches predictions to gold by id and keeps the texts for extraction", () => {
    const predictions = file("predictions.jsonl", [
      { id: 1, answer: "x", completions: ["So the answer is 4/30/2021.", "So the answer is 04/30/2021."] },
      { id: 0, answer: "x", completions: ["So the answer is 05/01/2021."] },
    ]);
    const dataset = loadReplay({ samples: predictions, gold, format: "faithful-cot" });
    expect(dataset.problems.map((problem) => [problem.id, problem.gold])).toEqual([
      ["1", "04/30/2021"],
      ["0", "05/01/2021"],
    ]);
    expect(dataset.answerFormat).toBe("exact");
    const exact = gradeReplay(dataset.problems, answerFormatByName("exact"));
    expect(exact[0]?.samples.map((sample) => [sample.answer, sample.correct])).toEqual([
      ["4/30/2021", false],
      ["04/30/2021", true],
    ]);
    const dates = gradeReplay(dataset.problems, answerFormatByName("date"));
    expect(dates[0]?.samples.map((sample) => sample.correct)).toEqual([true, true]);
  });

  it("requires --gold and a gold answer for every prediction", () => {
    const predictions = file("orphan.jsonl", [{ id: 7, completions: ["So the answer is 1/1/2000."] }]);
    expect(() => loadReplay({ samples: predictions, format: "faithful-cot" })).toThrow(/--gold is required/);
    expect(() => loadReplay({ samples: predictions, gold, format: "faithful-cot" })).toThrow(
      `${predictions}:1: field "id": no gold answer with id "7" in ${gold}`,
    );
    const badGold = file("bad-gold.jsonl", [{ id: 0, answer: "05/01/2021" }]);
    expect(() => loadReplay({ samples: predictions, gold: badGold, format: "faithful-cot" })).toThrow(
      /bad-gold.jsonl:1: field "answer": expected a string "#### <answer>", got "05\/01\/2021"/,
    );
  });
});

describe("loadReplay: qwen-rm-maj", () => {
  it("reads answers, recorded correctness and the last reward score of each sample", () => {
    const path = file("qwen.jsonl", [
      {
        idx: 3,
        gt: "\\frac{1}{2}",
        level: "Level 2",
        pred: ["0.5", "1"],
        score: [true, false],
        pred_score: [[0.1, 2.5], [-1]],
        response: ["...", "..."],
      },
    ]);
    const dataset = loadReplay({ samples: path, format: "qwen-rm-maj" });
    expect(dataset).toMatchObject({ format: "qwen-rm-maj", answerFormat: "math", rewardScale: "logit" });
    expect(dataset.problems[0]).toMatchObject({ id: "3", gold: "\\frac{1}{2}", difficulty: "Level 2" });
    expect(
      dataset.problems[0]?.samples.map((sample) => [sample.answer, sample.correct, sample.reward]),
    ).toEqual([
      ["0.5", true, 2.5],
      ["1", false, -1],
    ]);
  });

  it("refuses rows whose per-sample arrays disagree in length", () => {
    const path = file("qwen-bad.jsonl", [
      { idx: 0, gt: "1", pred: ["1", "2"], score: [true], pred_score: [[1], [2]] },
    ]);
    expect(() => loadReplay({ samples: path, format: "qwen-rm-maj" })).toThrow(
      /qwen-bad.jsonl:1: field "score": expected as many correctness flags as answers, got \[true\]/,
    );
  });
});

describe("loadReplay: probes", () => {
  it("generic lines may say how many tokens apart their intermediate answers are", () => {
    const path = file("probed.jsonl", [
      {
        id: "a",
        gold: "2",
        probeInterval: 250,
        samples: [{ answer: 2, intermediateAnswers: [1, null, "2"] }],
      },
    ]);
    const [problem] = loadReplay({ samples: path }).problems;
    expect(problem?.probeInterval).toBe(250);
    expect(problem?.samples[0]?.intermediateAnswers).toEqual(["1", null, "2"]);
    const bad = file("probed-bad.jsonl", [{ id: "a", probeInterval: 0, samples: [{ answer: "1" }] }]);
    expect(() => loadReplay({ samples: bad })).toThrow(
      /probed-bad.jsonl:1: field "probeInterval": expected a count of tokens >= 1, got 0/,
    );
  });

  it("qwen3-probes reads answers, tokens and probes 500 tokens apart, and names its own fields", () => {
    const path = file("qwen3.jsonl", [
      {
        id: "0",
        question: "q",
        gold: "204",
        samples: [
          { answer: "204", tokens: 1200, probes: ["3.5", null] },
          { answer: null, tokens: 900, probes: ["7"] },
        ],
      },
    ]);
    const dataset = loadReplay({ samples: path, format: "qwen3-probes" });
    expect(dataset).toMatchObject({ format: "qwen3-probes", answerFormat: "exact" });
    expect(dataset.problems[0]).toMatchObject({ id: "0", gold: "204", probeInterval: 500 });
    expect(dataset.problems[0]?.samples).toEqual([
      expect.objectContaining({ answer: "204", completionTokens: 1200, intermediateAnswers: ["3.5", null] }),
      expect.objectContaining({ answer: null, completionTokens: 900, intermediateAnswers: ["7"] }),
    ]);
    const bad = file("qwen3-bad.jsonl", [
      { id: "0", gold: "1", samples: [{ answer: "1", tokens: 5, probes: 3 }] },
    ]);
    expect(() => loadReplay({ samples: bad, format: "qwen3-probes" })).toThrow(
      /qwen3-bad.jsonl:1: field "samples\[0\].probes": expected an array of answers, got 3/,
    );
    const duplicate = file("qwen3-duplicate.jsonl", [
      { id: "0", gold: "1", samples: [{ answer: "1", tokens: 5, probes: [] }] },
      { id: "0", gold: "1", samples: [{ answer: "1", tokens: 5, probes: [] }] },
    ]);
    expect(() => loadReplay({ samples: duplicate, format: "qwen3-probes" })).toThrow(
      /:2: field "id": duplicate id "0" \(first at line 1\)/,
    );
  });
});

describe("gradeReplay", () => {
  it("prefers recorded correctness, extracts missing answers and needs gold otherwise", () => {
    const problems = gradeReplay(
      [
        {
          id: "a",
          gold: "12",
          location: "f:1",
          samples: [{ text: "#### 12" }, { answer: "12", correct: false }, { answer: null, text: "#### 12" }],
        },
      ],
      answerFormatByName("numeric"),
    );
    expect(problems[0]?.samples.map((sample) => [sample.answer, sample.correct])).toEqual([
      ["12", true],
      ["12", false],
      [undefined, false],
    ]);
    expect(() =>
      gradeReplay(
        [{ id: "b", gold: undefined, location: "f:2", samples: [{ answer: "1" }] }],
        answerFormatByName("exact"),
      ),
    ).toThrow(/f:2: sample 0 has no recorded "correct" flag and problem "b" has no gold answer/);
  });
});

describe("loadReplay: generic confidences", () => {
  it("reads each sample's mean log-probability, token confidences, confidence summary and self-certainty", () => {
    const path = file("confidences.jsonl", [
      {
        id: "c",
        gold: "1",
        samples: [
          {
            answer: "1",
            meanLogprob: -0.25,
            tokenConfidences: [3.5, 2, 4],
            confidence: { "lowest-group": 2, tail: 4 },
            selfCertainty: 0.7,
          },
        ],
      },
    ]);
    const [problem] = gradeReplay(loadReplay({ samples: path }).problems, answerFormatByName("exact"));
    expect(problem?.samples[0]).toMatchObject({
      meanLogprob: -0.25,
      tokenConfidences: [3.5, 2, 4],
      confidence: { "lowest-group": 2, tail: 4 },
      selfCertainty: 0.7,
    });
    const bad = (sample: object) => () =>
      loadReplay({ samples: file("bad-confidences.jsonl", [{ id: "c", gold: "1", samples: [sample] }]) });
    expect(bad({ answer: "1", tokenConfidences: [1, "x"] })).toThrow(
      ':1: field "samples[0].tokenConfidences[1]": expected a number, got "x"',
    );
    expect(bad({ answer: "1", confidence: { lowest: 2 } })).toThrow(
      ':1: field "samples[0].confidence.lowest": unknown field',
    );
    expect(bad({ answer: "1", meanLogprob: 0.5 })).toThrow(
      ':1: field "samples[0].meanLogprob": expected a mean log-probability <= 0, got 0.5',
    );
  });
});
