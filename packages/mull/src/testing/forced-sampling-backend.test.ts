import { describe, expect, it } from "vitest";
import type { Backend, Prompt } from "../spec/index.ts";
import { withForcedSampling } from "./forced-sampling-backend.ts";
import { createScriptedBackend } from "./scripted-backend.ts";

const prompt: Prompt = { kind: "text", text: "Q: 2+2=? A:" };

describe("withForcedSampling", () => {
  it("sends the forced settings in place of the request's, and keeps the rest of the request", async () => {
    const backend = createScriptedBackend({ responses: ["#### 4"] });
    const forced = withForcedSampling(backend, { topK: 40, minP: 0.05 });
    await forced.generate({ prompt, topK: 0, topP: 0.9, minP: 0, temperature: 0.7 });
    expect(backend.calls[0]?.request).toMatchObject({ topK: 40, topP: 0.9, minP: 0.05, temperature: 0.7 });
  });

  it("passes the backend's optional methods through, bound to it, and not dispose", async () => {
    const scripted = createScriptedBackend({ responses: ["#### 4"] });
    const counted: Prompt[] = [];
    const backend: Backend & { readonly counted: Prompt[] } = {
      counted,
      describe: () => scripted.describe(),
      capabilities: (options) => scripted.capabilities(options),
      generate: (request, options) => scripted.generate(request, options),
      score: (request, options) => scripted.score!(request, options),
      async countTokens(this: { counted: Prompt[] }, asked: Prompt) {
        this.counted.push(asked);
        return 400;
      },
      dispose: async () => {},
    };
    const { countTokens, ...forced } = withForcedSampling(backend, { topK: 40 });
    expect(await countTokens?.(prompt)).toBe(400);
    expect(counted).toEqual([prompt]);
    expect(forced.score).toBeDefined();
    expect("measureRates" in forced).toBe(false);
    expect("dispose" in forced).toBe(false);
  });
});
