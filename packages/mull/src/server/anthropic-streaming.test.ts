import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { serveFakeUpstream } from "./replicas.test-support.ts";

// Anthropic's streaming under a strategy: pings (with mull.progress) while the samples run, then the
// chosen answer in many deltas, as the OpenAI stream sends it.

const key = "sk-anthropic-streams";

const thought = "<think>Six sevens: seven, fourteen, twenty-one, and so on up to forty-two.</think>";
const answer = "Six sevens are forty-two, as counting by sevens shows.\n#### 42";
const call = { name: "get_weather", arguments: '{"city":"Oslo","unit":"celsius","days":3}' };

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  handler: (request) => ({
    choices: Array.from({ length: request.n }, () =>
      request.body?.tools !== undefined
        ? { toolCalls: [{ ...call, id: "call_oslo" }] }
        : request.prompt.includes("think")
          ? `${thought}${answer}`
          : answer,
    ),
  }),
});

const client = () => new Anthropic({ baseURL: served.url, apiKey: key, maxRetries: 0 });

/** Every event the SDK's streaming helper yields, and its final message. */
async function streamed(body: Anthropic.MessageStreamParams) {
  const stream = client().messages.stream(body);
  const events: Anthropic.MessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, final: await stream.finalMessage() };
}

const deltasOf = (events: readonly Anthropic.MessageStreamEvent[], type: string) =>
  events.flatMap((event) =>
    event.type === "content_block_delta" && event.delta.type === type ? [event] : [],
  );

describe("a strategy's answer streamed on /v1/messages", () => {
  it("arrives in many text_delta pieces that reassemble to the unstreamed answer", async () => {
    const body = {
      model: "sc@3:fake-model",
      max_tokens: 64,
      messages: [{ role: "user" as const, content: "What is 6 times 7?" }],
    };
    const { events, final } = await streamed(body);
    const pieces = deltasOf(events, "text_delta").map((event) =>
      event.type === "content_block_delta" && event.delta.type === "text_delta" ? event.delta.text : "",
    );
    expect(pieces.length).toBe(answer.split(/\s+/).length);
    expect(pieces.join("")).toBe(answer);
    expect(final.content).toEqual([{ type: "text", text: answer }]);
    const whole = await client().messages.create(body);
    expect(whole.content).toEqual(final.content);
  });

  it("sends the thinking as thinking_delta pieces in a block before the text", async () => {
    const { events, final } = await streamed({
      model: "sc@3:fake-model",
      max_tokens: 64,
      messages: [{ role: "user", content: "What is 6 times 7? think first" }],
    });
    const thinking = deltasOf(events, "thinking_delta");
    expect(thinking.length).toBeGreaterThan(5);
    expect(thinking.every((event) => event.type === "content_block_delta" && event.index === 0)).toBe(true);
    expect(deltasOf(events, "text_delta").every((event) => "index" in event && event.index === 1)).toBe(true);
    expect(final.content).toEqual([
      {
        type: "thinking",
        thinking: "Six sevens: seven, fourteen, twenty-one, and so on up to forty-two.",
        signature: "",
      },
      { type: "text", text: answer },
    ]);
  });

  it("sends a voted call's input as many input_json_delta pieces", async () => {
    const { events, final } = await streamed({
      model: "sc@3:fake-model",
      max_tokens: 64,
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools: [{ name: "get_weather", input_schema: { type: "object" } }],
    });
    const pieces = deltasOf(events, "input_json_delta").map((event) =>
      event.type === "content_block_delta" && event.delta.type === "input_json_delta"
        ? event.delta.partial_json
        : "",
    );
    expect(pieces.length).toBeGreaterThan(2);
    expect(JSON.parse(pieces.join(""))).toEqual(JSON.parse(call.arguments));
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content).toEqual([
      { type: "tool_use", id: "call_oslo", name: "get_weather", input: JSON.parse(call.arguments) },
    ]);
  });

  it("reports each finished sample in a ping's mull.progress, which the SDK skips", async () => {
    const response = await fetch(`${served.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "sc@4:fake-model",
        max_tokens: 64,
        stream: true,
        messages: [{ role: "user", content: "What is 6 times 7?" }],
      }),
    });
    const events = (await response.text())
      .split("\n\n")
      .filter((event) => event.startsWith("event: "))
      .map((event) => JSON.parse(event.slice(event.indexOf("data: ") + 6)));
    const progress = events.flatMap((event) => (event.mull?.progress === undefined ? [] : [event]));
    expect(progress.every((event) => event.type === "ping")).toBe(true);
    expect(progress.map((event) => event.mull.progress.samples_done)).toEqual([1, 2, 3, 4]);
    expect(progress.at(-1)?.mull.progress).toEqual({
      samples_done: 4,
      samples_planned: 4,
      leader: "42",
      leader_share: 1,
    });
    // The progress comes before the answer.
    const lastProgress = events.lastIndexOf(progress.at(-1));
    const firstBlock = events.findIndex((event) => event.type === "content_block_start");
    expect(lastProgress).toBeLessThan(firstBlock);
  });
});
