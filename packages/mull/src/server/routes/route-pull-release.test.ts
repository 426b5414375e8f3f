import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { fakeUpstream, type Replica, replicaKey, replicaSet } from "../replicas.test-support.ts";

// A bandit route's pull is taken back when the request it chose a model for is refused in planning:
// `/health` shows no pull for a request that never reached a model.

let fake: FakeOpenAIServer | undefined;
beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    models: ["small", "large"],
    handler: () => ({ choices: ["It is 4."] }),
  });
});
afterAll(async () => {
  await fake?.close();
});

const replicas = replicaSet();

function startRouted(): Promise<Replica> {
  if (fake === undefined) throw new Error("the fake upstream starts in beforeAll");
  return replicas.start({
    upstreams: [fakeUpstream("fake", fake.url, ["small", "large"])],
    routes: [{ name: "auto", models: ["small", "large"], policy: "ucb" }],
  });
}

async function chat(replica: Replica, body: object): Promise<number> {
  const response = await fetch(`${replica.running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${replicaKey}`, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "What is 2+2?" }], ...body }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The pulls `/health` lists for each model of the route `auto`. */
async function pulls(replica: Replica): Promise<number[]> {
  const health = (await (await fetch(`${replica.running.url}/health`)).json()) as {
    routes: Record<string, { models: { model: string; pulls: number }[] }>;
  };
  return (health.routes.auto?.models ?? []).map((model) => model.pulls);
}

describe("a bandit route's pull", () => {
  it("is taken back when the routed request is refused in planning", async () => {
    const replica = await startRouted();
    expect(await chat(replica, { model: "auto", max_tokens: 16, n: 1_000_000 })).toBe(400);
    expect(await pulls(replica)).toEqual([0, 0]);
  });

  it("is kept for a routed request that was served", async () => {
    const replica = await startRouted();
    expect(await chat(replica, { model: "auto", max_tokens: 16 })).toBe(200);
    const counted = await pulls(replica);
    expect(counted).toHaveLength(2);
    expect(counted.reduce((sum, count) => sum + count, 0)).toBe(1);
  });
});
