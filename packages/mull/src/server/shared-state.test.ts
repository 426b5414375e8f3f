import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../runtime/test-services.test-support.ts";
import {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from "../testing/fake-openai-server.ts";
import { type AssembledServer, type AssembleServerOptions, assembleServer } from "./assemble-server.ts";
import { parseServerConfig, type ServerConfigInput } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";
import { connectRedisServingState, type ServingState } from "./state/index.ts";
import { redisTestPrefix } from "./state/redis-test-prefix.test-support.ts";

// Two replicas of `mull serve` on loopback, behind no balancer but the test's own alternation, in front of
// the fake upstream: with `server.state` (Redis, one prefix) they enforce one per-key budget and one circuit
// per upstream; without it each keeps its own, which is why the option exists.

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

const key = "sk-shared";
const answer = "Six times seven is 42.";

/** Holds generation requests (not one-token capability probes) at the upstream until opened. */
function createGate() {
  let open: () => void = () => undefined;
  let held = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    wait: (request: FakeOpenAIRequest) => (request.body?.max_tokens === 1 ? undefined : held),
    open: () => open(),
    close() {
      held = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
  };
}

const generations = (fake: FakeOpenAIServer) =>
  fake.requests.filter((request) => request.body?.max_tokens !== 1).length;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

interface Replica {
  readonly assembled: AssembledServer;
  readonly running: RunningServer;
}

const started: Replica[] = [];
const ownStates: ServingState[] = [];

async function startReplica(input: ServerConfigInput, options: AssembleServerOptions = {}): Promise<Replica> {
  const assembled = await assembleServer(parseServerConfig(input), {
    apiKeys: [key],
    logger: pino({ level: "silent" }),
    ...options,
  });
  const running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
  const replica = { assembled, running };
  started.push(replica);
  return replica;
}

afterEach(async () => {
  const replicas = started.splice(0);
  await Promise.all(replicas.map((replica) => replica.running.shutdown(1_000)));
  await Promise.all(replicas.map((replica) => replica.assembled.dispose()));
  await Promise.all(ownStates.splice(0).map((state) => state.close()));
});

async function chat(replica: Replica, model: string, maxTokens = 64) {
  const response = await fetch(`${replica.running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model,
      max_tokens: maxTokens,
      messages: [{ role: "user", content: "What is 6 times 7?" }],
    }),
  });
  const body = (await response.json()) as {
    error?: { code: string; message: string };
    mull?: { served_by?: string };
  };
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
}

async function circuits(replica: Replica): Promise<Record<string, string>> {
  return (await (await fetch(`${replica.running.url}/health`)).json()).circuits;
}

describe.skipIf(redis.url === undefined)("two replicas sharing their serving state in Redis", () => {
  const url = redis.url ?? "";
  const scopes: ReturnType<typeof redisTestPrefix>[] = [];
  const scope = (name: string) => {
    const made = redisTestPrefix(url, name);
    scopes.push(made);
    return made.prefix;
  };
  afterAll(async () => {
    await Promise.all(scopes.map((made) => made.clean()));
  });

  describe("per-key token budget", () => {
    const gate = createGate();
    let fake: FakeOpenAIServer;
    beforeAll(async () => {
      fake = await startFakeOpenAIServer({
        handler: async (request) => {
          await gate.wait(request);
          return { choices: [answer] };
        },
      });
    });
    afterAll(() => fake?.close());

    const config = (state: { url: string; prefix: string } | undefined): ServerConfigInput => ({
      server: state === undefined ? {} : { state },
      // About 1,005 tokens of worst case per request (a short prompt plus max_tokens 1000): three fit.
      limits: { keyTokensPerMinute: 3_100 },
      upstreams: [
        {
          name: "fake",
          baseUrl: fake.url,
          models: ["fake-model"],
          allowedNetworks: ["127.0.0.1/32"],
          scorer: "none",
        },
      ],
    });

    /** Eight requests at once, alternating between the replicas, held at the upstream until all are decided. */
    async function race(replicas: readonly Replica[]) {
      gate.close();
      const before = generations(fake);
      let refused = 0;
      const pending = Array.from({ length: 8 }, (_, index) =>
        chat(replicas[index % 2] as Replica, "fake-model", 1_000).then((result) => {
          if (result.status === 429) refused += 1;
          return result;
        }),
      );
      await until(() => refused + generations(fake) - before === 8, "every request to be decided");
      gate.open();
      const results = await Promise.all(pending);
      return {
        passed: results.filter((result) => result.status === 200).length,
        refused: results.filter((result) => result.status === 429),
      };
    }

    it("admits exactly what one budget covers across both replicas; without shared state twice as much", async () => {
      const state = { url, prefix: scope("race") };
      const shared = await Promise.all([startReplica(config(state)), startReplica(config(state))]);
      const sharedRace = await race(shared);
      expect(sharedRace.passed).toBe(3);
      expect(sharedRace.refused).toHaveLength(5);
      for (const result of sharedRace.refused) {
        expect(result.body.error?.code).toBe("key_budget_exceeded");
        expect(Number(result.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(Number(result.retryAfter)).toBeLessThanOrEqual(60);
      }

      const separate = await Promise.all([startReplica(config(undefined)), startReplica(config(undefined))]);
      const separateRace = await race(separate);
      // Each replica admits three of its four: one budget per replica.
      expect(separateRace.passed).toBe(6);
      expect(separateRace.refused).toHaveLength(2);
    });

    it("gives back what a request did not use, to the other replica too", async () => {
      // Room for two worst cases: after a request that used a few tokens settles on one replica, the
      // other still admits two at once (without the give-back it would admit one).
      const state = { url, prefix: scope("settle") };
      const input = { ...config(state), limits: { keyTokensPerMinute: 2_100 } };
      const [first, second] = await Promise.all([startReplica(input), startReplica(input)]);
      gate.open();
      expect((await chat(first as Replica, "fake-model", 1_000)).status).toBe(200);
      gate.close();
      const before = generations(fake);
      let refused = 0;
      const pending = Array.from({ length: 3 }, () =>
        chat(second as Replica, "fake-model", 1_000).then((result) => {
          if (result.status === 429) refused += 1;
          return result;
        }),
      );
      await until(() => refused + generations(fake) - before === 3, "every request to be decided");
      gate.open();
      const statuses = (await Promise.all(pending)).map((result) => result.status).sort();
      expect(statuses).toEqual([200, 200, 429]);
    });
  });

  describe("upstream circuit", () => {
    let primaryDown = true;
    const gate = createGate();
    let primary: FakeOpenAIServer;
    let backup: FakeOpenAIServer;
    const down: FakeReply = { status: 503, message: "overloaded", retryAfterMilliseconds: 10 };
    beforeAll(async () => {
      primary = await startFakeOpenAIServer({
        handler: async (request) => {
          if (primaryDown) return down;
          await gate.wait(request);
          return { choices: [answer] };
        },
      });
      backup = await startFakeOpenAIServer({ handler: () => ({ choices: [answer] }) });
    });
    afterAll(async () => {
      await Promise.all([primary?.close(), backup?.close()]);
    });

    const config = (state: { url: string; prefix: string } | undefined): ServerConfigInput => ({
      server: state === undefined ? {} : { state },
      upstreams: [
        {
          name: "primary",
          baseUrl: primary.url,
          models: [{ name: "primary-model", fallback: "backup-model" }],
          maxRetries: 0,
          circuitBreaker: { failureThreshold: 2, cooldownMilliseconds: 60_000 },
          allowedNetworks: ["127.0.0.1/32"],
          scorer: "none",
        },
        {
          name: "backup",
          baseUrl: backup.url,
          models: ["backup-model"],
          allowedNetworks: ["127.0.0.1/32"],
          scorer: "none",
        },
      ],
    });

    it("opened by one replica, makes the other go to the fallback without calling the upstream", async () => {
      primaryDown = true;
      const state = { url, prefix: scope("circuit") };
      const [a, b] = (await Promise.all([startReplica(config(state)), startReplica(config(state))])) as [
        Replica,
        Replica,
      ];
      const before = generations(primary);
      for (let index = 0; index < 2; index += 1) {
        const result = await chat(a, "primary-model");
        expect(result.status).toBe(200);
        expect(result.body.mull?.served_by).toBe("backup-model");
      }
      expect(generations(primary) - before).toBe(2);
      expect((await circuits(b)).primary).toBe("open");
      for (let index = 0; index < 3; index += 1) {
        const result = await chat(b, "primary-model");
        expect(result.status).toBe(200);
        expect(result.body.mull?.served_by).toBe("backup-model");
      }
      expect(generations(primary) - before).toBe(2);

      // Without shared state, the other replica knows nothing and calls the failing upstream again.
      const [c, d] = (await Promise.all([
        startReplica(config(undefined)),
        startReplica(config(undefined)),
      ])) as [Replica, Replica];
      const separateBefore = generations(primary);
      await chat(c, "primary-model");
      await chat(c, "primary-model");
      expect((await circuits(c)).primary).toBe("open");
      expect((await circuits(d)).primary).toBe("closed");
      await chat(d, "primary-model");
      expect(generations(primary) - separateBefore).toBe(3);
    });

    it("after the cooldown lets one probe through, on one replica; its success closes the circuit for both", async () => {
      primaryDown = true;
      let time = 1_000_000;
      const prefix = scope("probe");
      const states = await Promise.all(
        [0, 1].map(() => connectRedisServingState({ url, prefix, now: () => time })),
      );
      ownStates.push(...states);
      const [a, b] = (await Promise.all(
        states.map((state) => startReplica(config(undefined), { state })),
      )) as [Replica, Replica];
      await chat(a, "primary-model");
      await chat(b, "primary-model");
      expect((await circuits(a)).primary).toBe("open");
      const before = generations(primary);
      const backupBefore = generations(backup);

      time += 60_000;
      primaryDown = false;
      gate.close();
      const pending = [a, b, a, b].map((replica) => chat(replica, "primary-model"));
      await until(
        () => generations(primary) - before === 1 && generations(backup) - backupBefore === 3,
        "one probe and three fallbacks",
      );
      gate.open();
      const results = await Promise.all(pending);
      expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
      expect(results.filter((result) => result.body.mull?.served_by === undefined)).toHaveLength(1);
      expect(generations(primary) - before).toBe(1);
      expect((await circuits(a)).primary).toBe("closed");
      expect((await circuits(b)).primary).toBe("closed");
      expect((await chat(b, "primary-model")).body.mull?.served_by).toBeUndefined();
    });
  });
});
