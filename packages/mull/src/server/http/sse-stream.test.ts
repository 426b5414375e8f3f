import { describe, expect, it } from "vitest";
import { createSseStream, type SseWriter } from "./sse-stream.ts";

describe("createSseStream", () => {
  it("writes comments, data events and [DONE], and nothing once closed", async () => {
    const body = createSseStream({
      start(writer) {
        writer.comment("keep-alive");
        writer.data([{ a: 1 }, "two"]);
        writer.data([{ b: 2 }], { done: true });
        writer.close();
        writer.data([{ c: 3 }]);
        writer.comment("late");
      },
      cancel() {},
    });
    expect(await new Response(body).text()).toBe(
      ': keep-alive\n\ndata: {"a":1}\n\ndata: "two"\n\ndata: {"b":2}\n\ndata: [DONE]\n\n',
    );
  });

  it("writes named events in Anthropic's framing, together, without [DONE]", async () => {
    const body = createSseStream({
      start(writer) {
        writer.events([{ type: "message_start" }, { type: "ping" }]);
        writer.events([]);
        writer.close();
        writer.events([{ type: "late" }]);
      },
      cancel() {},
    });
    expect(await new Response(body).text()).toBe(
      'event: message_start\ndata: {"type":"message_start"}\n\nevent: ping\ndata: {"type":"ping"}\n\n',
    );
  });

  it("tells of a cancel and drops what is written after it", async () => {
    let cancelled = 0;
    let writer: SseWriter | undefined;
    const body = createSseStream({
      start(given) {
        writer = given;
        given.data([{ before: true }]);
      },
      cancel() {
        cancelled += 1;
      },
    });
    // `start` ran at once, with a writer that reaches the reader.
    expect(writer).toBeDefined();
    const reader = body.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: {"before":true}\n\n');
    await reader.cancel();
    expect(cancelled).toBe(1);
    // Writing to the cancelled stream neither throws nor tells of another cancel.
    writer!.data([{ after: true }]);
    writer!.comment("late");
    writer!.events([{ type: "late" }]);
    writer!.close();
    expect(cancelled).toBe(1);
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });
});
