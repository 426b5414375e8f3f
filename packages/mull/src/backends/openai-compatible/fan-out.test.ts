import { describe, expect, it, vi } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import type { GenerationRequest, GenerationResult } from "../../spec/index.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

const prompt: GenerationRequest["prompt"] = {
  kind: "chat",
  messages: [{ role: "user", content: "what is six times seven" }],
};

/** What the backend's `fetch` handed back: one request's body and the response's status. */
interface Answered {
  readonly sent: Readonly<Record<string, unknown>>;
  readonly status: number;
}

/**
 * The global `fetch`, and what it did as the backend sees it (not as the server does: a server that has
 * sent a whole response is ahead of a backend that has yet to read it). `answered` lists the responses
 * handed back to the backend, `read` those whose body it read to the end or let go of once it had read
 * what it needed (at its `[DONE]`).
 */
function watchedFetch() {
  const answered: Answered[] = [];
  const read: Answered[] = [];
  const watched: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const answer = {
      sent: typeof init?.body === "string" ? (JSON.parse(init.body) as Record<string, unknown>) : {},
      status: response.status,
    };
    answered.push(answer);
    if (response.body === null) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const chunk = await reader.read();
          if (!chunk.done) {
            controller.enqueue(chunk.value);
            return;
          }
          read.push(answer);
          controller.close();
        },
        async cancel(reason) {
          await reader.cancel(reason);
          read.push(answer);
        },
      },
      { highWaterMark: 0 },
    );
    const { status, statusText, headers } = response;
    return new Response(body, { status, statusText, headers });
  };
  return { fetch: watched, answered, read };
}

/** Aborts `controller` once `ready` holds, and returns what the call rejected with and what it told `onAborted`. */
async function abortedWhen(
  call: (onAborted: (partial: GenerationResult) => void) => Promise<GenerationResult>,
  controller: AbortController,
  ready: () => void,
): Promise<{ error: unknown; told: GenerationResult[] }> {
  const told: GenerationResult[] = [];
  const pending = call((partial) => told.push(partial));
  await vi.waitFor(ready, { timeout: 5_000 });
  controller.abort(new Error("deadline"));
  const error = await pending.then(
    () => new Error("expected the call to reject"),
    (thrown: unknown) => thrown,
  );
  return { error, told };
}

