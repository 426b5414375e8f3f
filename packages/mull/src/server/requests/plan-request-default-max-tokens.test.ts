import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { labProfile } from "../../lab/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { type AssembledServer, assembleServer } from "../assemble-server.ts";
import { parseServerConfig } from "../config/index.ts";
import { listenServer, type RunningServer } from "../listen-server.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { planRequest } from "./plan-request.ts";

const limits = parseServerConfig({
  upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
}).limits;
const messages = [{ role: "user" as const, content: "12+7-3=?" }];

function servedUnder(profile: ServedModel["profile"], contextWindow?: number): ServedModel {
  return {
    name: "m",
    upstream: "up",
    backend: createScriptedBackend({ answers: { distribution: { "16": 1 } } }),
    kind: "openai-compatible",
    profile,
    contextWindow,
    scorer: profile.outcomeScorer,
    prm: profile.processReward,
  };
}

function defaultMaxTokens(served: ServedModel, serverLimits = limits): number {
  return planRequest("chat", { model: "m", messages }, new Map([["m", served]]), serverLimits).maxTokens;
}

describe("planRequest without max_tokens", () => {
  it("gives a model whose profile has a sampling default that default, under the server's and the window's", () => {
    expect(limits.defaultMaxTokens).toBe(2048);
    // The lab profile's 192 keeps a lab prompt inside the 256-token window an upstream lab server checks.
    expect(defaultMaxTokens(servedUnder(labProfile()))).toBe(192);
    // The server's default still caps it, and so does what the window leaves after the prompt (8 characters, 2 tokens at 4 a token).
    expect(defaultMaxTokens(servedUnder(labProfile()), { ...limits, defaultMaxTokens: 100 })).toBe(100);
    expect(defaultMaxTokens(servedUnder(labProfile(), 102))).toBe(100);
  });

  it("gives a model without one the server's default, or what the window leaves", () => {
    expect(defaultMaxTokens(servedUnder(defaultModelProfile))).toBe(2048);
    expect(defaultMaxTokens(servedUnder(defaultModelProfile, 1002))).toBe(1000);
  });
});

// A lab server as `mull serve` on the embedded lab is one: it refuses a prompt (its tokens are single
// characters) plus max_tokens beyond the lab models' 256-token window, and writes the solution one line a
// step when asked to stop at a newline.
const window = 256;
const steps = ["12+7=19", "19-3=16", "#### 16"];
let upstream: FakeOpenAIServer;
let assembled: AssembledServer;
let running: RunningServer;

beforeAll(async () => {
  upstream = await startFakeOpenAIServer({
    model: "lab-v2-large",
    handler: (request) => {
      const maxTokens = Number(request.body?.max_tokens ?? request.body?.max_completion_tokens ?? 16);
      if (request.prompt.length + maxTokens > window) {
        return {
          status: 400,
          message: `the prompt (${request.prompt.length} tokens) plus max_tokens (${maxTokens}) is ${request.prompt.length + maxTokens} tokens, over the context window of ${window} tokens`,
        };
      }
      const written =
        request.prompt
          .split("A:")[1]
          ?.split("\n")
          .filter((line) => line !== "") ?? [];
      const stop = request.body?.stop;
      const oneStep = Array.isArray(stop) ? stop.includes("\n") : stop === "\n";
      const rest = steps.slice(written.length);
      const text = oneStep ? (rest[0] ?? "") : `\n${rest.join("\n")}`;
      return { choices: Array.from({ length: request.n }, () => text) };
    },
  });
  const config = parseServerConfig({
    upstreams: [
      {
        name: "lab-server",
        baseUrl: upstream.url,
        allowedNetworks: ["127.0.0.1/32"],
        models: ["lab-v2-large"],
      },
    ],
  });
  assembled = await assembleServer(config, { logger: pino({ level: "silent" }) });
  running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(1_000);
  await assembled?.dispose();
  await upstream?.close();
});

async function ask(model: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("a lab model behind an HTTP server, asked without max_tokens", () => {
  it("is sampled at the lab's 192 tokens, which the upstream's window accepts", async () => {
    for (const model of ["lab-v2-large", "sc@2:lab-v2-large", "pf@2:lab-v2-large"]) {
      const before = upstream.requests.length;
      const { status, body } = await ask(model);
      expect({ model, status, body }).toMatchObject({ model, status: 200 });
      const [choice] = body.choices as { message: { content: string } }[];
      expect(choice?.message.content).toBe(`\n${steps.join("\n")}`);
      const sent = upstream.requests
        .slice(before)
        .filter((request) => request.endpoint === "chat" || request.endpoint === "completions")
        .map((request) => Number(request.body?.max_tokens ?? request.body?.max_completion_tokens));
      expect(sent.length).toBeGreaterThan(0);
      expect(Math.max(...sent)).toBeLessThanOrEqual(192);
    }
  });
});
