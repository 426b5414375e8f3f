import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";

// RELIABILITY.md, "Faults survived": a flapping primary opens its circuit, requests go to the fallback (or
// get a clean 503) without calling it, a probe runs after the cooldown and traffic returns once it
// succeeds. The breakers run on a manual clock, so the cooldown passes without sleeping.

const key = "sk-circuit";
const answer = "Six times seven is 42.";
const cooldown = 10_000;
const clock = manualClock();
let primary: FakeOpenAIServer;
let backup: FakeOpenAIServer;
let lonely: FakeOpenAIServer;
let assembled: AssembledServer;
let primaryDown = true;
let lonelyDown = true;

const ok = (request: FakeOpenAIRequest): FakeReply => ({
  choices: Array.from({ length: request.n }, () => answer),
});
// A short retry-after-ms keeps the retries fast; the failures still count one by one.
const down: FakeReply = { status: 503, message: "overloaded", retryAfterMilliseconds: 10 };

beforeAll(async () => {
  primary = await startFakeOpenAIServer({ handler: (request) => (primaryDown ? down : ok(request)) });
  backup = await startFakeOpenAIServer({ handler: ok });
  lonely = await startFakeOpenAIServer({ handler: (request) => (lonelyDown ? down : ok(request)) });
  const common = {
    allowedNetworks: ["127.0.0.1/32"],
    timeoutMilliseconds: 5_000,
    scorer: "none" as const,
  };
  const config = parseServerConfig({
    upstreams: [
      {
        name: "primary",
        baseUrl: primary.url,
        models: [{ name: "primary-model", fallback: "backup-model" }],
        maxRetries: 2,
        circuitBreaker: { failureThreshold: 5, cooldownMilliseconds: cooldown },
        ...common,
      },
      { name: "backup", baseUrl: backup.url, models: ["backup-model"], ...common },
      {
        name: "lonely",
        baseUrl: lonely.url,
        models: ["lonely-model"],
        maxRetries: 0,
        circuitBreaker: { failureThreshold: 2, cooldownMilliseconds: cooldown },
        ...common,
      },
    ],
  });
  assembled = await assembleServer(config, { apiKeys: [key], logger: pino({ level: "silent" }), clock });
});

afterAll(async () => {
  await assembled?.dispose();
  await Promise.all([primary?.close(), backup?.close(), lonely?.close()]);
});

function ask(model: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return Promise.resolve(
    assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "What is 6 times 7?" }], ...extra }),
    }),
  );
}

