import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import type { FakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

/** A `fetch` that sends what is addressed to OpenAI's API to `server` instead. */
function toFakeServer(server: FakeOpenAIServer): typeof fetch {
  return (input, init) =>
    fetch(
      String(input instanceof Request ? input.url : input).replace("https://api.openai.com/v1", server.url),
      init,
    );
}

describe("createOpenAICompatibleBackend: the stop strings OpenAI's API takes", () => {
  const prompt = { kind: "text", text: "Q: 2*3?\nA:", stop: ["\n\nQ:"] } as const;

  it("refuses more than 4 stop strings for api.openai.com before anything is sent", async () => {
    const server = await fakeServer({ handler: () => ({ choices: ["6"] }) });
    const backend = backendFor(server, {
      baseUrl: "https://api.openai.com/v1",
      apiKey: "sk-test",
      fetch: toFakeServer(server),
      capabilities: { n: true, logprobs: true, topLogprobs: true },
    });
    await backend.generate({ prompt, stop: ["a", "b", "c"] });
    const refusal = await backend.generate({ prompt, stop: ["a", "b", "c", "d"] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ConfigError.isInstance(refusal)).toBe(true);
    expect((refusal as ConfigError).field).toBe("stop");
    expect((refusal as ConfigError).message).toContain("stop holds 5 stop strings");
    const generations = server.requests.filter((request) => request.endpoint === "completions");
    expect(generations.map((request) => request.body?.stop)).toEqual([["a", "b", "c", "\n\nQ:"]]);
  });

  it("sends any number to another server", async () => {
    const server = await fakeServer({ handler: () => ({ choices: ["6"] }) });
    const backend = backendFor(server, { capabilities: { n: true, logprobs: true, topLogprobs: true } });
    await backend.generate({ prompt, stop: ["a", "b", "c", "d", "e"] });
    const generations = server.requests.filter((request) => request.endpoint === "completions");
    expect(generations.map((request) => request.body?.stop)).toEqual([["a", "b", "c", "d", "e", "\n\nQ:"]]);
  });
});
