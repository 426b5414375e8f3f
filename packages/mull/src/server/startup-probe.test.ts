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
