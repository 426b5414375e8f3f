import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { discoverServer } from "./discover-server.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import { createModelFileHashes } from "./model-file-hashes.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

/** llama.cpp's `/props`, trimmed to what is read. */
const llamaProps = {
  build_info: "b6123-1a2b3c4d",
  model_path: "/models/lab-large.gguf",
  default_generation_settings: { params: { top_k: 40, min_p: 0.05000000074505806 } },
};

/** A model file on this machine, removed after the test. */
let modelDirectory: string | undefined;
afterEach(() => {
  if (modelDirectory !== undefined) rmSync(modelDirectory, { recursive: true, force: true });
  modelDirectory = undefined;
});
function localModelFile(content: string): { file: string; hash: string } {
  modelDirectory = mkdtempSync(path.join(tmpdir(), "mull-discover-"));
  const file = path.join(modelDirectory, "lab-large.gguf");
  writeFileSync(file, content);
  return { file, hash: `sha256:${createHash("sha256").update(content).digest("hex")}` };
}

let slowServer: Server | undefined;
afterEach(async () => {
  const server = slowServer;
  slowServer = undefined;
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("discoverServer", () => {
  it("reads a llama.cpp server's build, model file and sampling defaults from /props", async () => {
    const server = await fakeServer({ props: llamaProps });
    expect(await discoverServer({ requestBase: server.url, headers: {} })).toEqual({
      samplingDefaults: { source: "llama.cpp GET /props", values: { top_k: 40, min_p: 0.05 } },
      versions: { "llama.cpp": "b6123-1a2b3c4d" },
      modelFile: "/models/lab-large.gguf",
    });
  });

  it("hashes the model file a server on loopback reports where it is a readable local file", async () => {
    const { file, hash } = localModelFile("GGUF weights");
    const server = await fakeServer({ props: { ...llamaProps, model_path: file } });
    const modelFileHashes = createModelFileHashes();
    const found = await discoverServer({ requestBase: server.url, headers: {}, modelFileHashes });
    expect(found).toMatchObject({ modelFile: file, modelHash: hash });
    // Without the hashes, as before: the path only.
    expect(await discoverServer({ requestBase: server.url, headers: {} })).not.toHaveProperty("modelHash");
  });

  it("gives no model hash, and no error, for a path that is no local file or a server elsewhere", async () => {
    const modelFileHashes = createModelFileHashes();
    const missing = await fakeServer({ props: { ...llamaProps, model_path: "/no/such/dir/lab-large.gguf" } });
    expect(await discoverServer({ requestBase: missing.url, headers: {}, modelFileHashes })).toEqual({
      samplingDefaults: { source: "llama.cpp GET /props", values: { top_k: 40, min_p: 0.05 } },
      versions: { "llama.cpp": "b6123-1a2b3c4d" },
      modelFile: "/no/such/dir/lab-large.gguf",
    });
    // A file of the same path here says nothing of a remote server's model.
    const { file } = localModelFile("GGUF weights");
    const remote = (async (input: string | URL | Request) =>
      String(input).endsWith("/props")
        ? Response.json({ ...llamaProps, model_path: file })
        : new Response("not found", { status: 404 })) as typeof fetch;
    const found = await discoverServer({
      requestBase: "http://models.example:8080/v1",
      headers: {},
      fetch: remote,
      modelFileHashes,
    });
    expect(found.modelFile).toBe(file);
    expect(found).not.toHaveProperty("modelHash");
  });

  it("reads a vLLM server's version from /version", async () => {
    const server = await fakeServer({ version: "0.10.1" });
    expect(await discoverServer({ requestBase: server.url, headers: {} })).toEqual({
      versions: { server: "0.10.1" },
    });
  });

  it("discovers nothing on a server that answers neither, or answers other shapes", async () => {
    const bare = await fakeServer();
    expect(await discoverServer({ requestBase: bare.url, headers: {} })).toEqual({});
    const odd = await fakeServer({ props: { build_info: 42, model_path: "" } });
    expect(await discoverServer({ requestBase: odd.url, headers: {} })).toEqual({});
  });

  it("gives up on a route slower than the deadline instead of waiting for it", async () => {
    // Answers nothing, ever: only the deadline ends the requests.
    slowServer = createServer(() => {});
    await new Promise<void>((resolve) => slowServer!.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/v1`;
    const started = performance.now();
    const root = base.replace(/\/v1$/, "");
    // No answer is not "nothing to say": the routes are named, for a caller to ask again.
    expect(await discoverServer({ requestBase: base, headers: {}, timeoutMilliseconds: 100 })).toEqual({
      unanswered: [
        `GET ${root}/props: no answer within 100 ms`,
        `GET ${root}/version: no answer within 100 ms`,
      ],
    });
    // Fifty times the deadline: this guards against waiting on a route for ever, not the discovery's speed.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("names the routes of a server that is down, or answers that it cannot answer now", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedRoot = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    expect(await discoverServer({ requestBase: `${closedRoot}/v1`, headers: {} })).toEqual({
      unanswered: [
        `GET ${closedRoot}/props: connect ECONNREFUSED ${closedRoot.slice("http://".length)}`,
        `GET ${closedRoot}/version: connect ECONNREFUSED ${closedRoot.slice("http://".length)}`,
      ],
    });
    // A llama.cpp server loading its model answers 503; vLLM's /version answers, and decides what it is.
    let status = 503;
    slowServer = createServer((request, response) => {
      const code = request.url === "/version" ? 200 : status;
      response.writeHead(code, { "content-type": "application/json" });
      response.end(code === 200 ? JSON.stringify({ version: "0.10.1" }) : '{"error":{"message":"busy"}}');
    });
    await new Promise<void>((resolve) => slowServer!.listen(0, "127.0.0.1", resolve));
    const root = `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}`;
    expect(await discoverServer({ requestBase: `${root}/v1`, headers: {} })).toEqual({
      versions: { server: "0.10.1" },
      unanswered: [`GET ${root}/props: status 503`],
    });
    // 404 (any status but 408, 409, 429 and 5xx) is an answer: the route is not there.
    status = 404;
    expect(await discoverServer({ requestBase: `${root}/v1`, headers: {} })).toEqual({
      versions: { server: "0.10.1" },
    });
  });
});

describe("the OpenAI-compatible backend's description", () => {
  it("adds the server's versions and model file once its capabilities were asked", async () => {
    const server = await fakeServer({ props: llamaProps, version: "0.10.1" });
    const backend = backendFor(server);
    expect(backend.describe()).toEqual({
      kind: "openai-compatible",
      model: "fake-model",
      baseUrl: server.url,
    });
    const capabilities = await backend.capabilities();
    expect(capabilities.samplingDefaults?.values).toEqual({ top_k: 40, min_p: 0.05 });
    expect(backend.describe()).toEqual({
      kind: "openai-compatible",
      model: "fake-model",
      baseUrl: server.url,
      versions: { "llama.cpp": "b6123-1a2b3c4d", server: "0.10.1" },
      modelFile: "/models/lab-large.gguf",
    });
    expect(backend.unstreamed().describe()).toEqual(backend.describe());
    expect(backend.describe()).not.toHaveProperty("modelHash");
    // The discovery routes are not generation traffic: only the capability probe was sent.
    expect(server.requests.map((request) => request.endpoint)).toEqual(["chat"]);
  });

  it("adds the hash of the model file a server on this machine loaded", async () => {
    const { file, hash } = localModelFile("GGUF weights");
    const server = await fakeServer({ props: { ...llamaProps, model_path: file } });
    const backend = backendFor(server);
    await backend.capabilities();
    expect(backend.describe()).toMatchObject({ modelFile: file, modelHash: hash });
  });

  it("stays as configured, and works, on a server that says nothing of itself", async () => {
    const server = await fakeServer();
    const backend = backendFor(server);
    const capabilities = await backend.capabilities();
    expect("samplingDefaults" in capabilities).toBe(false);
    expect(backend.describe()).toEqual({
      kind: "openai-compatible",
      model: "fake-model",
      baseUrl: server.url,
    });
    const result = await backend.generate({ prompt: { kind: "text", text: "2+2=" }, maxTokens: 4 });
    expect(result.completions[0]?.text).toBe("ok");
  });
});
