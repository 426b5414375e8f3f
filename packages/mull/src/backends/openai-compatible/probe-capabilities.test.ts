import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import { rejection } from "../../runtime/rejection.test-support.ts";
import {
  type FakeOpenAIRequest,
  type FakeReply,
  startFakeOpenAIServer,
} from "../../testing/fake-openai-server.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import { createOpenAICompatibleBackend } from "./openai-compatible-backend.ts";

const { fakeServer, backendFor, track } = useFakeServerBackends();

/** A server whose model answers arithmetic chains only, as the lab behind `mull serve` does. */
function chainsOnly(request: FakeOpenAIRequest): FakeReply {
  if (/^\d+([+-]\d+)*=\?$/.test(request.prompt)) {
    return { choices: Array.from({ length: request.n }, () => "2") };
  }
  return {
    status: 400,
    message: `question ${JSON.stringify(request.prompt)} is not a lab chain; expected e.g. "37+48-19=?"`,
  };
}

describe("probeCapabilities", () => {
  it("probes a model that answers arithmetic chains only with a chain, and finds out everything", async () => {
    const server = await fakeServer({ handler: chainsOnly });
    const capabilities = await backendFor(server).capabilities();
    expect(capabilities).toMatchObject({ n: true, logprobs: true, topLogprobs: true });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toMatchObject({
      messages: [{ role: "user", content: "1+1=?" }],
      n: 2,
      max_tokens: 1,
      logprobs: true,
      top_logprobs: 1,
    });
  });

  it("goes on when the server refuses the probe's input, and learns the rest from the first answers", async () => {
    // Refuses the probe's content, then answers one choice without log-probabilities whatever is asked.
    const server = await fakeServer({
      replies: [{ status: 400, message: "this model answers questions about tea only" }],
      omitLogprobs: true,
      handler: () => ({ choices: ["tea"] }),
    });
    const backend = backendFor(server);
    // Nothing was found out: the endpoint's assumptions stand until an answer says otherwise.
    expect(await backend.capabilities()).toMatchObject({ n: true, logprobs: true });
    expect(server.requests).toHaveLength(1);
    const result = await backend.generate({
      prompt: { kind: "chat", messages: [{ role: "user", content: "tea?" }] },
      n: 2,
      logprobs: true,
    });
    expect(result.completions.map((completion) => completion.text)).toEqual(["tea", "tea"]);
    expect(await backend.capabilities()).toMatchObject({ n: false, logprobs: false, topLogprobs: false });
    // The probe is not asked again.
    expect(server.requests[0]?.body).toMatchObject({ n: 2, max_tokens: 1 });
    expect(server.requests.slice(1).every((request) => request.body?.max_tokens !== 1)).toBe(true);
  });

  it("keeps what it found before the server refused its input", async () => {
    const server = await fakeServer({
      refuseN: true,
      replies: [{ status: 422, message: "prompt is too short" }],
    });
    const backend = backendFor(server);
    expect((await backend.capabilities()).n).toBe(false);
    // The refused n 2, then the single request whose input was refused; nothing more.
    expect(server.requests.map((request) => request.n)).toEqual([2, 1]);
    await backend.capabilities();
    expect(server.requests).toHaveLength(2);
  });

  it("fails on what is not a refusal of its input, and probes again on the next call", async () => {
    for (const status of [401, 404]) {
      const server = await fakeServer({ replies: [{ status, message: `fake ${status}` }] });
      const backend = backendFor(server, { maxRetries: 0 });
      const error = await rejection(backend.capabilities());
      expect(BackendCallError.isInstance(error)).toBe(true);
      expect((error as BackendCallError).status).toBe(status);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^probing capabilities: POST ${server.url}/chat/completions failed with status ${status}\\b.*: fake ${status}$`,
        ),
      );
      expect(await backend.capabilities()).toMatchObject({ n: true, logprobs: true });
      expect(server.requests).toHaveLength(2);
    }
  });

  it("says it was the probe, and which endpoint it probed, when the server is down", async () => {
    const server = await startFakeOpenAIServer();
    await server.close();
    // A backend that only ever posts text prompts to /completions probes the chat endpoint all the same.
    const backend = track(
      createOpenAICompatibleBackend({ baseUrl: server.url, model: "fake-model", maxRetries: 0 }),
    );
    const error = await rejection(backend.capabilities());
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as BackendCallError).message).toMatch(
      new RegExp(
        `^probing capabilities: POST ${server.url}/chat/completions failed before a response arrived: `,
      ),
    );
    expect((error as BackendCallError).url).toBe(`${server.url}/chat/completions`);
    expect((error as BackendCallError).isRetryable).toBe(true);
  });
});
