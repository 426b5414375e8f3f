import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import type { Prompt } from "../../spec/index.ts";
import { countServerTokens, type ServerTokenizerSettings } from "./count-server-tokens.ts";
import { useTokenizerServers } from "./tokenizer-server.test-support.ts";

const startTokenizerServer = useTokenizerServers();
const text: Prompt = { kind: "text", text: "Q: 2+2=? A:" };
const chat: Prompt = { kind: "chat", messages: [{ role: "user", content: "2+2=?" }] };

function settingsFor(url: string): ServerTokenizerSettings {
  return { requestBase: url, headers: {}, secrets: [], fetch: globalThis.fetch, model: "fake-model" };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("countServerTokens", () => {
  it("counts on llama.cpp's routes and on vLLM's", async () => {
    const llama = await startTokenizerServer({ dialect: "llama.cpp" });
    const vllm = await startTokenizerServer({ dialect: "vllm" });
    const signal = new AbortController().signal;
    // 11 characters and the beginning-of-sequence token.
    expect(await countServerTokens("llama.cpp", text, "completions", settingsFor(llama.url), signal)).toEqual(
      {
        tokens: 12,
      },
    );
    expect(await countServerTokens("vllm", text, "completions", settingsFor(vllm.url), signal)).toEqual({
      tokens: 12,
    });
  });

  it.each([401, 403, 404, 405, 501])("takes status %i for a route that is not there", async (status) => {
    const server = await startTokenizerServer({ dialect: "vllm", replies: [{ status, message: "no" }] });
    const counted = await countServerTokens(
      "vllm",
      text,
      "completions",
      settingsFor(server.url),
      new AbortController().signal,
    );
    expect(counted.unavailable).toMatch(
      new RegExp(`^POST http://127\\.0\\.0\\.1:\\d+/tokenize answered status ${status}: no$`),
    );
  });

  it.each([400, 422, 429, 500, 503])("throws status %i with the server's words", async (status) => {
    const server = await startTokenizerServer({
      dialect: "llama.cpp",
      replies: [{ status, message: "bad template" }],
    });
    const error = await countServerTokens(
      "llama.cpp",
      chat,
      "chat",
      settingsFor(server.url),
      new AbortController().signal,
    ).catch((thrown: unknown) => thrown);
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as BackendCallError).status).toBe(status);
    expect((error as Error).message).toMatch(/\/apply-template failed with status \d+: bad template$/);
  });

  it("takes a body that is not JSON, or has no count, for a route that is not a tokenizer's", async () => {
    const settingsOf = async (json: unknown) =>
      settingsFor((await startTokenizerServer({ dialect: "vllm", replies: [{ json }] })).url);
    const signal = new AbortController().signal;
    const noCount = await countServerTokens("vllm", text, "completions", await settingsOf({}), signal);
    expect(noCount.unavailable).toMatch(/\/tokenize answered without a count$/);
    const negative = await countServerTokens(
      "vllm",
      text,
      "completions",
      await settingsOf({ count: -1 }),
      signal,
    );
    expect(negative.unavailable).toMatch(/\/tokenize answered without a count$/);
    const template = await startTokenizerServer({ dialect: "llama.cpp", replies: [{ json: { text: "x" } }] });
    const noPrompt = await countServerTokens("llama.cpp", chat, "chat", settingsFor(template.url), signal);
    expect(noPrompt.unavailable).toMatch(/\/apply-template answered without a prompt$/);
    expect(template.requests).toHaveLength(1);
    const html: typeof fetch = async () => new Response("<html></html>", { status: 200 });
    const notJson = await countServerTokens(
      "vllm",
      text,
      "completions",
      { ...settingsFor("http://127.0.0.1:9/v1"), fetch: html },
      signal,
    );
    expect(notJson.unavailable).toBe(
      "POST http://127.0.0.1:9/tokenize answered with a body that is not JSON (13 characters)",
    );
  });

  it("throws a retryable error naming the network failure, and does not resend a refused connection", async () => {
    const port = await closedPort();
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts += 1;
      return globalThis.fetch(input, init);
    };
    const error = await countServerTokens(
      "vllm",
      text,
      "completions",
      { ...settingsFor(`http://127.0.0.1:${port}/v1`), fetch: counting },
      new AbortController().signal,
    ).catch((thrown: unknown) => thrown);
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as BackendCallError).isRetryable).toBe(true);
    expect((error as Error).message).toContain(
      `POST http://127.0.0.1:${port}/tokenize failed before a response arrived: connect ECONNREFUSED`,
    );
    // Only a dropped connection is sent once more: nothing listens here, and asking again changes nothing.
    expect(attempts).toBe(1);
  });

  it("sends a request that failed before any response once more, as on a connection the server was closing", async () => {
    const server = await startTokenizerServer({ dialect: "vllm" });
    let attempts = 0;
    const hangingUpOnce: typeof fetch = async (input, init) => {
      attempts += 1;
      if (attempts === 1) throw new TypeError("fetch failed", { cause: new Error("socket hang up") });
      return globalThis.fetch(input, init);
    };
    const counted = await countServerTokens(
      "vllm",
      text,
      "completions",
      { ...settingsFor(server.url), fetch: hangingUpOnce },
      new AbortController().signal,
    );
    expect(counted).toEqual({ tokens: 12 });
    expect(attempts).toBe(2);
    expect(server.requests).toHaveLength(1);
  });

  it("sends it only once more, and not at all once the signal has aborted", async () => {
    let attempts = 0;
    const failing: typeof fetch = async () => {
      attempts += 1;
      throw new TypeError("fetch failed", { cause: new Error("socket hang up") });
    };
    const settings = { ...settingsFor("http://127.0.0.1:9/v1"), fetch: failing };
    const error = await countServerTokens(
      "vllm",
      text,
      "completions",
      settings,
      new AbortController().signal,
    ).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toMatch(/\/tokenize failed before a response arrived: .*socket hang up/);
    expect(attempts).toBe(2);
    const controller = new AbortController();
    const aborting: typeof fetch = async () => {
      attempts += 1;
      controller.abort(new Error("client gone"));
      throw new TypeError("fetch failed");
    };
    const aborted = await countServerTokens(
      "vllm",
      text,
      "completions",
      { ...settings, fetch: aborting },
      controller.signal,
    ).catch((thrown: unknown) => thrown);
    expect((aborted as Error).message).toBe("client gone");
    expect(attempts).toBe(3);
  });

  it("asks the server's root, beside the base URL's /v1, and sends the headers", async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const recording: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), headers: new Headers(init?.headers) });
      return new Response(JSON.stringify({ count: 5 }), { status: 200 });
    };
    const counted = await countServerTokens(
      "vllm",
      text,
      "completions",
      {
        ...settingsFor("https://gpu.example/proxy/v1"),
        headers: { authorization: "Bearer k" },
        fetch: recording,
      },
      new AbortController().signal,
    );
    expect(counted).toEqual({ tokens: 5 });
    expect(seen[0]?.url).toBe("https://gpu.example/proxy/tokenize");
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer k");
    expect(seen[0]?.headers.get("content-type")).toBe("application/json");
  });
});
