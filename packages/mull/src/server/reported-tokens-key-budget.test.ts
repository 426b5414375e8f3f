import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../runtime/test-services.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import type { ServerConfigInput } from "./config/index.ts";
import { fakeUpstream, type Replica, replicaKey, replicaSet } from "./replicas.test-support.ts";
import { redisTestPrefixes } from "./state/redis-test-prefix.test-support.ts";

// A CJK prompt counts far more tokens than its estimate (4 characters a token): its requests reserve
// about 510 tokens each, and the upstream reports 2,040. The key is charged what was reported, so a
// budget of 3,100 tokens a minute admits two such requests, not six.

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

const prompt = "算".repeat(2_000);
const reported = { promptTokens: 2_030, completionTokens: 10 };
const replicas = replicaSet();

let fake: FakeOpenAIServer;
beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: () => ({ choices: ["one two three four five six seven eight nine ten"], usage: reported }),
  });
});
afterAll(() => fake?.close());

const config = (state?: { url: string; prefix: string }): ServerConfigInput => ({
  server: state === undefined ? {} : { state },
  limits: { keyTokensPerMinute: 3_100 },
  upstreams: [fakeUpstream("fake", fake.url)],
});

/** The CJK request, max_tokens 10: its status, reported total tokens and error message. */
async function ask(replica: Replica) {
  const response = await fetch(`${replica.running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${replicaKey}` },
    body: JSON.stringify({
      model: "fake-model",
      max_tokens: 10,
      messages: [{ role: "user", content: prompt }],
    }),
  });
  const body = (await response.json()) as { usage?: { total_tokens: number }; error?: { message: string } };
  return { status: response.status, totalTokens: body.usage?.total_tokens, message: body.error?.message };
}

/** `mull_tokens_total` of the fake model, prompt and completion together. */
async function countedTokens(replica: Replica): Promise<number> {
  const text = await (
    await fetch(`${replica.running.url}/metrics`, { headers: { authorization: `Bearer ${replicaKey}` } })
  ).text();
  return text
    .split("\n")
    .filter(
      (line) => line.startsWith('mull_tokens_total{upstream="fake"') && line.includes('model="fake-model"'),
    )
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

describe("a key charged the tokens its responses report, beyond their reservations", () => {
  it("refuses the key's next request once reported tokens used up the window (in memory)", async () => {
    const replica = await replicas.start(config());
    const outcomes = [];
    for (let attempt = 0; attempt < 4; attempt += 1) outcomes.push(await ask(replica));
    expect(outcomes.map((outcome) => outcome.status)).toEqual([200, 200, 429, 429]);
    expect(outcomes.slice(0, 2).map((outcome) => outcome.totalTokens)).toEqual([2_040, 2_040]);
    expect(outcomes[2]?.message).toContain("0 tokens are left in the current minute's window");
    expect(await countedTokens(replica)).toBe(2 * 2_040);
  });

  describe.skipIf(redis.url === undefined)("through Redis", () => {
    const scope = redisTestPrefixes(redis.url ?? "");

    it("refuses the key's next request on either replica once reported tokens used up the window", async () => {
      const input = config({ url: redis.url ?? "", prefix: scope("reported") });
      const pair = await Promise.all([replicas.start(input), replicas.start(input)]);
      const statuses = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        statuses.push((await ask(pair[attempt % 2] as Replica)).status);
      }
      expect(statuses).toEqual([200, 200, 429, 429]);
    });
  });
});
