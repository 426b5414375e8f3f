import { describe, expect, it } from "vitest";
import { withCue } from "../generation/index.ts";
import { extractLabAnswer } from "./extract-lab-answer.ts";
import { labProfile } from "./lab-profile.ts";

describe("labProfile", () => {
  it("prompts, checks and samples as the lab models need", () => {
    const profile = labProfile({ recommendedTemperature: 0.7 });
    expect(profile.name).toBe("lab");
    expect(profile.promptTemplate?.({ question: "12+7-3" })).toEqual({
      kind: "text",
      text: "Q: 12+7-3=? A:",
    });
    expect(() => profile.promptTemplate?.({ question: "Write a poem." })).toThrow();
    expect(profile.outcomeScorer?.name).toBe("lab-checker");
    expect(profile.processReward?.name).toBe("lab-step-checker");
    expect(profile.samplingDefaults).toEqual({ temperature: 0.7, topK: 0, topP: 1, minP: 0, maxTokens: 192 });
    expect(labProfile().samplingDefaults.temperature).toBe(1);
  });

  it("checks the steps of the questions it answers exactly, for step-level searches and --prm exact", async () => {
    const { processReward, outcomeScorer } = labProfile();
    const steps = await processReward?.score({ question: "12+7-3=?" }, [["12+7=19", "19-3=15"]]);
    expect(steps?.results[0]?.rewards).toEqual([1, 0]);
    const outcomes = await outcomeScorer?.score({ question: "12+7-3=?" }, [
      { text: "12+7=19\n19-3=16\n#### 16", answer: "16" },
      { text: "#### 15", answer: "15" },
    ]);
    expect(outcomes?.scores.map((score) => score.value)).toEqual([1, 0]);
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
