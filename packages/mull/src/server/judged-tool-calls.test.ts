import { describe, expect, it } from "vitest";
import type { FakeChoice, FakeOpenAIRequest } from "../testing/fake-openai-server.ts";
import { serveFakeUpstream } from "./replicas.test-support.ts";

// `bon@N` over samples that end in tool calls, judged by the default LLM judge on the same upstream: the
// judge reads the conversation (the earlier call and its result) and each sample's calls, so it can prefer
// the right call even when most samples make the wrong one.

const key = "sk-judged-calls";
const weather = (city: string): FakeChoice => ({
  toolCalls: [{ name: "get_weather", arguments: `{ "unit": "c",  "city": "${city}" }` }],
});
/** Sample calls in arrival order: the majority asks for the city already answered. */
const samples = [weather("Paris"), weather("Oslo"), weather("Paris")];
const judgePrompts: string[] = [];

const served = serveFakeUpstream({
  apiKey: key,
  // The default scorer: an LLM judge on the same upstream.
  upstreams: (url) => [
    { name: "fake", baseUrl: url, models: ["fake-model"], allowedNetworks: ["127.0.0.1/32"] },
  ],
  handler: (request: FakeOpenAIRequest) => {
    if (request.body?.tools !== undefined) {
      return { choices: Array.from({ length: request.n }, () => samples.shift() ?? "No call.") };
    }
    if (request.prompt.includes("Score: N/10")) {
      judgePrompts.push(request.prompt);
      // The judge knows Paris was answered: the next call should ask about Oslo.
      return request.prompt.includes('- get_weather({"city":"Oslo","unit":"c"})')
        ? "Right call.\nScore: 9/10"
        : "Paris was already answered.\nScore: 1/10";
    }
    return "ok";
  },
});

describe("bon@3 judging samples that end in tool calls", () => {
  it("shows the judge the conversation and the calls, and returns the call it prefers", async () => {
    const response = await fetch(`${served.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "bon@3:fake-model",
        temperature: 0.7,
        max_tokens: 64,
        tools: [
          {
            type: "function",
            function: { name: "get_weather", parameters: { type: "object" } },
          },
        ],
        messages: [
          { role: "user", content: "Weather in Paris?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "18 C, sunny" },
          { role: "user", content: "And in Oslo?" },
        ],
      }),
    });
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the test reads OpenAI's JSON shape as it comes.
    const json = (await response.json()) as any;
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(JSON.parse(json.choices[0].message.tool_calls[0].function.arguments)).toEqual({
      unit: "c",
      city: "Oslo",
    });
    expect(json.mull).toMatchObject({
      strategy: "bon@3",
      answer: 'tool:get_weather({"city":"Oslo","unit":"c"})',
    });
    expect(judgePrompts).toHaveLength(3);
    for (const prompt of judgePrompts) {
      expect(prompt).toContain("User: Weather in Paris?");
      expect(prompt).toContain('[calls get_weather({"city":"Paris"})]');
      expect(prompt).toContain("Tool result (call_1): 18 C, sunny");
      expect(prompt).toContain("User: And in Oslo?");
      expect(prompt).toMatch(
        /It ends its turn by calling:\n- get_weather\(\{"city":"(Paris|Oslo)","unit":"c"\}\)/,
      );
    }
  });
});
