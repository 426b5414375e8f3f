import { describe, expect, it } from "vitest";
import { embeddedProfile } from "./embedded-profile.ts";
import { UsageError } from "./usage-error.ts";

const cards = [{ name: "lab-large", recommendedTemperature: 1.25 }];

describe("embeddedProfile", () => {
  it("gives a lab model the lab's profile, at its card's temperature or 1 without a card", () => {
    const carded = embeddedProfile({
      model: "/tmp/x.gguf",
      flag: "--model",
      labName: "lab-large",
      chat: false,
      cards,
    });
    expect(carded.name).toBe("lab");
    expect(carded.samplingDefaults.temperature).toBe(1.25);
    const trained = embeddedProfile({
      model: "/tmp/x.gguf",
      flag: "--model",
      labName: "lab",
      chat: false,
      cards,
    });
    expect(trained.name).toBe("lab");
    expect(trained.samplingDefaults.temperature).toBe(1);
  });

  it("gives a model with a chat template the default profile", () => {
    const profile = embeddedProfile({
      model: "/m/qwen.gguf",
      flag: "--model",
      labName: undefined,
      chat: true,
      cards,
    });
    expect(profile.name).toBe("default");
    expect(profile.promptTemplate).toBeUndefined();
  });

  it("refuses to prompt any other model, naming the flag, the model and the remedies", () => {
    const profile = embeddedProfile({
      model: "/m/base.gguf",
      flag: "--candidate",
      labName: undefined,
      chat: false,
      cards,
    });
    expect(profile.name).toBe("default");
    let thrown: unknown;
    try {
      profile.promptTemplate?.({ question: "12+7=?" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).field).toBe("--candidate");
    expect((thrown as Error).message).toBe(
      "--candidate: /m/base.gguf has no chat template and is not a lab model, so it cannot take chat prompts; " +
        "pass --prompt-template lab for a model trained by the lab recipe, or text prompts of another template " +
        '(--endpoint completions, or a --prompt-template FILE.json with "endpoint": "text")',
    );
  });
});