describe("fanOut: what an aborted call had done", () => {
  it("tells a streamed completion cut after k pieces: its text, finish reason abort, k tokens, one call", async () => {
    for (const logprobs of [false, true]) {
      const server = await fakeServer({
        handler: () => ({ choices: ["six times seven is forty-two"], delivery: { stallAfterTokens: 3 } }),
      });
      const backend = backendFor(server);
      const controller = new AbortController();
      const pieces: string[] = [];
      const { error, told } = await abortedWhen(
        (onAborted) =>
          backend.generate(
            { prompt, logprobs },
            { signal: controller.signal, onAborted, onText: (piece) => pieces.push(piece) },
          ),
        controller,
        () => expect(pieces).toHaveLength(3),
      );
      expect((error as Error).message).toBe("deadline");
      expect(told).toHaveLength(1);
      const [completion] = told[0]!.completions;
      expect(completion).toMatchObject({
        text: "six times seven",
        finishReason: "abort",
        completionTokens: 3,
      });
      expect(completion?.tokens?.map((token) => [token.token, token.logprob])).toEqual(
        logprobs
          ? [
              ["six", -0.1],
              [" times", -0.2],
              [" seven", -0.30000000000000004],
            ]
          : undefined,
      );
      // No usage chunk arrived and no other request read the prompt: its size is unknown.
      expect(told[0]!.usage).toEqual({ promptTokens: undefined, completionTokens: 3, calls: 1 });
    }
  });

  it("tells the fanned-out requests that finished as they ended, and the cut ones with their siblings' prompt", async () => {
    const server = await fakeServer({
      handler: (request) =>
        Number(request.body?.seed) % 4 < 2
          ? { choices: ["so it is 42"], usage: { promptTokens: 9, cachedPromptTokens: 8 } }
          : { choices: ["first six times"], delivery: { stallAfterTokens: 2 } },
    });
    const watched = watchedFetch();
    const backend = backendFor(server, {
      capabilities: { n: false, logprobs: false, topLogprobs: false },
      fetch: watched.fetch,
    });
    const controller = new AbortController();
    const pieces: string[] = ["", "", "", ""];
    const { error, told } = await abortedWhen(
      (onAborted) =>
        backend.generate(
          { prompt, n: 4, seed: 40 },
          {
            signal: controller.signal,
            onAborted,
            onText: (piece, index) => {
              pieces[index] += piece;
            },
          },
        ),
      controller,
      // The backend has read the finished ones whole and the cut ones' first pieces (the server is ahead).
      () => {
        expect(watched.read.map((answer) => answer.sent.seed).sort()).toEqual([40, 41]);
        expect(pieces.slice(2)).toEqual(["first six", "first six"]);
      },
    );
    expect((error as Error).message).toBe("deadline");
    expect(server.requests.map((request) => request.body?.seed)).toEqual(
      expect.arrayContaining([40, 41, 42, 43]),
    );
    expect(told).toHaveLength(1);
    const [partial] = told;
    expect(
      partial!.completions.map((completion) => [
        completion.text,
        completion.finishReason,
        completion.completionTokens,
      ]),
    ).toEqual([
      ["so it is 42", "stop", 4],
      ["so it is 42", "stop", 4],
      ["first six", "abort", 2],
      ["first six", "abort", 2],
    ]);
    expect(partial!.usage).toEqual({
      promptTokens: 4 * 9,
      completionTokens: 2 * 4 + 2 * 2,
      cachedPromptTokens: 4 * 8,
      calls: 4,
    });
    await vi.waitFor(() => expect(server.generations.running).toBe(0));
  });

  it("counts a request sent without a stream open yet as a call of unknown tokens, streamed or not", async () => {
    const server = await fakeServer({ handler: () => ({ fault: "hang" }) });
    const backend = backendFor(server);
    for (const target of [backend, backend.unstreamed()]) {
      const controller = new AbortController();
      const before = server.requests.length;
      const { told } = await abortedWhen(
        (onAborted) => target.generate({ prompt }, { signal: controller.signal, onAborted }),
        controller,
        () => expect(server.requests).toHaveLength(before + 1),
      );
      expect(told).toEqual([
        {
          completions: [],
          usage: { promptTokens: undefined, completionTokens: undefined, calls: 1 },
          model: "fake-model",
        },
      ]);
    }
  });

  it("tells nothing when no request was sent, or only attempts the server answered with an error", async () => {
    const told: GenerationResult[] = [];
    const onAborted = (partial: GenerationResult) => told.push(partial);
    const server = await fakeServer({
      handler: (request) =>
        request.prompt === "busy" ? { fault: "hang" } : { status: 503, retryAfter: "20" },
    });
    const watched = watchedFetch();
    const backend = backendFor(server, { concurrency: 1, timeoutMilliseconds: 60_000, fetch: watched.fetch });
    await expect(
      backend.generate({ prompt }, { signal: AbortSignal.abort(new Error("early")), onAborted }),
    ).rejects.toThrow("early");

    // Waiting for a concurrency slot: never sent.
    const busy = new AbortController();
    const running = backend.generate(
      { prompt: { kind: "text", text: "busy" } },
      { signal: busy.signal, onAborted },
    );
    await vi.waitFor(() => expect(server.openRequests).toBe(1));
    const waiting = new AbortController();
    const queued = backend.generate({ prompt }, { signal: waiting.signal, onAborted });
    waiting.abort(new Error("gave up waiting"));
    await expect(queued).rejects.toThrow("gave up waiting");
    expect(told).toEqual([]);
    busy.abort(new Error("done"));
    await expect(running).rejects.toThrow("done");
    expect(told).toHaveLength(1);

    // Aborted in the wait before a retry: the 503 that came back generated nothing. The backend has it
    // once its fetch handed it back, not as soon as the server took the request in.
    const retrying = new AbortController();
    const retried = backend.generate({ prompt }, { signal: retrying.signal, onAborted });
    await vi.waitFor(() => expect(watched.answered.map((answer) => answer.status)).toEqual([503]));
    retrying.abort(new Error("stop"));
    await expect(retried).rejects.toThrow("stop");
    expect(told).toHaveLength(1);
  });
});

