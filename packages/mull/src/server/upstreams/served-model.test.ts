import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { builtinPromptTemplate } from "../../prompts/index.ts";
import type { Backend } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { loadServerConfig, parseServerConfig } from "../config/index.ts";
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
          // llama-server without --alias names its model by the GGUF path it was given.
          models: ["lab-large", "qwen", "/srv/models/lab-small.gguf"],
        },
      ],
    });
    const served = await buildServedModels(config);
    try {
      const [lab, other, byPath] = served.models;
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
      expect(byPath?.name).toBe("/srv/models/lab-small.gguf");
      expect(byPath?.profile.name).toBe("lab");
      expect(byPath?.scorer?.name).toBe("lab-checker");
    } finally {
      await served.dispose();
    }
  });

  it("renders each model with its own template, a file relative to the config, over the one for every model", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "mull-serve-templates-"));
    try {
      await writeFile(
        path.join(folder, "few-shot.json"),
        JSON.stringify({ endpoint: "text", prompt: "Question: {question}\nAnswer:" }),
      );
      const file = path.join(folder, "serve.json");
      await writeFile(
        file,
        JSON.stringify({
          upstreams: [
            {
              name: "vllm",
              baseUrl: "http://127.0.0.1:9/v1",
              allowedNetworks: ["127.0.0.1/32"],
              models: [
                { name: "math", promptTemplate: "qwen-math" },
                { name: "base", promptTemplate: "few-shot.json" },
                "plain",
              ],
            },
          ],
        }),
      );
      const everyModel = builtinPromptTemplate("gsm8k")!.render;
      const served = await buildServedModels(await loadServerConfig(file), { promptTemplate: everyModel });
      try {
        const [math, base, plain] = served.models;
        expect(math?.profile.promptTemplate?.({ question: "1+1?" })).toEqual({
          kind: "chat",
          messages: [
            {
              role: "system",
              content: "Please reason step by step, and put your final answer within \\boxed{}.",
            },
            { role: "user", content: "1+1?" },
          ],
        });
        expect(base?.profile.promptTemplate?.({ question: "1+1?" })).toEqual({
          kind: "text",
          text: "Question: 1+1?\nAnswer:",
        });
        expect(plain?.profile.promptTemplate).toBe(everyModel);
      } finally {
        await served.dispose();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("names the model's setting when its template file cannot be read", async () => {
    const config = parseServerConfig({
      upstreams: [
        {
          name: "vllm",
          baseUrl: "http://127.0.0.1:9/v1",
          allowedNetworks: ["127.0.0.1/32"],
          models: ["a", { name: "b", promptTemplate: "/nowhere/template.json" }],
        },
      ],
    });
    const failure = await buildServedModels(config).catch((error: unknown) => error);
    expect(ConfigError.isInstance(failure)).toBe(true);
    expect((failure as ConfigError).field).toBe("upstreams[0].models[1].promptTemplate");
    expect((failure as Error).message).toMatch(
      /^upstreams\[0\]\.models\[1\]\.promptTemplate: "\/nowhere\/template\.json" is neither a built-in template/,
    );
  });

  it("takes an embedded model's context window from the context its backend loaded, narrowed by the configuration", async () => {
    const config = parseServerConfig({
      upstreams: [
        {
          name: "lab",
          kind: "embedded",
          models: [
            "lab-small",
            { name: "narrow", upstreamModel: "lab-small", contextWindow: 128 },
            { name: "wide", upstreamModel: "lab-small", contextWindow: 4096 },
            { name: "described", upstreamModel: "lab-large" },
          ],
        },
      ],
    });
    // The embedded llama.cpp backend says the context it created in `settings.contextSize`; a backend that
    // does not says at least what its model file was trained on.
    const loadEmbedded = async (model: string): Promise<Backend> => {
      const backend = createScriptedBackend({ responses: ["#### 1"], model });
      if (model === "lab-small") return Object.assign(backend, { settings: { contextSize: 256 } });
      const described = backend.describe();
      return {
        ...backend,
        describe: () => ({
          ...described,
          architecture: { parameters: 1, layers: 1, embedding: 1, contextLength: 512 },
        }),
      };
    };
    const served = await buildServedModels(config, { loadEmbedded });
    try {
      expect(served.models.map((model) => [model.name, model.contextWindow])).toEqual([
        ["lab-small", 256],
        ["narrow", 128],
        ["wide", 256],
        ["described", 512],
      ]);
    } finally {
      await served.dispose();
    }
  });
});
