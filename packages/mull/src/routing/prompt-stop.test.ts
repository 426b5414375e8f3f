import { describe, expect, it } from "vitest";
import { solve } from "../solve.ts";
import type { Backend, GenerationRequest, Problem, ScoreRequest, TokenLogprob } from "../spec/index.ts";
import { createScriptedBackend, type ScriptedCompletion } from "../testing/index.ts";
import { bigLittleDecoder } from "./big-little-decoder.ts";
import { glimpseRouter } from "./glimpse-router.ts";

const stop = ["\n\nQ:"];
const base = "Q: 1+2+3=? A:";
// A few-shot text template's prompt: its stop ends a completion at the next made-up question.
const problem: Problem = { question: "1+2+3=?", prompt: { kind: "text", text: base, stop } };
const steps = ["1+2=3", "3+3=6", "#### 6"];

function written(request: { readonly prompt: GenerationRequest["prompt"] }): string {
  return request.prompt.kind === "text" ? request.prompt.text.slice(base.length) : "";
}

/** A token whose top alternatives are flat (uncertain) or peaked (confident). */
function token(text: string, flat: boolean): TokenLogprob {
  const top = flat ? [-1.386, -1.386, -1.386, -1.386] : [-0.03, -4, -5, -6];
  return {
    token: text,
    logprob: top[0]!,
    topLogprobs: top.map((logprob, rank) => ({ token: rank === 0 ? text : `<${rank}>`, logprob })),
  };
}

/** The next step of a step prompt, as two tokens, the first uncertain at `uncertainStep`. */
function nextStep(request: GenerationRequest, uncertainStep: number): ScriptedCompletion {
  const index = written(request).split("\n").length - 2;
  const step = steps[index] ?? "";
  return {
    text: step,
    tokens: [token(step.slice(0, 1), index === uncertainStep), token(step.slice(1), false)],
  };
}

/**
 * The rest of the solution from where the prompt stops, a character a token, each likely but the one at
 * `unsure` (where the small model falls back); cut to `maxTokens`, when given, as a backend would.
 */
function rest(
  request: { readonly prompt: GenerationRequest["prompt"] },
  unsure: number,
  maxTokens?: number,
): ScriptedCompletion {
  const solution = `\n${steps.join("\n")}`;
  const from = written(request).length;
  const whole = [...solution.slice(from)].map((character, offset) => ({
    token: character,
    logprob: Math.log(from + offset === unsure ? 0.3 : 0.9),
  }));
  const tokens = whole.slice(0, maxTokens);
  const finishReason = tokens.length < whole.length ? "length" : "stop";
  return { text: tokens.map((each) => each.token).join(""), tokens, finishReason };
}

describe("routers that continue a trace keep the problem prompt's stop strings", () => {
  it("glimpseRouter sends them on every step, the small model's drafts and the large model's steps", async () => {
    const small = createScriptedBackend({ model: "small", respond: (request) => nextStep(request, 1) });
    const large = createScriptedBackend({ model: "large", respond: (request) => nextStep(request, -1) });
    const models = [
      { name: "small", backend: small },
      { name: "large", backend: large },
    ];
    const result = await solve({
      problem,
      strategy: glimpseRouter({ models, threshold: 0.6 }),
      backend: large,
    });
    expect(result.answer).toBe("6");
    expect(small.calls.length).toBeGreaterThan(1);
    expect(large.calls.length).toBeGreaterThan(0);
    for (const call of [...small.calls, ...large.calls]) expect(call.request.prompt.stop).toEqual(stop);
  });

  it("bigLittleDecoder sends them on every draft, every reading and every large model's turn", async () => {
    const small = createScriptedBackend({ model: "small", respond: (request) => rest(request, 5) });
    const scripted = createScriptedBackend({
      model: "large",
      respond: (request) => rest(request, -1, request.maxTokens),
    });
    const readings: ScoreRequest[] = [];
    const large: Backend = {
      ...scripted,
      score: async (request) => {
        readings.push(request);
        // The large model doubts none of the small model's tokens.
        const tokens = [...request.continuation].map((each) => ({ token: each, logprob: Math.log(0.9) }));
        return {
          tokens,
          logprob: tokens.reduce((sum, each) => sum + each.logprob, 0),
          usage: { promptTokens: 10, completionTokens: 0, calls: 1 },
        };
      },
    };
    const models = [
      { name: "small", backend: small },
      { name: "large", backend: large },
    ];
    const result = await solve({
      problem,
      strategy: bigLittleDecoder({ models, fallback: 0.5, rollback: 0.1 }),
      backend: large,
    });
    expect(result.answer).toBe("6");
    expect(small.calls.length).toBeGreaterThan(1);
    expect(scripted.calls.length).toBeGreaterThan(0);
    for (const call of [...small.calls, ...scripted.calls]) expect(call.request.prompt.stop).toEqual(stop);
    expect(readings.length).toBeGreaterThan(0);
    for (const reading of readings) expect(reading.prompt.stop).toEqual(stop);
  });
});
