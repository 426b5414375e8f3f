import { describe, expect, it } from "vitest";
import { createStepCostMeter } from "./step-cost-meter.ts";

const nativeN = { n: true };
const fanOut = { n: false };
const perCompletion = { n: true, promptPerCompletion: true };

describe("createStepCostMeter", () => {
  it("plans a prompt per request, or per completion where the backend charges it so", () => {
    const meter = createStepCostMeter({ stepTokens: 8 });
    // Before anything is measured: four characters a token, so a 40-character prompt is 10 tokens.
    expect(meter.plan([40], 3, nativeN)).toEqual({
      calls: 1,
      completions: 3,
      promptTokens: 10,
      completionTokensEach: 8,
    });
    expect(meter.plan([40], 3, fanOut)).toMatchObject({ calls: 3, promptTokens: 30 });
    expect(meter.plan([40], 3, perCompletion)).toMatchObject({ calls: 1, promptTokens: 30 });
    expect(meter.plan([40, 20], 2, perCompletion)).toMatchObject({
      calls: 2,
      completions: 4,
      promptTokens: 30,
    });
  });

  it("learns tokens per character from the prompt charged once per completion, not once per request", () => {
    const meter = createStepCostMeter();
    // One request of 3 steps on a 40-character prompt of 40 tokens, charged 3 times.
    meter.observe(40, { promptTokens: 120, completionTokens: 12, calls: 1 }, 3, perCompletion);
    expect(meter.stepTokens).toBe(4);
    expect(meter.plan([20], 2, perCompletion)).toMatchObject({ promptTokens: 40, completionTokensEach: 4 });
    expect(meter.plan([20], 2, nativeN)).toMatchObject({ promptTokens: 20 });
  });

  it("learns from a request's prompt charged once, and from a fan-out's once per request", () => {
    const once = createStepCostMeter();
    once.observe(40, { promptTokens: 40, completionTokens: 12, calls: 1 }, 3, nativeN);
    expect(once.plan([20], 2, nativeN)).toMatchObject({ promptTokens: 20 });
    const fannedOut = createStepCostMeter();
    fannedOut.observe(40, { promptTokens: 120, completionTokens: 12, calls: 3 }, 3, fanOut);
    expect(fannedOut.plan([20], 2, fanOut)).toMatchObject({ calls: 2, promptTokens: 40 });
  });

  it("learns nothing of the prompt from a call that did not report it", () => {
    const meter = createStepCostMeter();
    meter.observe(40, { promptTokens: undefined, completionTokens: 12, calls: 1 }, 3, perCompletion);
    expect(meter.plan([40], 1, nativeN)).toMatchObject({ promptTokens: 10, completionTokensEach: 4 });
  });
});
