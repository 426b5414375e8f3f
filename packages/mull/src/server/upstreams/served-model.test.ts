import { describe, expect, it } from "vitest";
import { parseServerConfig } from "../config/index.ts";
import { buildServedModels } from "./served-model.ts";

describe("buildServedModels", () => {
  it("gives an OpenAI-compatible upstream's lab-… models the lab's profile, checker and step checker", async () => {
    const config = parseServerConfig({
      // Nothing listens there: building the models sends no request.
      upstreams: [
        {
          name: "llama",
          baseUrl: "http://127.0.0.1:9/v1",
          allowedNetworks: ["127.0.0.1/32"],
          models: ["lab-large", "qwen"],
        },
      ],
    });
    const served = await buildServedModels(config);
    try {
      const [lab, other] = served.models;
      expect(lab?.profile.name).toBe("lab");
      expect(lab?.profile.promptTemplate?.({ question: "30+444+273" })).toEqual({
        kind: "text",
        text: "Q: 30+444+273=? A:",
      });
      // The exact checker, where other models get the default judge.
      expect(lab?.scorer).toBe(lab?.profile.outcomeScorer);
      expect(lab?.scorer?.name).toBe("lab-checker");
      expect(lab?.prm).toBe(lab?.profile.processReward);
      expect(lab?.prm).toBeDefined();
      expect(other?.profile.name).toBe("default");
      expect(other?.scorer?.name).toBe("judge:qwen");
      expect(other?.prm).toBeUndefined();
    } finally {
      await served.dispose();
    }
  });
});
