import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { builtinPromptTemplate } from "../../prompts/index.ts";
import type { Backend } from "../../spec/index.ts";
import { startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
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
      // Only a model whose judge calls its upstream has a judge backend.
      expect(lab?.judgeBackend).toBeUndefined();
      expect(other?.judgeBackend).toBeDefined();
      expect(byPath?.name).toBe("/srv/models/lab-small.gguf");
      expect(byPath?.profile.name).toBe("lab");
      expect(byPath?.scorer?.name).toBe("lab-checker");
    } finally {
      await served.dispose();
    }
  });

  it("sends the judge's and the step judge's calls through the watch of the request that runs them", async () => {
    const fake = await startFakeOpenAIServer({ handler: () => "Score: 7/10" });
    const config = parseServerConfig({
      upstreams: [
        {
          name: "judged",
          baseUrl: fake.url,
          allowedNetworks: ["127.0.0.1/32"],
          models: ["qwen"],
          scorer: "judge",
          prm: "judge",
        },
      ],
    });
    const served = await buildServedModels(config);
    try {
      const [model] = served.models;
      const judge = model?.judgeBackend;
      const scorer = model?.scorer;
      const prm = model?.prm;
      if (scorer === undefined || prm === undefined || judge === undefined) {
        throw new Error("the model has no judge");
      }
      const watched: string[] = [];
      const watch = (upstream: Backend): Backend => ({
        describe: () => upstream.describe(),
        capabilities: (options) => upstream.capabilities(options),
        generate(request, options) {
          watched.push(request.prompt.kind === "chat" ? (request.prompt.messages.at(-1)?.content ?? "") : "");
          return upstream.generate(request, options);
        },
      });
      const problem = { question: "What is 6 times 7?" };
      const [scored, rewarded] = await judge.watching(watch, () =>
        Promise.all([
          scorer.score(problem, [{ text: "Six sevens make 42. #### 42", answer: "42" }]),
          prm.score(problem, [["Six sevens make 42."]]),
        ]),
      );
      expect(scored.scores[0]?.value).toBeCloseTo(0.7);
      expect(rewarded.results[0]?.rewards[0]).toBeCloseTo(0.7);
      expect(watched).toHaveLength(2);
      expect(watched.some((prompt) => prompt.includes("Proposed solution:"))).toBe(true);
      expect(watched.some((prompt) => prompt.includes("Is the new step correct"))).toBe(true);
      // Outside a request, the judge calls the upstream unwatched.
      await scorer.score(problem, [{ text: "#### 41", answer: "41" }]);
      expect(watched).toHaveLength(2);
      expect(fake.generations.started).toBeGreaterThanOrEqual(3);
    } finally {
      await served.dispose();
      await fake.close();
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
