import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";
import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { listenServer } from "./listen-server.ts";

// `assembleServer({ probeUpstreams: true })` (what `mull serve` does) probes the HTTP upstreams' capabilities
// in the background at start-up, so that the first strategy request does not wait for the probe.

const upstream = (baseUrl: string) =>
  parseServerConfig({
    upstreams: [
      { name: "fake", baseUrl, models: ["fake-model"], allowedNetworks: ["127.0.0.1/32"], maxRetries: 0 },
    ],
  });

/**
 * A TCP front for an upstream that is down (every connection reset at once) until `bringUp` points it at a
 * real server: the upstream's address stays the same while it comes up, as a restarted server's does.
 */
async function startSwitchableFront(): Promise<{
  readonly url: string;
  bringUp(target: string): void;
  close(): Promise<void>;
}> {
  let target: URL | undefined;
  const sockets = new Set<Socket>();
  const front: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    if (target === undefined) {
      socket.resetAndDestroy();
      return;
    }
    const behind = connect(Number(target.port), target.hostname);
    sockets.add(behind);
    behind.once("close", () => sockets.delete(behind));
    socket.pipe(behind).pipe(socket);
    socket.once("error", () => behind.destroy());
    behind.once("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(front.address() as AddressInfo).port}/v1`,
    bringUp(url) {
      target = new URL(url);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}

/** The value of one line of a Prometheus text, e.g. `mull_upstream_requests_total{upstream="fake",outcome="200"}`. */
function metricValue(text: string, series: string): number {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Capability probes ask for one token. */
const isProbe = (request: { body?: Readonly<Record<string, unknown>> | undefined }) =>
  request.body?.max_tokens === 1;

describe("the start-up capability probe", () => {
  it("probes before any request, and the first strategy request does not probe again", async () => {
    const fake = await startFakeOpenAIServer({
      handler: (request) => ({ choices: Array(request.n).fill("#### 4") }),
    });
    const assembled = await assembleServer(upstream(fake.url), {
      logger: pino({ level: "silent" }),
      probeUpstreams: true,
    });
    const running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
    try {
      expect(await assembled.probed).toEqual([{ model: "fake-model", error: undefined }]);
      expect(fake.requests.filter(isProbe)).toHaveLength(1);
      const response = await fetch(`${running.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "sc@3:fake-model",
          messages: [{ role: "user", content: "2+2?" }],
          max_tokens: 16,
          temperature: 0.7,
        }),
      });
      expect(response.status).toBe(200);
      expect(fake.requests.filter(isProbe)).toHaveLength(1);
      expect(
        fake.requests.filter((request) => !isProbe(request) && request.endpoint === "chat"),
      ).toHaveLength(3);
    } finally {
      await running.shutdown(1_000);
      await assembled.dispose();
      await fake.close();
    }
  });

  it("does not fail start-up when the upstream is down, and reports the failed probe", async () => {
    const fake = await startFakeOpenAIServer();
    const url = fake.url;
    await fake.close();
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => warnings.push(line) });
    const assembled = await assembleServer(upstream(url), { logger, probeUpstreams: true });
    const running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
    try {
      const [outcome] = await assembled.probed;
      expect(outcome?.model).toBe("fake-model");
      expect(outcome?.error).toBeInstanceOf(Error);
      expect(warnings.join("")).toMatch(/upstream capability probe failed at start-up/);
      expect(warnings.join("")).not.toContain(url);
      expect((await fetch(`${running.url}/health`)).status).toBe(200);
    } finally {
      await running.shutdown(1_000);
      await assembled.dispose();
    }
  });

  it("leaves the circuit closed when the upstream is down at start-up, so the first request once it is up succeeds", async () => {
    const front = await startSwitchableFront();
    // One failure would open the circuit, for a minute: the probe's three attempts and its discovery fail.
    const config = parseServerConfig({
      upstreams: [
        {
          name: "fake",
          baseUrl: front.url,
          models: ["fake-model"],
          allowedNetworks: ["127.0.0.1/32"],
          maxRetries: 2,
          circuitBreaker: { failureThreshold: 1, cooldownMilliseconds: 60_000 },
        },
      ],
    });
    const assembled = await assembleServer(config, {
      logger: pino({ level: "silent" }),
      probeUpstreams: true,
    });
    const running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
    const fake = await startFakeOpenAIServer({
      handler: (request) => ({ choices: Array(request.n).fill("#### 4") }),
    });
    try {
      const [outcome] = await assembled.probed;
      expect(outcome?.error).toBeInstanceOf(Error);
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      // Still counted: three probe attempts and the two discovery routes, none recorded in the circuit.
      expect(
        metricValue(metrics, 'mull_upstream_requests_total{upstream="fake",outcome="network-error"}'),
      ).toBe(5);
      expect(await (await fetch(`${running.url}/health`)).json()).toMatchObject({
        circuits: { fake: "closed" },
      });
      front.bringUp(fake.url);
      const response = await fetch(`${running.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: "2+2?" }] }),
      });
      expect(response.status).toBe(200);
      expect(
        ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message
          .content,
      ).toBe("#### 4");
    } finally {
      await running.shutdown(1_000);
      await assembled.dispose();
      await fake.close();
      await front.close();
    }
  }, 20_000);

  it("still opens the circuit for a client request's own calls that fail", async () => {
    const front = await startSwitchableFront();
    const config = parseServerConfig({
      upstreams: [
        {
          name: "fake",
          baseUrl: front.url,
          models: ["fake-model"],
          allowedNetworks: ["127.0.0.1/32"],
          maxRetries: 0,
          circuitBreaker: { failureThreshold: 1, cooldownMilliseconds: 60_000 },
        },
      ],
    });
    const assembled = await assembleServer(config, {
      logger: pino({ level: "silent" }),
      probeUpstreams: true,
    });
    const running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
    try {
      await assembled.probed;
      const response = await fetch(`${running.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: "2+2?" }] }),
      });
      expect(response.status).toBeGreaterThanOrEqual(500);
      await response.body?.cancel();
      expect(await (await fetch(`${running.url}/health`)).json()).toMatchObject({
        circuits: { fake: "open" },
      });
    } finally {
      await running.shutdown(1_000);
      await assembled.dispose();
      await front.close();
    }
  });

  it("ends the probe, warning of nothing, when the server is disposed before it answered", async () => {
    // An upstream that accepts connections and never answers: the probe is still waiting at disposal.
    const held = new Set<Socket>();
    const silent = createServer((socket) => {
      held.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => warnings.push(line) });
    const assembled = await assembleServer(upstream(url), { logger, probeUpstreams: true });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(held.size).toBeGreaterThan(0);
      await assembled.dispose();
      const [outcome] = await assembled.probed;
      expect((outcome?.error as Error).message).toMatch(/disposed before its start-up probe ended/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(warnings).toEqual([]);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("reports a failed probe through the server's own logger when the caller gives none", async () => {
    const fake = await startFakeOpenAIServer();
    const url = fake.url;
    await fake.close();
    const assembled = await assembleServer(upstream(url), { probeUpstreams: true });
    const warned: string[] = [];
    const warn = vi
      .spyOn(assembled.server.logger, "warn")
      .mockImplementation((_fields: unknown, message?: unknown) => {
        warned.push(String(message));
      });
    try {
      await assembled.probed;
      expect(warned).toContain(
        "upstream capability probe failed at start-up; the first request will probe again",
      );
    } finally {
      warn.mockRestore();
      await assembled.dispose();
    }
  });
});
