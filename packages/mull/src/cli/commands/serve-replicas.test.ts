import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../../runtime/test-services.test-support.ts";
import type { ServerConfigInput } from "../../server/config/index.ts";
import { createGate, fakeUpstream, raceEight, replicaKey } from "../../server/replicas.test-support.ts";
import { redisTestPrefixes } from "../../server/state/redis-test-prefix.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { type ServeProcess, startServeProcess } from "./serve-process.test-support.ts";

// Two `mull serve --state redis://…` processes, as an operator runs replicas behind a load balancer, in
// front of one fake upstream: the per-key token budget race of `shared-key-budget.test.ts`, through the
// command line instead of in-process servers.

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

/** `max_tokens` of the racing requests: about 1,005 tokens of worst case each (a short prompt plus this). */
const raceTokens = 1_000;

describe.skipIf(redis.url === undefined)(
  "two mull serve processes sharing a key budget through Redis",
  () => {
    const url = redis.url ?? "";
    const scope = redisTestPrefixes(url);
    const gate = createGate();
    let fake: FakeOpenAIServer;
    let directory: string;
    const replicas: ServeProcess[] = [];

    /** The racing requests the fake upstream received (capability probes and model lists left out). */
    const raced = () => fake.requests.filter((request) => request.body?.max_tokens === raceTokens).length;

    beforeAll(async () => {
      fake = await startFakeOpenAIServer({
        handler: async (request) => {
          if (request.body?.max_tokens === raceTokens) await gate.wait(request);
          return { choices: ["Six times seven is 42."] };
        },
      });
      directory = await mkdtemp(path.join(tmpdir(), "mull-serve-replicas-"));
    });

    afterAll(async () => {
      gate.open();
      await Promise.all(replicas.splice(0).map((replica) => replica.stop()));
      await fake?.close();
      if (directory !== undefined) await rm(directory, { recursive: true, force: true });
    });

    it("admits exactly what one budget covers across both processes", async () => {
      const config: ServerConfigInput = {
        // Three worst cases fit in one minute's budget; eight are asked for.
        limits: { keyTokensPerMinute: 3_100 },
        upstreams: [fakeUpstream("fake", fake.url)],
      };
      const file = path.join(directory, "serve.json");
      await writeFile(file, JSON.stringify(config));
      const prefix = scope("processes");
      const args = ["--config", file, "--state", url, "--state-prefix", prefix];
      const keys = { MULL_REPLICAS_TEST_KEYS: replicaKey };
      const started = await Promise.all(
        [0, 1].map(() => startServeProcess([...args, "--api-keys-env", "MULL_REPLICAS_TEST_KEYS"], keys)),
      );
      replicas.push(...started);
      const [first, second] = started as [ServeProcess, ServeProcess];
      expect(first.url).not.toBe(second.url);
      for (const replica of started) {
        expect(replica.stderr()).toContain(
          `key token budgets, key request rates and upstream circuits shared through ${url.replace(/\/$/, "")}`,
        );
      }

      // Eight requests at once, alternating between the processes, held at the upstream until all are decided.
      const { passed, refused: refusals } = await raceEight([first.url, second.url], gate, raced, raceTokens);
      expect(passed).toBe(3);
      expect(refusals).toHaveLength(5);
      // Only the admitted requests reached the upstream.
      expect(raced()).toBe(3);
      for (const result of refusals) {
        expect(result.body.error?.code).toBe("key_budget_exceeded");
        expect(Number(result.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(Number(result.retryAfter)).toBeLessThanOrEqual(60);
      }

      for (const replica of replicas.splice(0)) expect(await replica.stop()).toBe(0);
    }, 240_000);
  },
);
