import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { fakeUpstream, type Replica, replicaKey, replicaSet } from "../replicas.test-support.ts";

// `mull_rejected_requests_total{reason="invalid"}` counts requests refused before they were planned (a
// body that is not a request); one refused once planned (its worst case beyond the key's whole budget)
// is not counted as invalid.

let fake: FakeOpenAIServer | undefined;
beforeAll(async () => {
  fake = await startFakeOpenAIServer({ handler: () => ({ choices: ["It is 4."] }) });
});
afterAll(async () => {
  await fake?.close();
});

const replicas = replicaSet();

function startBudgeted(): Promise<Replica> {
  if (fake === undefined) throw new Error("the fake upstream starts in beforeAll");
  return replicas.start({ limits: { keyTokensPerMinute: 10 }, upstreams: [fakeUpstream("fake", fake.url)] });
}

async function chat(replica: Replica, body: object): Promise<{ status: number; code: string | undefined }> {
  const response = await fetch(`${replica.running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${replicaKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: json.error?.code };
}

/** What `/metrics` counts as refused for being invalid (0 when it has no such line). */
async function rejectedAsInvalid(replica: Replica): Promise<number> {
  const response = await fetch(`${replica.running.url}/metrics`, {
    headers: { authorization: `Bearer ${replicaKey}` },
  });
  const line = (await response.text())
    .split("\n")
    .find((candidate) => candidate.startsWith('mull_rejected_requests_total{reason="invalid"}'));
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

describe('mull_rejected_requests_total{reason="invalid"}', () => {
  it("leaves out a request refused once planned, and counts one refused before", async () => {
    const replica = await startBudgeted();
    const messages = [{ role: "user", content: "What is 2+2?" }];
    const beyondBudget = await chat(replica, { model: "fake-model", max_tokens: 64, messages });
    expect(beyondBudget).toEqual({ status: 400, code: "request_exceeds_key_budget" });
    expect(await rejectedAsInvalid(replica)).toBe(0);
    const notARequest = await chat(replica, { model: "fake-model", max_tokens: 64 });
    expect(notARequest.status).toBe(400);
    expect(await rejectedAsInvalid(replica)).toBe(1);
  });
});
