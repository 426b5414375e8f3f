import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "./openai-compatible-backend.ts";
import { readServerSamplingDefaults } from "./server-sampling-defaults.ts";

let server: Server | undefined;

/** A loopback server answering `/props` with `props` (or 404 when undefined); every path it saw is kept. */
async function serve(props: unknown, seen: string[] = []): Promise<string> {
  server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? "-"}`);
    if (request.url === "/props" && props !== undefined) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(props));
      return;
    }
    if (request.url === "/v1/chat/completions") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          choices: [
            { index: 0, message: { role: "assistant", content: "OK" }, finish_reason: "stop" },
            { index: 1, message: { role: "assistant", content: "OK" }, finish_reason: "stop" },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 2 },
        }),
      );
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe("readServerSamplingDefaults", () => {
  it("reads a recent llama.cpp server's nested params, rounding its float32 settings", async () => {
    const base = await serve({
      default_generation_settings: {
        n_ctx: 4096,
        params: { top_k: 40, min_p: 0.05000000074505806, top_p: 0.949999988079071, seed: 4294967295 },
      },
    });
    const defaults = await readServerSamplingDefaults({ requestBase: base, headers: {} });
    expect(defaults).toEqual({
      source: "llama.cpp GET /props",
      values: { top_k: 40, min_p: 0.05, top_p: 0.95 },
    });
  });

  it("reads an older server's flat settings and the samplers' order", async () => {
    const base = await serve({
      default_generation_settings: {
        temperature: 0.8,
        top_k: 40,
        samplers: ["top_k", "min_p", "temperature"],
      },
    });
    const defaults = await readServerSamplingDefaults({ requestBase: `${base}/`, headers: {} });
    expect(defaults?.values).toEqual({
      temperature: 0.8,
      top_k: 40,
      samplers: ["top_k", "min_p", "temperature"],
    });
  });

  it("discovers nothing on a server without /props, or with a body of another shape", async () => {
    const base = await serve(undefined);
    expect(await readServerSamplingDefaults({ requestBase: base, headers: {} })).toBeUndefined();
    await new Promise((resolve) => server?.close(resolve));
    const other = await serve({ model: "x" });
    expect(await readServerSamplingDefaults({ requestBase: other, headers: {} })).toBeUndefined();
  });
});

describe("the OpenAI-compatible backend's capabilities", () => {
  it("carry the server's sampling defaults, asked once with the backend's authorization", async () => {
    const seen: string[] = [];
    const base = await serve({ default_generation_settings: { params: { top_k: 40, min_p: 0.05 } } }, seen);
    const backend = createOpenAICompatibleBackend({ baseUrl: base, model: "m", apiKey: "sk-test" });
    const first = await backend.capabilities();
    const second = await backend.capabilities();
    expect(first.samplingDefaults?.values).toEqual({ top_k: 40, min_p: 0.05 });
    expect(second.samplingDefaults).toEqual(first.samplingDefaults);
    expect(seen.filter((line) => line.startsWith("GET /props"))).toEqual(["GET /props Bearer sk-test"]);
    await backend.dispose();
  });

  it("leave the field out when the server says nothing", async () => {
    const base = await serve(undefined);
    const backend = createOpenAICompatibleBackend({ baseUrl: base, model: "m" });
    const capabilities = await backend.capabilities();
    expect("samplingDefaults" in capabilities).toBe(false);
    expect(capabilities.n).toBe(true);
    await backend.dispose();
  });
});
