import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { describe, expect, it } from "vitest";
import type { FakeOpenAIRequest, FakeReply } from "../testing/fake-openai-server.ts";
import { serveFakeUpstream } from "./replicas.test-support.ts";

// An AI SDK agent loop through `sc@5:<model>`, over loopback: the samples vote for a tool call, the SDK runs
// the tool, and the samples answer from its result.

const key = "sk-agent-loop";

/** Four samples call the weather tool (one for another city); once a tool answered, they answer. */
function reply(request: FakeOpenAIRequest): FakeReply {
  const messages = (request.body?.messages ?? []) as { role: string; content: unknown }[];
  if (request.body?.tools === undefined) return { choices: Array.from({ length: request.n }, () => "ok") };
  const result = messages.find((message) => message.role === "tool");
  if (result !== undefined) {
    return { choices: [`Paris has ${String(result.content).match(/\d+/)?.[0]} degrees, clear.\n#### 21`] };
  }
  const seed = request.body?.seed;
  const city = typeof seed === "number" && seed % 5 === 0 ? "Lyon" : "Paris";
  return { choices: [{ toolCalls: [{ name: "get_weather", arguments: JSON.stringify({ city }) }] }] };
}

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  handler: reply,
});

/** The agent's tool, recording the cities it was asked about. */
function weatherTool(asked: string[]) {
  return tool({
    description: "The weather in a city",
    inputSchema: jsonSchema<{ city: string }>({
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
    }),
    execute: async ({ city }) => {
      asked.push(city);
      return `21 C in ${city}`;
    },
  });
}

const model = () =>
  createOpenAICompatible({ name: "mull", baseURL: `${served.url}/v1`, apiKey: key }).chatModel(
    "sc@5:fake-model",
  );

describe("an AI SDK agent loop under sc@5", () => {
  it.each([
    false,
    true,
  ])("calls the voted tool, then answers from its result (streamed: %s)", async (streamed) => {
    const asked: string[] = [];
    const before = served.fake.requests.length;
    const settings = {
      model: model(),
      prompt: "What is the weather in Paris?",
      tools: { get_weather: weatherTool(asked) },
      stopWhen: stepCountIs(4),
      temperature: 0.7,
      seed: 1,
      maxRetries: 0,
    };
    let text: string;
    let steps: number;
    if (streamed) {
      const result = streamText(settings);
      text = "";
      for await (const part of result.textStream) text += part;
      steps = (await result.steps).length;
    } else {
      const result = await generateText(settings);
      text = result.text;
      steps = result.steps.length;
    }
    expect(asked).toEqual(["Paris"]);
    expect(steps).toBe(2);
    expect(text).toBe("Paris has 21 degrees, clear.\n#### 21");
    const sent = served.fake.requests.slice(before).filter((request) => request.body?.tools !== undefined);
    // Five samples voted on the call, five on the answer after the tool's result.
    expect(sent).toHaveLength(10);
    const answered = sent.slice(5).map((request) => request.body?.messages as { role: string }[]);
    expect(answered.every((messages) => messages.some((message) => message.role === "tool"))).toBe(true);
  });
});
