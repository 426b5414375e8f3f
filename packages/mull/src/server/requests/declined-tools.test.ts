import { describe, expect, it } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import type { ChatMessage } from "../../spec/index.ts";
import type { FakeOpenAIRequest, FakeReply } from "../../testing/fake-openai-server.ts";
import { scriptedThinking } from "../../testing/scripted-thinking.ts";
import { serveFakeUpstream } from "../replicas.test-support.ts";

// A thinking budget mull keeps by budget forcing, on a request that offers tools but declines every call
// (`tool_choice: "none"`, Anthropic's `{ "type": "none" }`), over loopback against a fake upstream that
// keeps no budget itself: the budget is kept, and the tools go with the forced calls.

const key = "sk-declined-tools";
const answerCue = "\n\nFinal answer: ";
/** 200 word tokens of thinking, then an answer the budget never lets it reach. */
const trace = `${Array.from({ length: 200 }, (_, index) => ` step${index}`).join("")}${answerCue}41`;
const respond = scriptedThinking({ traces: [trace], answerCue, answer: () => "42" });

/** Thinks (cut at `max_tokens`) and answers after the cue; offered tools it may call, it calls one. */
function thinker(request: FakeOpenAIRequest): FakeReply {
  const body = request.body ?? {};
  if (body.tools !== undefined && body.tool_choice !== "none") {
    return { choices: [{ toolCalls: [{ name: "read_file", arguments: '{"path":"a.ts"}' }] }] };
  }
  const completion = respond(
    {
      prompt: {
        kind: "chat",
        messages: body.messages as ChatMessage[],
        continueFinalMessage: body.continue_final_message === true,
      },
      maxTokens: typeof body.max_tokens === "number" ? body.max_tokens : undefined,
    },
    0,
    seededRng(0),
  );
  return {
    choices: [
      typeof completion === "string"
        ? completion
        : { text: completion.text, finishReason: completion.finishReason },
    ],
  };
}

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  handler: thinker,
  upstreams: (url) => [
    {
      name: "thinker",
      baseUrl: url,
      models: ["think-model"],
      allowedNetworks: ["127.0.0.1/32"],
      scorer: "none",
    },
  ],
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read the APIs' JSON shapes as they come.
type Json = any;

async function post(path: string, body: object): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${served.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "What is 6 times 7?" }], ...body }),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

/** The generation calls the fake got since `before` (one-token capability probes left out). */
const callsSince = (before: number) =>
  served.fake.requests.slice(before).filter((request) => request.body?.max_tokens !== 1);

const readFileTool = { type: "function", function: { name: "read_file", parameters: { type: "object" } } };

describe("a thinking budget on a request whose tool_choice is none", () => {
  it("is kept by budget forcing on chat completions, the tools sent with each forced call", async () => {
    const before = served.fake.requests.length;
    const { status, json } = await post("/v1/chat/completions", {
      model: "think-model",
      max_tokens: 100,
      mull: { reasoning_budget: 50 },
      tools: [readFileTool],
      tool_choice: "none",
    });
    expect(status).toBe(200);
    // Before: one call asking for all 100 tokens, and a note that the budget was not enforced.
    const calls = callsSince(before);
    expect(calls.map((call) => call.body?.max_tokens)).toEqual([50, 50]);
    for (const call of calls) expect(call.body).toMatchObject({ tools: [readFileTool], tool_choice: "none" });
    expect(calls[1]?.body?.continue_final_message).toBe(true);
    expect(json.choices[0].message.content).toBe("Final answer: 42");
    expect(json.mull).toMatchObject({ strategy: "force@50", answer: "42" });
    expect(json.mull.notes ?? []).toEqual([]);
  });

  it("is kept under sc@3 too, whose forced traces vote", async () => {
    const { status, json } = await post("/v1/chat/completions", {
      model: "sc@3:think-model",
      max_tokens: 100,
      temperature: 0.7,
      mull: { reasoning_budget: 20 },
      tools: [readFileTool],
      tool_choice: "none",
    });
    expect(status).toBe(200);
    expect(json.mull).toMatchObject({ strategy: "force@3x20", answer: "42", votes: { "42": 3 } });
  });

  it("is kept on /v1/messages with tool_choice { type: none }", async () => {
    const before = served.fake.requests.length;
    const { status, json } = await post("/v1/messages", {
      model: "think-model",
      max_tokens: 100,
      thinking: { type: "enabled", budget_tokens: 50 },
      tools: [{ name: "read_file", input_schema: { type: "object" } }],
      tool_choice: { type: "none" },
    });
    expect(status).toBe(200);
    expect(callsSince(before).map((call) => call.body?.max_tokens)).toEqual([50, 50]);
    expect(json.content.map((block: Json) => block.type)).toEqual(["thinking", "text"]);
    expect(json.mull.notes ?? []).toEqual([]);
  });

  it("is still passed over, with the note, where the tools may be called", async () => {
    const before = served.fake.requests.length;
    const { status, json } = await post("/v1/chat/completions", {
      model: "think-model",
      max_tokens: 100,
      mull: { reasoning_budget: 50 },
      tools: [readFileTool],
      tool_choice: "auto",
    });
    expect(status).toBe(200);
    expect(callsSince(before).map((call) => call.body?.max_tokens)).toEqual([100]);
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(json.mull.notes[0]).toMatch(/^the thinking budget of 50 tokens .* was not enforced/);
  });
});
