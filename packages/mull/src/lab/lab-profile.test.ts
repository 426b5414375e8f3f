import { describe, expect, it } from "vitest";
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
    expect(profile.samplingDefaults).toEqual({ temperature: 0.7, topK: 0, topP: 1, maxTokens: 256 });
    expect(labProfile().samplingDefaults.temperature).toBe(1);
  });
});
