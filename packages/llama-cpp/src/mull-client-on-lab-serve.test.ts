import { existsSync } from "node:fs";
import path from "node:path";
import { createOpenAICompatibleBackend, solve } from "mull";
import { labProfile } from "mull/lab";
import { assembleServer, listenServer, parseServerConfig, type RunningServer } from "mull/server";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";
import { runMull } from "./test-mull-cli.ts";

// mull's own HTTP client (the library's backend and the CLI's --base-url) against `mull serve` serving the
// embedded lab in this process: the capability probe, the sampling fields the client sends to switch off
// server-side truncation, and the lab's answer.
const file = path.join(labModelsDirectory, "lab-v2-large.gguf");
const missing = !existsSync(file);
if (missing) process.stderr.write(`mull client on lab serve test skipped: no lab model at ${file}\n`);

describe.skipIf(missing)("mull's own client against mull serve on the embedded lab", () => {
  let running: RunningServer;
  let dispose: () => Promise<void>;
  let baseUrl: string;

  beforeAll(async () => {
    const config = parseServerConfig({
      upstreams: [{ name: "lab", kind: "embedded", models: ["lab-v2-large"], threads: 1 }],
    });
    const assembled = await assembleServer(config, {
      apiKeys: [],
      logger: pino({ level: "silent" }),
      loadEmbedded: (model, options) =>
        createLlamaCppBackend({
          model,
          ...(options.threads === undefined ? {} : { threads: options.threads }),
        }),
    });
    dispose = () => assembled.dispose();
    running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
    baseUrl = `${running.url}/v1`;
  }, 60_000);

  afterAll(async () => {
    await running?.shutdown(1_000);
    await dispose?.();
  });

  it("probes the lab model and solves a chain with the lab's sampling (top-k and min-p off)", async () => {
    const backend = createOpenAICompatibleBackend({ baseUrl, model: "lab-v2-large" });
    try {
      // The probe's question is one the lab answers, so it finds out rather than assumes.
      expect(await backend.capabilities()).toMatchObject({ n: true, logprobs: true, topLogprobs: true });
      const sampling = labProfile().samplingDefaults;
      expect(sampling).toMatchObject({ topK: 0, minP: 0 });
      const result = await solve({
        problem: "412+307-95=?",
        strategy: "greedy",
        backend,
        sampling,
        // The served lab reads the question from the last user message and writes its own prompt.
        promptTemplate: (problem) => ({
          kind: "chat",
          messages: [{ role: "user", content: problem.question }],
        }),
        answerFormat: "numeric",
        seed: 1,
      });
      expect(result.answer).toBe("624");
      expect(result.candidates[0]?.text).toMatch(/#### 624$/);
    } finally {
      await backend.dispose();
    }
  });

  it("still refuses a top_k the embedded model cannot honour, naming it", async () => {
    const response = await fetch(`${baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "lab-v2-large",
        messages: [{ role: "user", content: "412+307-95=?" }],
        top_k: 40,
      }),
    });
    const body = (await response.json()) as { error: { param: string; message: string } };
    expect(response.status).toBe(400);
    expect(body.error.param).toBe("top_k");
    expect(body.error.message).toMatch(/got 40; .*0 or -1\)$/);
  });

  it("answers mull solve --base-url on the chat endpoint and with the lab template on completions", async () => {
    const question = ["solve", "412+307-95=?", "--base-url", baseUrl, "--strategy", "greedy"];
    expect(await runMull(question)).toBe("624\n");
    expect(await runMull([...question, "--prompt-template", "lab", "--endpoint", "completions"])).toBe(
      "624\n",
    );
  }, 120_000);
});
