import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServeProcess } from "../cli/commands/serve-process.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";

// SIGTERM on a real `mull serve` process: refuse new requests with 503 (still accepting connections),
// drain requests in flight up to the grace period, cut the rest (aborting their upstream calls), exit 0.

const key = "sk-shutdown";
let fake: FakeOpenAIServer;
let configFile: string;
let directory: string | undefined;

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) =>
      // "hang" requests are never answered: only a shutdown that cuts them ends them.
      request.prompt.includes("hang") && request.body?.max_tokens !== 1
        ? { fault: "hang" }
        : {
            choices: Array.from({ length: request.n }, () => "one two three four five #### 5"),
            // "slow" requests take about 1.2 s before their answer, whole or streamed (the probe, with
            // max_tokens 1, is quick).
            delivery:
              request.prompt.includes("slow") && request.body?.max_tokens !== 1
                ? { headerDelayMilliseconds: 1_200 }
                : {},
          },
  });
  directory = await mkdtemp(path.join(tmpdir(), "mull-serve-"));
  configFile = path.join(directory, "serve.json");
  await writeFile(
    configFile,
    JSON.stringify({
      server: { port: 0, logLevel: "warn", apiKeysEnv: "MULL_TEST_KEYS" },
      upstreams: [
        { name: "fake", baseUrl: fake.url, models: ["fake-model"], allowedNetworks: ["127.0.0.1/32"] },
      ],
    }),
  );
});

afterAll(async () => {
  await fake?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

function startServe(extra: string[]) {
  return startServeProcess(["--config", configFile, ...extra], { MULL_TEST_KEYS: key });
}

function ask(url: string, content: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content }] }),
  });
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Each test starts a `mull serve` process, which can take many seconds on a loaded machine.
const childTimeout = 150_000;

describe("SIGTERM", () => {
  it(
    "drains requests in flight, refuses new ones, and exits 0",
    async () => {
      const child = await startServe(["--grace", "10000"]);
      const before = fake.requests.length;
      const inFlight = ask(child.url, "slow drain");
      await until(() => fake.requests.length > before);
      child.process.kill("SIGTERM");
      await until(() => child.stderr().includes("draining"));
      const refused = await ask(child.url, "late");
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect((await fetch(`${child.url}/health`)).status).toBe(503);
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect((await response.json()).choices[0].message.content).toBe("one two three four five #### 5");
      expect(await child.exited).toBe(0);
      expect(child.stderr()).toMatch(/all requests finished/);
    },
    childTimeout,
  );

  it(
    "cuts what is still running after the grace period, aborting its upstream calls",
    async () => {
      const child = await startServe(["--grace", "200"]);
      const before = fake.requests.length;
      const abortedBefore = fake.abortedRequests;
      const inFlight = ask(child.url, "hang cut").then(
        (response) => response.status,
        () => "closed",
      );
      await until(() => fake.requests.length > before);
      child.process.kill("SIGTERM");
      // The request is never answered: the process exits only because the grace period cut it (said below);
      // a shutdown that never ended fails the test by its timeout.
      expect(await child.exited).toBe(0);
      const outcome = await inFlight;
      expect(outcome === "closed" || outcome === 503).toBe(true);
      await until(() => fake.abortedRequests > abortedBefore);
      expect(child.stderr()).toMatch(/1 requests cut/);
    },
    childTimeout,
  );
});
