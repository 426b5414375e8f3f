import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

describe("createOpenAICompatibleBackend: a prompt's own stop strings", () => {
  it("sends them as `stop` to /completions and /chat/completions, after the request's", async () => {
    const server = await fakeServer({ handler: () => ({ choices: ["6\n#### 6"] }) });
    const backend = backendFor(server);
    await backend.generate({
      prompt: { kind: "text", text: "Question: 2*3?\nAnswer:", stop: ["\n\nQuestion:"] },
    });
    await backend.generate({
      prompt: { kind: "text", text: "Question: 2*3?\nAnswer:", stop: ["\n\nQuestion:", "</s>"] },
      stop: ["</s>"],
    });
    await backend.generate({
      prompt: { kind: "chat", messages: [{ role: "user", content: "2*3?" }], stop: ["</answer>"] },
    });
    const generations = server.requests.filter((request) => request.endpoint !== "models");
    expect(generations.map((request) => [request.endpoint, request.body?.stop])).toEqual([
      ["completions", ["\n\nQuestion:"]],
      ["completions", ["</s>", "\n\nQuestion:"]],
      ["chat", ["</answer>"]],
    ]);
  });

  it("refuses prompt stop strings that are not a list of non-empty strings, naming the field", async () => {
    const server = await fakeServer({ handler: () => ({ choices: ["x"] }) });
    const backend = backendFor(server);
    const refusal = await backend.generate({ prompt: { kind: "text", text: "Q:", stop: ["\n", ""] } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ConfigError.isInstance(refusal)).toBe(true);
    expect((refusal as ConfigError).field).toBe("request.prompt.stop");
    expect((refusal as ConfigError).message).toBe(
      'generate: request.prompt.stop must be an array of non-empty strings, got ["\\n",""]',
    );
    expect(server.requests.filter((request) => request.endpoint !== "models")).toHaveLength(0);
  });
});
