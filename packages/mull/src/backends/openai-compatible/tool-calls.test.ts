import { describe, expect, it } from "vitest";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import { parseWholeResponse } from "./response-parser.ts";
import { StreamAssembler } from "./stream-assembler.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

const tools = [{ type: "function", function: { name: "add", parameters: { type: "object" } } }];

describe("tool calls from an OpenAI-compatible server", () => {
  it("reads message.tool_calls, and arguments sent as an object become JSON text", () => {
    const parsed = parseWholeResponse(
      {
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                { id: "c1", type: "function", function: { name: "add", arguments: '{"a":1}' } },
                { id: "c2", type: "function", function: { name: "mul", arguments: { b: 2 } } },
                { id: "c3", type: "function", function: {} },
              ],
            },
            finish_reason: "tool_calls",
          },
        ],
      },
      false,
    );
    expect(parsed.choices[0]).toMatchObject({
      text: "",
      finishReason: "stop",
      toolCalls: [
        { id: "c1", name: "add", arguments: '{"a":1}' },
        { id: "c2", name: "mul", arguments: '{"b":2}' },
      ],
    });
  });

  it("assembles streamed tool_calls deltas per choice and per call index", () => {
    const assembler = new StreamAssembler(false);
    const chunk = (index: number, pieces: unknown[]) => ({
      choices: [{ index, delta: { tool_calls: pieces }, finish_reason: null }],
    });
    assembler.add(
      chunk(0, [{ index: 0, id: "c1", type: "function", function: { name: "add", arguments: "" } }]),
    );
    assembler.add(
      chunk(1, [{ index: 0, id: "d1", type: "function", function: { name: "mul", arguments: '{"b"' } }]),
    );
    assembler.add(chunk(0, [{ index: 0, function: { arguments: '{"a":' } }]));
    assembler.add(chunk(0, [{ index: 1, id: "c2", function: { name: "neg", arguments: "{}" } }]));
    assembler.add(chunk(0, [{ index: 0, function: { arguments: "1}" } }]));
    assembler.add(chunk(1, [{ index: 0, function: { arguments: ":2}" } }]));
    const choices = assembler.result().choices;
    expect(choices.map((choice) => choice.toolCalls)).toEqual([
      [
        { id: "c1", name: "add", arguments: '{"a":1}' },
        { id: "c2", name: "neg", arguments: "{}" },
      ],
      [{ id: "d1", name: "mul", arguments: '{"b":2}' }],
    ]);
  });

  it("sends extraBody tools and a tool-use conversation, and returns the calls, streamed or not", async () => {
    const server = await fakeServer({
      handler: () => ({ choices: [{ toolCalls: [{ name: "add", arguments: '{"a":1,"b":2}' }] }] }),
    });
    for (const stream of [false, true]) {
      const backend = backendFor(server, { stream });
      const result = await backend.generate({
        prompt: {
          kind: "chat",
          messages: [
            { role: "user", content: "1+2, then double it" },
            {
              role: "assistant",
              content: "",
              toolCalls: [{ id: "x1", name: "add", arguments: '{"a":1,"b":2}' }],
            },
            { role: "tool", content: "3", toolCallId: "x1" },
          ],
        },
        extraBody: { tools },
      });
      expect(result.completions[0]?.toolCalls).toEqual([
        { id: "call_0_0", name: "add", arguments: '{"a":1,"b":2}' },
      ]);
      expect(server.requests.at(-1)?.stream).toBe(stream);
      expect(server.requests.at(-1)?.body).toMatchObject({
        tools,
        messages: [
          { role: "user", content: "1+2, then double it" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "x1", type: "function", function: { name: "add", arguments: '{"a":1,"b":2}' } },
            ],
          },
          { role: "tool", content: "3", tool_call_id: "x1" },
        ],
      });
    }
  });
});
