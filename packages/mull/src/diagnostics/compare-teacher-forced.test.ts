import { describe, expect, it } from "vitest";
import type { Backend, Prompt, TokenLogprob } from "../spec/index.ts";
import { compareTeacherForced } from "./compare-teacher-forced.ts";
import { fidelityCapabilities } from "./fidelity-capabilities.test-support.ts";

const capabilities = fidelityCapabilities();

const prompts: readonly Prompt[] = [{ kind: "text", text: "37+48-19=?" }];

/** The tokens " 6", "6", with top alternatives unless `alternatives` is false. */
function positions(alternatives: boolean): TokenLogprob[] {
  return [
    [" 6", -0.1, " 5", -2.4],
    ["6", -0.05, "5", -3.1],
  ].map(([token, logprob, other, otherLogprob]) => ({
    token: token as string,
    logprob: logprob as number,
    ...(alternatives
      ? {
          topLogprobs: [
            { token: token as string, logprob: logprob as number },
            { token: other as string, logprob: otherLogprob as number },
          ],
        }
      : {}),
  }));
}

/**
 * A backend whose greedy continuation and scoring of any continuation both give `tokens`; without
 * `canScore` it has no `score` and is compared through its greedy logprobs.
 */
function fixed(tokens: readonly TokenLogprob[], canScore: boolean): Backend {
  const text = tokens.map((token) => token.token).join("");
  const usage = { promptTokens: 4, completionTokens: tokens.length, calls: 1 };
  return {
    describe: () => ({ kind: "synthetic", model: "fixed" }),
    capabilities: async () => ({ ...capabilities, score: canScore }),
    generate: async () => ({
      completions: [{ index: 0, text, finishReason: "stop", completionTokens: tokens.length, tokens }],
      usage,
      model: "fixed",
    }),
    ...(canScore
      ? {
          score: async () => ({
            tokens,
            logprob: tokens.reduce((sum, token) => sum + token.logprob, 0),
            usage: { ...usage, completionTokens: 0 },
          }),
        }
      : {}),
  };
}

const options = { prompts, maxTokens: 8, topK: 5, tolerance: 1e-4 };

describe("compareTeacherForced", () => {
  it("finds a backend the same as itself when both give top alternatives", async () => {
    const checks = await compareTeacherForced({
      ...options,
      reference: fixed(positions(true), true),
      candidate: fixed(positions(true), true),
    });
    expect(checks.map((check) => [check.name, check.verdict])).toEqual([
      ["logprobs", "same"],
      ["greedy", "same"],
      ["divergence", "same"],
    ]);
    expect(checks[1]?.figures).toMatchObject({ argmaxAgreement: 1, argmaxPositions: 2, continued: 1 });
    expect(checks[2]?.figures.positions).toBe(2);
  });

  it("calls the shared-noise divergence unmeasured, not same, over no position when the candidate gives no alternatives", async () => {
    for (const canScore of [true, false]) {
      const checks = await compareTeacherForced({
        ...options,
        reference: fixed(positions(true), true),
        candidate: fixed(positions(false), canScore),
      });
      const [logprobs, greedy, divergence] = checks;
      // The logprobs of both tokens were compared, and the greedy continuations are identical.
      expect(logprobs).toMatchObject({ verdict: "same", figures: { positions: 2, topOverlap: undefined } });
      expect(logprobs?.detail).toContain("no top-5 overlap");
      expect(greedy).toMatchObject({
        verdict: "same",
        figures: { argmaxAgreement: undefined, argmaxPositions: 0 },
      });
      expect(greedy?.detail).toContain("argmax not compared");
      // Nothing was sampled with shared noise: that is no evidence of sameness.
      expect(divergence?.figures).toMatchObject({ positions: 0, mismatches: 0 });
      expect(divergence?.verdict).toBe("unmeasured");
      expect(divergence?.detail).toContain("no position of 2 teacher-forced tokens had top alternatives");
    }
  });

  it("calls every check unmeasured when no prompt was compared", async () => {
    const checks = await compareTeacherForced({
      ...options,
      prompts: [],
      reference: fixed(positions(true), true),
      candidate: fixed(positions(true), true),
    });
    expect(checks.map((check) => check.name)).toEqual(["logprobs", "greedy", "divergence"]);
    for (const check of checks) expect(check.verdict, check.name).toBe("unmeasured");
    expect(checks[0]?.detail).toContain("no teacher-forced token compared");
    expect(checks[1]?.detail).toContain("no greedy continuation came back from both backends (0 prompts)");
  });
});
