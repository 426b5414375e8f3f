import { describe, expect, it } from "vitest";
import { withCue } from "../generation/index.ts";
import { extractLabAnswer } from "./extract-lab-answer.ts";
import { labProfile } from "./lab-profile.ts";

describe("labProfile", () => {
  it("prompts, checks and samples as the lab models need", () => {
    const profile = labProfile({ recommendedTemperature: 0.7 });
    expect(profile.name).toBe("lab");
    expect(profile.labProblemsOnly).toBe(true);
    expect(profile.promptTemplate?.({ question: "12+7-3" })).toEqual({
      kind: "text",
      text: "Q: 12+7-3=? A:",
    });
    expect(() => profile.promptTemplate?.({ question: "Write a poem." })).toThrow();
    expect(profile.outcomeScorer?.name).toBe("lab-checker");
    expect(profile.processReward?.name).toBe("lab-step-checker");
    expect(profile.samplingDefaults).toEqual({ temperature: 0.7, topK: 0, topP: 1, minP: 0, maxTokens: 256 });
    expect(labProfile().samplingDefaults.temperature).toBe(1);
  });

  it("cues an answer with the final-answer line the models were trained on", () => {
    const { answerCue, continueCue } = labProfile().thinkingCues;
    expect(answerCue).toBe("\n#### ");
    expect(continueCue).toBe("\n");
    // Cut mid-step or after a step, the cue starts the answer line; the lab reads the answer after it.
    expect(withCue("\n61+84=145\n145+4", answerCue)).toBe("\n61+84=145\n145+4\n#### ");
    expect(extractLabAnswer(`${withCue("\n61+84=145\n", answerCue)}145`)).toBe("145");
  });
});
