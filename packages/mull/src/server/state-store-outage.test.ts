import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../runtime/test-services.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import type { ServerConfigInput } from "./config/index.ts";
import type { RunningServer } from "./listen-server.ts";
import { fakeUpstream, type Replica, startReplica, stopReplica } from "./replicas.test-support.ts";
import { redisLocation } from "./state/index.ts";
import { redisTestPrefix } from "./state/redis-test-prefix.test-support.ts";

// The shared state goes away mid-flight: the replica reaches Redis through a TCP relay the test cuts.
// Requests then get 503 `state_store_unavailable` naming the store, never a per-replica budget or
// circuit, and the process keeps serving what needs no state (/health).

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

const key = "sk-outage";

/** A TCP relay to Redis that can be cut: it stops listening and closes every connection. */
async function startRelay(target: URL): Promise<{ url: string; cut(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port === "" ? 6379 : target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${address.port}`,
    cut() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

describe("redisLocation", () => {
  it("names the store without its credentials", () => {
    expect(redisLocation("redis://mull:secret@10.0.0.5:6380/2")).toBe("redis://10.0.0.5:6380/2");
    expect(redisLocation("rediss://cache.example.com")).toBe("rediss://cache.example.com");
    expect(() => redisLocation("http://10.0.0.5")).toThrow(/expected a redis:\/\/ or rediss:\/\/ URL/);
  });
});

describe.skipIf(redis.url === undefined)("an unreachable shared state store", () => {
  const scope = redisTestPrefix(redis.url ?? "", "outage");
  let fake: FakeOpenAIServer;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let budgeted: Replica;
  let unbudgeted: Replica;

  const config = (keyTokensPerMinute: number | undefined): ServerConfigInput => ({
    server: { state: { url: relay.url, prefix: scope.prefix } },
    limits: keyTokensPerMinute === undefined ? {} : { keyTokensPerMinute },
    upstreams: [fakeUpstream("fake", fake.url)],
  });

  const start = (keyTokensPerMinute: number | undefined) =>
    startReplica(config(keyTokensPerMinute), { apiKeys: [key] });

  beforeAll(async () => {
    fake = await startFakeOpenAIServer({ handler: () => ({ choices: ["42"] }) });
    relay = await startRelay(new URL(redis.url ?? ""));
    budgeted = await start(100_000);
    unbudgeted = await start(undefined);
  });
  afterAll(async () => {
    for (const replica of [budgeted, unbudgeted]) if (replica !== undefined) await stopReplica(replica);
    await fake?.close();
    await scope.clean();
  });

  const chat = (running: RunningServer) =>
    fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: "6 × 7?" }] }),
    });

  it("answers 503 state_store_unavailable naming the store, without calling the upstream, and stays up", async () => {
    expect((await chat(budgeted.running)).status).toBe(200);
    expect((await chat(unbudgeted.running)).status).toBe(200);
    const calls = fake.requests.length;
    relay.cut();
    // The budget's reservation and (with no budget) the circuit's admission both need the store.
    for (const replica of [budgeted, unbudgeted]) {
      const response = await chat(replica.running);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("state_store_unavailable");
      expect(body.error.message).toBe(
        `the shared serving state store (${relay.url}) is unreachable; this server does not serve without it; retry after 1 s`,
      );
    }
    expect(fake.requests.length).toBe(calls);
    const health = await fetch(`${unbudgeted.running.url}/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).circuits).toEqual({ fake: "unknown" });
  });

  it("refuses to start when the store cannot be reached", async () => {
    await expect(start(undefined)).rejects.toThrow(
      new RegExp(`cannot reach the serving state store ${relay.url.replaceAll(".", "\\.")}`),
    );
  });
});
