import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { assembleServer, listenServer, parseServerConfig, type RunningServer } from "mull/server";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { labModelsDirectory } from "./lab-models.ts";
import { type LlamaServerProcess, llamaServerUnderTest, startLlamaServer } from "./test-llama-server.ts";

// Streamed strategy requests through mull serve against llama.cpp's own llama-server serving the lab model,
// with a counting proxy in between: what mull started upstream, what ran to its end, what it walked away from.
const lookup = llamaServerUnderTest();

interface Counts {
  started: number;
  completed: number;
  abortedByClient: number;
}

/** An HTTP proxy to `target` that counts the generation requests it relays and how each ended. */
async function startCountingProxy(target: string): Promise<{ url: string; counts: Counts; server: Server }> {
  const counts: Counts = { started: 0, completed: 0, abortedByClient: 0 };
  const upstream = new URL(target);
  const server = createServer((incoming, response) => {
    const generation = /completions$/.test(incoming.url ?? "");
    if (generation) counts.started += 1;
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      },
    );
    forwarded.on("error", () => response.destroy());
    response.on("close", () => {
      if (!generation) return;
      if (response.writableFinished) counts.completed += 1;
      else {
        counts.abortedByClient += 1;
        forwarded.destroy();
      }
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, counts, server };
}

describe.skipIf(lookup.binary === undefined)(
  `streamed strategies through mull serve against llama-server${lookup.missing === undefined ? "" : ` (skipped: ${lookup.missing})`}`,
  () => {
    let llama: LlamaServerProcess;
    let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
    let running: RunningServer;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      llama = await startLlamaServer({
        binary: lookup.binary as string,
        model: path.join(labModelsDirectory, "lab-large.gguf"),
        alias: "lab-large",
        parallel: 2,
      });
      proxy = await startCountingProxy(llama.baseUrl.replace(/\/v1$/, ""));
      const config = parseServerConfig({
        upstreams: [
          {
            name: "llama",
            baseUrl: `${proxy.url}/v1`,
            models: ["lab-large"],
            allowedNetworks: ["127.0.0.1/32"],
          },
        ],
      });
      const assembled = await assembleServer(config, { apiKeys: [], logger: pino({ level: "silent" }) });
      running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
      dispose = () => assembled.dispose();
    }, 90_000);

    afterAll(async () => {
      await running?.shutdown(1_000);
      await dispose?.();
      proxy?.server.close();
      await llama?.stop();
    });

    it("streams progress and the answer, and leaves nothing running upstream once pasc@16 stopped", async () => {
      const before = { ...proxy.counts };
      const response = await fetch(`${running.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "pasc@16:lab-large",
          messages: [{ role: "user", content: "30+444+273=?" }],
          temperature: 0.7,
          seed: 1,
          stream: true,
        }),
      });
      expect(response.status).toBe(200);
      const events = (await response.text()).split("\n\n").filter((event) => event.startsWith("data: {"));
      // biome-ignore lint/suspicious/noExplicitAny: OpenAI's chunk shape as it comes.
      const chunks = events.map((event) => JSON.parse(event.slice(6)) as any);
      const progress = chunks.filter((chunk) => chunk.mull?.progress !== undefined);
      const content = chunks.flatMap((chunk) =>
        chunk.choices[0]?.delta?.content ? [chunk.choices[0].delta.content] : [],
      );
      const mull = chunks.at(-1).mull;
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress.at(-1).mull.progress.samples_planned).toBe(16);
      expect(content.length).toBeGreaterThan(1);
      expect(content.join("")).toMatch(/#### 747$/);
      expect(mull.answer).toBe("747");
      await vi.waitFor(
        () => expect(proxy.counts.completed + proxy.counts.abortedByClient).toBe(proxy.counts.started),
        { timeout: 30_000 },
      );
      const started = proxy.counts.started - before.started;
      const aborted = proxy.counts.abortedByClient - before.abortedByClient;
      // Every sample was asked for (the capability probes come on top); those the vote did not wait for
      // were walked away from, and nothing is left running.
      expect(started).toBeGreaterThanOrEqual(16);
      expect(mull.stopped_by).toBe("condition:adaptive-consistency");
      expect(aborted).toBeGreaterThan(0);
    }, 60_000);
  },
);
