import { describe, expect, it } from "vitest";
import type { TokenLogprob } from "../../spec/index.ts";
import type { FakeOpenAIServerOptions } from "../../testing/fake-openai-server.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import { splitEndToken } from "./generation-result.ts";
import type { OpenAICompatibleBackend } from "./openai-compatible-backend.ts";
import type { ParsedChoice } from "./response-parser.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

async function backendOn(options: FakeOpenAIServerOptions): Promise<OpenAICompatibleBackend> {
  return backendFor(await fakeServer(options), {
    capabilities: { n: true, logprobs: true, topLogprobs: true },
  });
}

const listed = (tokens: readonly string[], logprobs: readonly number[]): TokenLogprob[] =>
  tokens.map((token, position) => ({ token, logprob: logprobs[position] ?? 0 }));

function choice(overrides: Partial<ParsedChoice>): ParsedChoice {
  return {
    index: 0,
    text: "12",
    finishReason: "stop",
    tokens: listed(["1", "2", ""], [-0.5, -0.25, -0.125]),
    ...overrides,
  };
}

describe("splitEndToken", () => {
  it("sets apart the empty last token of a completion that ended on its own", () => {
    expect(splitEndToken(choice({}))).toEqual({
      tokens: listed(["1", "2"], [-0.5, -0.25]),
      endLogprob: -0.125,
    });
  });

  it("keeps the tokens as they came after a stop string, a length limit, or a last token with text", () => {
    for (const other of [
      choice({ stopSequence: "\n" }),
      choice({ finishReason: "length" }),
      choice({ tokens: listed(["1", "2"], [-0.5, -0.25]) }),
      choice({ tokens: [] }),
      choice({ tokens: undefined }),
    ]) {
      expect(splitEndToken(other)).toEqual({ tokens: other.tokens, endLogprob: undefined });
    }
  });
});

describe("createOpenAICompatibleBackend: the end token as llama.cpp's server lists it", () => {
  const ended = { tokens: ["7", "+", "5", ""], logprobs: [-0.5, -0.25, -0.125, -1] };

  for (const stream of [true, false]) {
    it(`reports it as endLogprob, counted but not listed (${stream ? "streamed" : "whole"})`, async () => {
      const backend = await backendOn({ handler: () => ({ choices: [ended] }) });
      const served = stream ? backend : backend.unstreamed();
      const result = await served.generate({ prompt: { kind: "text", text: "Q" }, logprobs: true });
      const [completion] = result.completions;
      expect(completion?.text).toBe("7+5");
      expect(completion?.tokens?.map((token) => token.token)).toEqual(["7", "+", "5"]);
      expect(completion?.endLogprob).toBe(-1);
      expect(completion?.completionTokens).toBe(4);
    });
  }

  it("never shows it to a token watcher, so a watcher cannot cut a finished completion at its end", async () => {
    const backend = await backendOn({ handler: () => ({ choices: [ended] }) });
    const heard: string[] = [];
    const result = await backend.generate(
      { prompt: { kind: "text", text: "Q" }, logprobs: true },
      {
        watch: (_index, token) => {
          heard.push(token.token);
          return token.token === "" ? "stop" : "continue";
        },
      },
    );
    expect(heard).toEqual(["7", "+", "5"]);
    expect(result.completions[0]?.finishReason).toBe("stop");
    expect(result.completions[0]?.endLogprob).toBe(-1);
  });

  it("keeps an empty last token of a completion cut by its length limit", async () => {
    const backend = await backendOn({ handler: () => ({ choices: [{ ...ended, finishReason: "length" }] }) });
    const result = await backend.generate({ prompt: { kind: "text", text: "Q" }, logprobs: true });
    expect(result.completions[0]?.tokens?.map((token) => token.token)).toEqual(["7", "+", "5", ""]);
    expect(result.completions[0]?.endLogprob).toBeUndefined();
  });
});