async function circuitGauge(upstream: string): Promise<number | undefined> {
  const response = await assembled.server.app.request("/metrics", {
    headers: { authorization: `Bearer ${key}` },
  });
  const line = (await response.text())
    .split("\n")
    .find((text) => text.startsWith(`mull_upstream_circuit_state{upstream="${upstream}"}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

async function health(): Promise<Record<string, string>> {
  const response = await assembled.server.app.request("/health");
  return (await response.json()).circuits;
}

describe("a flapping primary with a fallback", () => {
  it("opens after the threshold, stops calling the primary, and answers through the fallback", async () => {
    // The first request makes 1 + maxRetries failed calls, then its fallback answers.
    const first = await ask("primary-model");
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    expect(firstBody.model).toBe("primary-model");
    expect(firstBody.mull).toEqual({ served_by: "backup-model" });
    expect(firstBody.choices[0].message.content).toBe(answer);
    expect(primary.requests).toHaveLength(3);
    expect(await circuitGauge("primary")).toBe(0);

    // The second reaches the threshold of 5 failed calls: its last retry is never sent.
    const second = await ask("primary-model");
    expect(second.status).toBe(200);
    expect((await second.json()).mull.served_by).toBe("backup-model");
    expect(primary.requests).toHaveLength(5);
    expect(await circuitGauge("primary")).toBe(2);
    expect((await health()).primary).toBe("open");

    // While open, requests go straight to the fallback: the primary's count stops growing.
    const servedBefore = backup.requests.length;
    for (let index = 0; index < 4; index += 1) {
      const response = await ask("primary-model");
      expect(response.status).toBe(200);
      expect((await response.json()).mull.served_by).toBe("backup-model");
    }
    expect(primary.requests).toHaveLength(5);
    expect(backup.requests.length - servedBefore).toBe(4);

    // A streamed request says who answered on its last chunk; a strategy runs on the fallback too.
    const streamed = await (await ask("primary-model", { stream: true })).text();
    expect(streamed).toContain('"served_by":"backup-model"');
    expect(streamed).toContain("data: [DONE]");
    const voted = await ask("sc@3:primary-model", { temperature: 0.7 });
    expect(voted.status).toBe(200);
    const votedBody = await voted.json();
    expect(votedBody.model).toBe("sc@3:primary-model");
    expect(votedBody.mull).toMatchObject({ served_by: "backup-model", strategy: "sc@3", answer: "42" });
    expect(primary.requests).toHaveLength(5);
  });

  it("after the cooldown sends one probe; a failed probe reopens the circuit for another cooldown", async () => {
    clock.advance(cooldown);
    expect(await circuitGauge("primary")).toBe(1);
    const probe = await ask("primary-model");
    expect(probe.status).toBe(200);
    expect((await probe.json()).mull.served_by).toBe("backup-model");
    // One call: the probe failed, the circuit reopened, and the probe's retry was never sent.
    expect(primary.requests).toHaveLength(6);
    expect(await circuitGauge("primary")).toBe(2);

    primaryDown = false;
    clock.advance(cooldown - 1);
    await ask("primary-model");
    expect(primary.requests).toHaveLength(6);
  });

  it("after the next cooldown a successful probe closes the circuit and traffic returns", async () => {
    clock.advance(1);
    const probe = await ask("primary-model");
    expect(probe.status).toBe(200);
    const body = await probe.json();
    expect(body.mull).toBeUndefined();
    expect(body.choices[0].message.content).toBe(answer);
    expect(primary.requests).toHaveLength(7);
    expect(await circuitGauge("primary")).toBe(0);
    expect((await health()).primary).toBe("closed");

    const servedBefore = backup.requests.length;
    for (let index = 0; index < 3; index += 1) {
      const response = await ask("primary-model");
      expect(response.status).toBe(200);
      expect((await response.json()).mull).toBeUndefined();
    }
    expect(primary.requests).toHaveLength(10);
    expect(backup.requests.length).toBe(servedBefore);
  });
});

describe("a failing upstream without a fallback", () => {
  it("answers 503 upstream_unavailable with Retry-After once open, without calling the upstream", async () => {
    // Under the threshold the upstream's own failure is passed on.
    for (let index = 0; index < 2; index += 1) {
      const response = await ask("lonely-model");
      expect(response.status).toBe(502);
      expect((await response.json()).error.code).toBe("upstream_error");
    }
    expect(lonely.requests).toHaveLength(2);

    const refused = await ask("lonely-model");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("10");
    const body = await refused.json();
    expect(body.error).toMatchObject({ type: "server_error", code: "upstream_unavailable", param: null });
    expect(body.error.message).toMatch(/lonely-model is unavailable/);
    expect(body.error.message).not.toContain(lonely.url);

    clock.advance(4_000);
    const later = await ask("lonely-model");
    expect(later.status).toBe(503);
    expect(later.headers.get("retry-after")).toBe("6");
    expect(lonely.requests).toHaveLength(2);

    // The probe after the cooldown succeeds: the model answers again.
    lonelyDown = false;
    clock.advance(6_000);
    const recovered = await ask("lonely-model");
    expect(recovered.status).toBe(200);
    expect(lonely.requests).toHaveLength(3);
    expect(await circuitGauge("lonely")).toBe(0);
  });
});
