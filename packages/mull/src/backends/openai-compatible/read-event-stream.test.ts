import { describe, expect, it, vi } from "vitest";
import type { FakeReply } from "../../testing/fake-openai-server.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

const chat = (content: string) => ({ kind: "chat" as const, messages: [{ role: "user" as const, content }] });

/** A whole stream, finish and usage chunks included, after which the server says nothing and keeps the connection. */
const heldOpen = (choices: string[]): FakeReply => ({
  choices,
  usage: { promptTokens: 4 },
  delivery: { holdOpenWithoutDone: true },
});

// A held-open stream that was never taken as complete would end by the stall timeout (20 s), as a failed
// attempt with no retry: the results below could not come back then. That is the guard, not the time.
const patient = { stallTimeoutMilliseconds: 20_000, maxRetries: 0, capabilities: { n: true } };

describe("readEventStream: a stream complete without [DONE]", () => {
  it.each([
    [1, ["The answer is 12."]],
    [2, ["The answer is 12.", "It is 12, surely."]],
  ])("returns n = %i choices whole once each has finished and the usage came, and closes the connection", async (n, texts) => {
    const server = await fakeServer({ replies: [heldOpen(texts)] });
    const result = await backendFor(server, patient).generate({ prompt: chat("q"), n });
    expect(result.completions.map((completion) => [completion.text, completion.finishReason])).toEqual(
      texts.map((text) => [text, "stop"]),
    );
    const words = texts.reduce((sum, text) => sum + text.split(" ").length, 0);
    expect(result.usage).toEqual({ promptTokens: 4, completionTokens: words, calls: 1 });
    expect(server.requests).toHaveLength(1);
    // The body was cancelled: the server sees the client leave its held connection.
    await vi.waitFor(() => expect(server.abortedRequests).toBe(1));
    expect(server.openRequests).toBe(0);
  });

  it("is not failed by a stall timeout shorter than the wait for [DONE]", async () => {
    const server = await fakeServer({ replies: [heldOpen(["short stall"])] });
    const backend = backendFor(server, { ...patient, stallTimeoutMilliseconds: 50 });
    const result = await backend.generate({ prompt: chat("q") });
    expect(result.completions[0]?.text).toBe("short stall");
    expect(server.requests).toHaveLength(1);
  });

  it("still fails a held stream that has not delivered everything, by the stall timeout", async () => {
    const server = await fakeServer({
      replies: [
        { choices: [{ text: "cut here", finishReason: null }], delivery: { holdOpenWithoutDone: true } },
      ],
    });
    const backend = backendFor(server, { ...patient, stallTimeoutMilliseconds: 300 });
    await expect(backend.generate({ prompt: chat("q") })).rejects.toThrow(
      /the stream stalled: no data for 300 ms/,
    );
  });
});