describe("fanOut: each choice's streamed pieces", () => {
  const texts = ["alpha beta gamma", "delta epsilon", "zeta eta theta iota"];

  /** Calls `backend` for three completions, collecting every relayed piece under the index it came with. */
  async function relayed(backend: ReturnType<typeof backendFor>) {
    const pieces: { kind: string; index: number; text: string }[] = [];
    const result = await backend.generate(
      { prompt, n: 3, seed: 5 },
      {
        onText: (text, index) => pieces.push({ kind: "text", index, text }),
        onReasoning: (text, index) => pieces.push({ kind: "reasoning", index, text }),
      },
    );
    const joined = (kind: string, index: number) =>
      pieces
        .filter((piece) => piece.kind === kind && piece.index === index)
        .map((piece) => piece.text)
        .join("");
    return { pieces, result, joined };
  }

  it("relays a native n stream's pieces under each choice's index", async () => {
    const server = await fakeServer({
      handler: (request) => ({
        choices: texts
          .slice(0, request.n)
          .map((text, index) => (index === 1 ? { text, reasoning: "think first" } : text)),
      }),
    });
    const { pieces, result, joined } = await relayed(backendFor(server));
    expect(server.requests.map((request) => request.n)).toEqual([3]);
    expect(result.completions.map((completion) => completion.text)).toEqual(texts);
    expect([0, 1, 2].map((index) => joined("text", index))).toEqual(texts);
    expect(joined("reasoning", 1)).toBe("think first");
    // The fake streams the choices' tokens in turn: the relay interleaves them as they come.
    expect(pieces.slice(0, 3).map((piece) => piece.index)).toEqual([1, 1, 0]);
  });

  it("relays a fanned-out call's pieces under the index of the completion each request draws", async () => {
    const server = await fakeServer({
      refuseN: true,
      handler: (request) => texts[(request.body?.seed as number) - 5] ?? "?",
    });
    const { result, joined } = await relayed(backendFor(server));
    expect(result.completions.map((completion) => completion.text)).toEqual(texts);
    expect([0, 1, 2].map((index) => joined("text", index))).toEqual(texts);
  });

  it("relays the rest of a short native answer under the indices after its own", async () => {
    const server = await fakeServer({
      handler: (request) => ({ choices: [texts[(request.body?.seed as number) - 5] ?? "?"] }),
    });
    const { result, joined } = await relayed(backendFor(server));
    expect(server.requests.map((request) => request.n)).toEqual([3, 1, 1]);
    expect(result.completions.map((completion) => completion.text)).toEqual(texts);
    expect([0, 1, 2].map((index) => joined("text", index))).toEqual(texts);
  });
});

describe("fanOut: samples lost while others finish", () => {
  /** A server whose requests with an even seed have their stream cut after two tokens, every attempt. */
  const failingHalf = () =>
    fakeServer({
      handler: (request) =>
        Number(request.body?.seed) % 2 === 0
          ? { choices: ["cut short here"], delivery: { cutAfterTokens: 2 } }
          : { choices: [`answer ${String(request.body?.seed)}`], usage: { promptTokens: 9 } },
    });

  it("returns the completions that came, says how many were lost and why, and charges the lost tokens", async () => {
    const server = await failingHalf();
    const backend = backendFor(server, { capabilities: { n: false }, maxRetries: 1 });
    const result = await backend.generate({ prompt, n: 4, seed: 40 });
    expect(result.completions.map((completion) => [completion.index, completion.text])).toEqual([
      [0, "answer 41"],
      [1, "answer 43"],
    ]);
    expect(result.lostSamples?.count).toBe(2);
    const first = result.lostSamples?.firstError;
    expect(BackendCallError.isInstance(first)).toBe(true);
    expect((first as Error).message).toMatch(/gave up after 2 attempts/);
    // Each lost request: two attempts of two tokens each, its prompt as the finished ones read it.
    expect(result.usage).toEqual({ promptTokens: 4 * 9, completionTokens: 2 * 2 + 2 * 2 * 2, calls: 4 });
    // Every request ran to its end: none was cut short because a sibling failed.
    await vi.waitFor(() => expect(server.generations.running).toBe(0));
    expect(server.abortedRequests).toBe(0);
    expect(server.requests.map((request) => request.body?.seed).sort()).toEqual([40, 40, 41, 42, 42, 43]);
  });

  it("rejects with the first failure when no sample came, as a call of one request does", async () => {
    const server = await fakeServer({ handler: () => ({ status: 400, message: "context_length_exceeded" }) });
    const backend = backendFor(server, { capabilities: { n: false } });
    const error = await backend.generate({ prompt, n: 3, seed: 1 }).catch((thrown: unknown) => thrown);
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as BackendCallError).status).toBe(400);
    expect(server.requests).toHaveLength(3);
  });

  it("says nothing of lost samples when every one came", async () => {
    const server = await fakeServer({ handler: (request) => `answer ${String(request.body?.seed)}` });
    const result = await backendFor(server, { capabilities: { n: false } }).generate({
      prompt,
      n: 2,
      seed: 3,
    });
    expect(result.completions).toHaveLength(2);
    expect(result).not.toHaveProperty("lostSamples");
  });
});
