import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-replay-json-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, lines: readonly unknown[]): string {
  const path = join(folder, name);
  writeFileSync(path, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
  return path;
}

const everyField = [
  "strategy",
  "kind",
  "k",
  "problems",
  "accuracy",
  "correct",
  "meanSamples",
  "answered",
  "utility",
  "meanCompletionTokens",
  "meanCharacters",
  "escalated",
  "meanEscalationTokens",
  "unrecorded",
  "budget",
  "shuffles",
];

describe("mull replay --json", () => {
  it("writes every figure of every evaluation, null where it is unknown or does not apply", async () => {
    // Answers only, as in the Qwen2.5-Math file: neither tokens nor texts are recorded.
    const samples = file("answers.jsonl", [
      { id: "a", gold: "1", samples: [{ answer: "1" }, { answer: "2" }] },
      { id: "b", gold: "5", samples: [{ answer: "5" }, { answer: "5" }] },
    ]);
    const { code, stdout } = await runCliCaptured(
      "replay",
      "--samples",
      samples,
      "--strategies",
      "maj@2,mean@1",
      "--json",
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    for (const evaluation of report.evaluations) expect(Object.keys(evaluation)).toEqual(everyField);
    const [majority, mean] = report.evaluations;
    expect(majority).toMatchObject({
      strategy: "maj@2",
      correct: 2,
      meanCompletionTokens: null,
      meanCharacters: null,
      utility: null,
      escalated: null,
      meanEscalationTokens: null,
      unrecorded: null,
      budget: "first",
      shuffles: null,
    });
    expect(mean.answered).toBeNull();
    expect(report.problemResults[0].strategies["maj@2"].tokens).toBeNull();
  });

  it("writes the figures that are known as numbers, tokens and characters both", async () => {
    const samples = file("texts.jsonl", [
      { id: "a", gold: "1", samples: [{ text: "so 1", answer: "1", tokens: 4 }] },
    ]);
    const { code, stdout } = await runCliCaptured(
      "replay",
      "--samples",
      samples,
      "--strategies",
      "maj@1",
      "--shuffles",
      "2",
      "--json",
    );
    expect(code).toBe(0);
    const [majority] = JSON.parse(stdout).evaluations;
    expect(majority).toMatchObject({
      meanCompletionTokens: 4,
      meanCharacters: 4,
      shuffles: 2,
      budget: "random",
    });
  });
});

describe("mull replay: refusals that say what to give", () => {
  const generic = file("generic.jsonl", [{ id: "g", gold: "1", samples: [{ answer: "1", tokens: 3 }] }]);

  it("refuses an empty item of --strategies, naming the flag and the item's position (exit 2)", async () => {
    const { code, stderr } = await runCliCaptured(
      "replay",
      "--samples",
      generic,
      "--strategies",
      "maj@1,,mean@1",
    );
    expect(code).toBe(2);
    expect(stderr).toContain(
      '--strategies: the second item of "maj@1,,mean@1" is empty; expected a comma-separated list without empty items',
    );
  });

  it("suggests --format qwen3-probes for a Qwen3 probes file read without --format (exit 2)", async () => {
    const qwen3 = file("qwen3.jsonl", [
      { id: "q", gold: "2", samples: [{ answer: "2", tokens: 900, probes: ["2"] }] },
    ]);
    const { code, stderr } = await runCliCaptured("replay", "--samples", qwen3, "--strategies", "maj@1");
    expect(code).toBe(2);
    expect(stderr).toContain(`--samples ${qwen3}:1: field "samples[0].probes": unknown field`);
    expect(stderr).toContain("the line is in the qwen3-probes format: give --format qwen3-probes");
  });
});
