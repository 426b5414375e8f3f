import path from "node:path";
import { checkFidelity, createOpenAICompatibleBackend, type OpenAICompatibleBackend } from "mull";
import { labDataset, labPromptTemplate } from "mull/lab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";
import { type LlamaServerProcess, llamaServerUnderTest, startLlamaServer } from "./test-llama-server.ts";

// `mull fidelity` against llama.cpp's real server: it samples with top-k 40, top-p 0.95 and min-p 0.05
// unless a request says otherwise. A client (or a proxy in between) that drops the request's `top_k`,
// `top_p` and `min_p` gets those hidden defaults; the sampling check must call that truncated, and call a
// request that keeps them untruncated. Without a binary the tier skips and says why, as llama-server.test.ts
// does, or fails where MULL_REQUIRE_LLAMA_SERVER=1 requires one.
const lookup = llamaServerUnderTest();
const modelPath = path.join(labModelsDirectory, "lab-large.gguf");
const prompts = labDataset("lab:hard", { limit: 2, seed: 7 }).map((problem) => labPromptTemplate(problem));

/** A fetch that drops the sampling fields a server would otherwise honour, as a careless proxy does. */
const droppingSampling: typeof fetch = async (input, init) => {
  // A request without a body (the discovery's `GET /props`) passes as it is.
  if (typeof init?.body !== "string") return fetch(input, init);
  const body = JSON.parse(init.body) as Record<string, unknown>;
  delete body.top_k;
  delete body.top_p;
  delete body.min_p;
  return fetch(input, { ...init, body: JSON.stringify(body) });
};

describe.skipIf(lookup.binary === undefined)(
  `mull fidelity against llama.cpp's llama-server${lookup.missing === undefined ? "" : ` (skipped: ${lookup.missing})`}`,
  () => {
    let server: LlamaServerProcess;
    let reference: LlamaCppBackend;
    let faithful: OpenAICompatibleBackend;
    let careless: OpenAICompatibleBackend;

    beforeAll(async () => {
      server = await startLlamaServer({
        binary: lookup.binary as string,
        model: modelPath,
        alias: "lab-large",
      });
      reference = await createLlamaCppBackend({ model: modelPath, threads: 1 });
      faithful = createOpenAICompatibleBackend({
        baseUrl: server.baseUrl,
        model: "lab-large",
        endpoint: "completions",
      });
      careless = createOpenAICompatibleBackend({
        baseUrl: server.baseUrl,
        model: "lab-large",
        endpoint: "completions",
        fetch: droppingSampling,
      });
    }, 90_000);

    afterAll(async () => {
      await faithful?.dispose?.();
      await careless?.dispose?.();
      await reference?.dispose();
      await server?.stop();
    });

    it("finds the server's hidden defaults when the request's sampling fields are dropped", async () => {
      const report = await checkFidelity({
        reference,
        candidate: careless,
        prompts,
        samples: 16,
        maxTokens: 32,
      });
      const sampling = report.checks.find((check) => check.name === "sampling");
      expect(sampling?.verdict).toBe("truncated");
      expect(Number(sampling?.figures["min-p 0.05 observed"])).toBe(0);
      expect(Number(sampling?.figures["min-p 0.05 expected"])).toBeGreaterThan(10);
      // The report names the defaults that cut the distribution, read from the server's /props.
      expect(report.samplingDefaults.candidate).toMatchObject({
        source: "llama.cpp GET /props",
        truncating: ["top_k 40", "top_p 0.95", "min_p 0.05"],
        reshaping: ["temperature 0.8"],
      });
    }, 300_000);

    it("finds the same server untruncated when the request says topK 0, topP 1, minP 0", async () => {
      const report = await checkFidelity({
        reference,
        candidate: faithful,
        prompts,
        samples: 16,
        maxTokens: 32,
      });
      const sampling = report.checks.find((check) => check.name === "sampling");
      expect(sampling?.verdict).toBe("same");
      // The same weights under another build's kernels: greedy text agrees token for token.
      expect(report.checks.find((check) => check.name === "greedy")?.verdict).toBe("same");
      // Its distributions differ from the embedded engine's by float noise: hardly a sampled token changes.
      const divergence = report.checks.find((check) => check.name === "divergence");
      expect(divergence?.verdict).toBe("same");
      // The check sent explicit values, so it measured the model; the report still names the defaults a
      // client that leaves them out would get, and says the embedded reference reported none.
      expect(report.samplingDefaults.sent).toEqual({ temperature: 2, top_k: 0, top_p: 1, min_p: 0 });
      expect(report.samplingDefaults.candidate.truncating).toEqual(["top_k 40", "top_p 0.95", "min_p 0.05"]);
      expect(report.samplingDefaults.reference.detail).toBe("not reported by the backend");
    }, 300_000);

    it("reports no truncating default for a server started with --top-k 0 --top-p 1 --min-p 0", async () => {
      const untruncated = await startLlamaServer({
        binary: lookup.binary as string,
        model: modelPath,
        alias: "lab-large",
        arguments: ["--top-k", "0", "--top-p", "1", "--min-p", "0"],
      });
      const candidate = createOpenAICompatibleBackend({
        baseUrl: untruncated.baseUrl,
        model: "lab-large",
        endpoint: "completions",
      });
      try {
        const report = await checkFidelity({
          reference,
          candidate,
          prompts: prompts.slice(0, 1),
          samples: 2,
          maxTokens: 8,
        });
        expect(report.samplingDefaults.candidate).toMatchObject({
          values: { top_k: 0, top_p: 1, min_p: 0, temperature: 0.8 },
          truncating: [],
          reshaping: ["temperature 0.8"],
        });
        expect(report.samplingDefaults.candidate.detail).toMatch(
          /reshaped by temperature 0\.8, not truncated$/,
        );
      } finally {
        await candidate.dispose?.();
        await untruncated.stop();
      }
    }, 300_000);
  },
);
