import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

// A routing entry the real catalog does not hold (one greedy sample on each model of the route), so that
// the command's routing path runs before real routers arrive.
vi.mock("../../strategies/catalog.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../strategies/catalog.ts")>();
  const { eachModelGreedyEntry } = await import("../../strategies/each-model.test-support.ts");
  return { ...original, strategyCatalog: [...original.strategyCatalog, eachModelGreedyEntry] };
});

const lab = labModelsUnderTest(["lab-small", "lab-large"]);
if (lab.missing !== undefined) console.log(lab.missing);
const labV2 = labModelsUnderTest(["lab-v2-small", "lab-v2-large"]);
if (labV2.missing !== undefined) console.log(labV2.missing);

interface ModelUsage {
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
  calls: number;
}

interface SolveOutput {
  answer: string | null;
  strategy: string;
  candidates: { answer: string | null }[];
  usage: ModelUsage;
  usageByModel?: Record<string, ModelUsage>;
}

describe("mull solve with a routing strategy over HTTP", () => {
  let server: FakeOpenAIServer;
  const keyVariable = "MULL_ROUTING_TEST_KEY";

  beforeAll(async () => {
    // Each model answers with its own name's length, and names itself in the reply, as servers do.
    server = await startFakeOpenAIServer({
      // Route models are checked against the server's list, as --model is.
      models: ["big-model", "tiny", "Alpha", "Beta-Model"],
      handler: (request) => {
        const model = String(request.body?.model);
        return {
          choices: [{ text: `I am ${model}.\n#### ${model.length}` }],
          usage: { promptTokens: 10, completionTokens: model.length },
          model,
        };
      },
    });
    process.env[keyVariable] = "secret-key";
  });
  afterAll(async () => {
    delete process.env[keyVariable];
    await server.close();
  });

  // The question's requests, without the capability probe each backend sends first.
  const requestsFrom = (start: number) =>
    server.requests.slice(start).filter((request) => request.prompt.includes("6 times 7"));

  it("routes --small-model then --model on the same server, with the same key, and reports usage per model", async () => {
    const start = server.requests.length;
    const result = await runCliCaptured(
      "solve",
      "What is 6 times 7?",
      ...["--base-url", server.url, "--model", "big-model", "--api-key-env", keyVariable],
      ...["--small-model", "tiny", "--strategy", "each-greedy", "--json"],
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const requests = requestsFrom(start);
    expect(requests.map((request) => request.body?.model)).toEqual(["tiny", "big-model"]);
    expect(requests.map((request) => request.headers.authorization)).toEqual([
      "Bearer secret-key",
      "Bearer secret-key",
    ]);
    expect(new Set(requests.map((request) => request.path)).size).toBe(1);
    const output = JSON.parse(result.stdout) as SolveOutput;
    expect(output.strategy).toBe("each-greedy:tiny>big-model");
    expect(output.answer).toBe("9");
    expect(output.candidates.map((candidate) => candidate.answer)).toEqual(["4", "9"]);
    expect(output.usageByModel).toEqual({
      tiny: { promptTokens: 10, completionTokens: 4, totalTokens: 14, calls: 1 },
      "big-model": { promptTokens: 10, completionTokens: 9, totalTokens: 19, calls: 1 },
    });
    expect(output.usage.completionTokens).toBe(13);
  });

  it("takes the route after the spec's colon, and prints usage per model under the summary", async () => {
    const start = server.requests.length;
    const result = await runCliCaptured(
      "solve",
      "What is 6 times 7?",
      ...["--base-url", server.url, "--model", "big-model"],
      ...["--strategy", "each-greedy:Alpha>Beta-Model"],
    );
    expect(result.code).toBe(0);
    expect(requestsFrom(start).map((request) => request.body?.model)).toEqual(["Alpha", "Beta-Model"]);
    expect(result.stdout).toBe("10\n");
    expect(result.stderr).toContain(
      "each-greedy:Alpha>Beta-Model on Alpha>Beta-Model: 2 candidates, 35 tokens",
    );
    expect(result.stderr).toContain("\n  Alpha: 15 tokens, 1 call\n  Beta-Model: 20 tokens, 1 call\n");
  });

  it("refuses --small-model without a routing strategy, and a routing strategy without models", async () => {
    const alone = await runCliCaptured(
      "solve",
      "What is 6 times 7?",
      ...["--base-url", server.url, "--model", "big-model", "--small-model", "tiny", "--strategy", "sc@2"],
    );
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--small-model tiny applies to routing strategies only");
    const unrouted = await runCliCaptured(
      "solve",
      "What is 6 times 7?",
      ...["--base-url", server.url, "--model", "big-model", "--strategy", "each-greedy"],
    );
    expect(unrouted.code).toBe(2);
    // Said with the flags that give a route, not the library's options.
    expect(unrouted.stderr).toContain(
      "--strategy each-greedy routes from a smaller model to big-model; give a small model of the same server " +
        '(--small-model NAME), or name the models after the spec, smallest first ("each-greedy:SMALL>big-model")',
    );
    expect(unrouted.stderr).not.toContain("defaultRoute");
  });
});

describe.skipIf(!lab.present)("mull solve with a routing strategy on the embedded lab models", () => {
  it("loads --small-model beside the main model and reports each one's tokens", async () => {
    const result = await runCliCaptured(
      "solve",
      "12+7-3=?",
      ...["--model", "lab-large", "--small-model", "lab-small", "--strategy", "each-greedy"],
      ...["--threads", "1", "--json"],
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as SolveOutput;
    expect(output.strategy).toBe("each-greedy:lab-small>lab-large");
    expect(output.candidates).toHaveLength(2);
    const byModel = output.usageByModel!;
    expect(Object.keys(byModel).sort()).toEqual(["lab-large", "lab-small"]);
    expect(byModel["lab-small"]!.calls).toBe(1);
    expect(byModel["lab-large"]!.calls).toBe(1);
    expect(byModel["lab-small"]!.completionTokens! + byModel["lab-large"]!.completionTokens!).toBe(
      output.usage.completionTokens,
    );
  });

  it.skipIf(!labV2.present)(
    "routes the default lab model from its family's small model without --small-model",
    async () => {
      const result = await runCliCaptured(
        "solve",
        "12+7-3=?",
        ...["--strategy", "each-greedy", "--threads", "1", "--json"],
      );
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout) as SolveOutput;
      expect(output.strategy).toBe("each-greedy:lab-v2-small>lab-v2-large");
      expect(Object.keys(output.usageByModel ?? {}).sort()).toEqual(["lab-v2-large", "lab-v2-small"]);
    },
  );

  it("names --small-model and lists the lab models for a model it cannot load", async () => {
    const result = await runCliCaptured(
      "solve",
      "12+7-3=?",
      ...["--small-model", "lab-tiny", "--strategy", "each-greedy", "--threads", "1"],
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--small-model: cannot load model "lab-tiny"');
    expect(result.stderr).toMatch(/lab models: lab-v2-large, lab-v2-small, lab-large, lab-small, or a path/);
  });
});
