import { afterEach, describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import type { ModelArchitecture, NoteEvent, TraceEvent } from "../spec/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer, testStrategyContext } from "../testing/index.ts";
import { generateRecorded } from "./generate-recorded.ts";

const prompt = { kind: "text", text: "Q: 17+5=? A:" } as const;
/** Tokens the server counts for the prompt, and that the calls plan for. */
const promptTokens = 13;
/** The lab models' context window, as `mull serve` checks it. */
const contextWindow = 256;
const architecture: ModelArchitecture = {
  parameters: 2_088_160,
  layers: 6,
  embedding: 160,
  contextLength: contextWindow,
};

function notes(events: readonly TraceEvent[]): string[] {
  return events.filter((event): event is NoteEvent => event.type === "note").map((event) => event.message);
}

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that refuses a prompt plus `max_tokens` over its window, worded as `mull serve` words it. */
async function windowCheckingServer(): Promise<FakeOpenAIServer> {
  server = await startFakeOpenAIServer({
    handler: (request) => {
      const maxTokens = request.body?.max_tokens;
      if (typeof maxTokens === "number" && promptTokens + maxTokens > contextWindow) {
        return {
          status: 400,
          message:
            `the prompt (${promptTokens} tokens, estimated) plus max_tokens (${maxTokens}) is ` +
            `${promptTokens + maxTokens} tokens, over the context window of ${contextWindow} tokens of model lab-v2-large`,
        };
      }
      return { choices: ["17+5=22\n#### 22"], usage: { promptTokens, completionTokens: 7 } };
    },
  });
  return server;
}

function backendOf(url: string, withArchitecture: boolean) {
  return createOpenAICompatibleBackend({
    baseUrl: url,
    model: "lab-v2-large",
    capabilities: { n: true, logprobs: true, topLogprobs: true },
    ...(withArchitecture ? { architecture } : {}),
  });
}

const plan = { calls: 1, completions: 1, promptTokens };
const maxTokensSent = (fake: FakeOpenAIServer) =>
  fake.requests
    .filter((request) => request.endpoint === "completions")
    .map((request) => request.body?.max_tokens);

describe("generateRecorded: a token budget larger than the backend's context", () => {
  it("asks no max_tokens where the known context ends the completion before the budget would", async () => {
    const fake = await windowCheckingServer();
    const context = testStrategyContext({
      backend: backendOf(fake.url, true),
      limits: { maxTotalTokens: 20_000 },
    });
    const result = await generateRecorded({ context, prompt, n: 1, plan, extractAnswers: true });
    expect(maxTokensSent(fake)).toEqual([undefined]);
    expect(result).toMatchObject({ stoppedBy: "complete", maxTokens: undefined });
    expect(result.completions.map((completion) => completion.answer)).toEqual(["22"]);
    expect(notes(context.tracer.events())).toEqual([]);
  });

  it("still lowers max_tokens to what the budget leaves where that is below the context's room", async () => {
    const fake = await windowCheckingServer();
    const context = testStrategyContext({
      backend: backendOf(fake.url, true),
      limits: { maxTotalTokens: 100 },
    });
    const result = await generateRecorded({ context, prompt, n: 1, plan });
    expect(maxTokensSent(fake)).toEqual([100 - promptTokens]);
    expect(result).toMatchObject({ stoppedBy: "complete", maxTokens: 100 - promptTokens });
  });

  it("makes the call again without the budget's max_tokens when a server of unknown context refuses it", async () => {
    const fake = await windowCheckingServer();
    const context = testStrategyContext({
      backend: backendOf(fake.url, false),
      limits: { maxTotalTokens: 20_000 },
    });
    const result = await generateRecorded({ context, prompt, n: 1, plan, extractAnswers: true });
    expect(maxTokensSent(fake)).toEqual([20_000 - promptTokens, undefined]);
    expect(result).toMatchObject({ stoppedBy: "complete", maxTokens: undefined });
    expect(result.completions.map((completion) => completion.answer)).toEqual(["22"]);
    // The refused request used nothing: one call charged.
    expect(context.budget.spent().usage).toEqual({ promptTokens, completionTokens: 7, calls: 1 });
    const [note] = notes(context.tracer.events());
    expect(note).toMatch(
      /^the backend refused max_tokens 19987, which the budget had set \(the call asked none\): made again without it/,
    );
    expect(note).toContain("over the context window of 256 tokens");
  });

  it("passes the refusal on where the caller asked the max_tokens the budget lowered", async () => {
    const fake = await windowCheckingServer();
    const context = testStrategyContext({
      backend: backendOf(fake.url, false),
      limits: { maxTotalTokens: 20_000 },
      sampling: { maxTokens: 30_000 },
    });
    await expect(generateRecorded({ context, prompt, n: 1, plan })).rejects.toThrow(
      "plus max_tokens (19987) is 20000 tokens, over the context window of 256",
    );
    expect(maxTokensSent(fake)).toEqual([20_000 - promptTokens]);
  });

  it("passes on a refusal that does not name the max_tokens sent", async () => {
    server = await startFakeOpenAIServer({
      handler: () => ({ status: 400, message: "unknown model lab-v3" }),
    });
    const fake = server;
    const context = testStrategyContext({
      backend: backendOf(fake.url, false),
      limits: { maxTotalTokens: 20_000 },
    });
    await expect(generateRecorded({ context, prompt, n: 1, plan })).rejects.toThrow("unknown model lab-v3");
    expect(maxTokensSent(fake)).toEqual([20_000 - promptTokens]);
  });
});
