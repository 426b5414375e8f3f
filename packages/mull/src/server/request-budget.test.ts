import { describe, expect, it } from "vitest";
import { serveFakeUpstream } from "./replicas.test-support.ts";

// The `mull.budget` of a request, through the proxy over loopback to the fake upstream: validated
// strictly, every limit enforced on strategy runs, refused on a plain-model request.

const key = "sk-budget";
const solution = "one two three four five six seven eight nine ten\n#### 12";

const served = serveFakeUpstream({
  apiKey: key,

  handler: (request) => ({ choices: Array.from({ length: request.n }, () => solution) }),
});

/** Generation requests the fake saw for a marker (capability probes ask for one token and are left out). */
const sampled = (marker: string) =>
  served.fake.requests.filter((request) => request.prompt.includes(marker) && request.body?.max_tokens !== 1);

interface ResponseBody {
  readonly error: { type: string; param: string; code: string; message: string };
  readonly mull: {
    usage: { calls: number };
    candidates: number;
    partial: boolean;
    stopped_by: string;
  };
}

async function chat(body: Record<string, unknown>) {
  const response = await fetch(`${served.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ max_tokens: 64, temperature: 0.8, ...body }),
  });
  return { status: response.status, body: (await response.json()) as ResponseBody };
}

const ask = (marker: string) => [{ role: "user", content: `${marker}: what is 3 × 4?` }];

describe("mull.budget", () => {
  it("refuses an unknown (misspelt) field, naming it and the fields there are", async () => {
    const { status, body } = await chat({
      model: "sc@6:fake-model",
      messages: ask("misspelt"),
      mull: { budget: { max_call: 1 } },
    });
    expect(status).toBe(400);
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.param).toBe("mull.budget.max_call");
    expect(body.error.code).toBe("unknown_parameter");
    expect(body.error.message).toMatch(/max_call is not a known field/);
    expect(body.error.message).toMatch(
      /max_total_tokens, max_completion_tokens, max_calls, max_milliseconds/,
    );
    expect(sampled("misspelt")).toHaveLength(0);
  });

  it("refuses a negative or zero limit, naming the field, the value and what is expected", async () => {
    const { status, body } = await chat({
      model: "sc@6:fake-model",
      messages: ask("negative"),
      mull: { budget: { max_calls: -1 } },
    });
    expect(status).toBe(400);
    expect(body.error.param).toBe("mull.budget.max_calls");
    expect(body.error.message).toBe(
      "mull.budget.max_calls must be a positive integer (upstream calls), got -1",
    );
    const zero = await chat({
      model: "sc@6:fake-model",
      messages: ask("z"),
      mull: { budget: { max_total_tokens: 0 } },
    });
    expect(zero.body.error.message).toMatch(/max_total_tokens must be a positive integer \(tokens\), got 0/);
  });

  it("enforces max_calls: one allowed call draws one sample, and says the run was cut", async () => {
    const { status, body } = await chat({
      model: "sc@6:fake-model",
      messages: ask("one-call"),
      mull: { budget: { max_calls: 1 } },
    });
    expect(status).toBe(200);
    expect(sampled("one-call")).toHaveLength(1);
    expect(body.mull.usage.calls).toBe(1);
    expect(body.mull.candidates).toBe(1);
    expect(body.mull.partial).toBe(true);
    expect(body.mull.stopped_by).toBe("calls");
  });

  it("caps a sample's max_tokens to a token budget smaller than one sample", async () => {
    const { status, body } = await chat({
      model: "sc@4:fake-model",
      messages: ask("small-budget"),
      mull: { budget: { max_completion_tokens: 5 } },
    });
    expect(status).toBe(200);
    const requests = sampled("small-budget");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.body?.max_tokens).toBe(5);
    // The fake sends its whole text whatever max_tokens says; the spend is over, and the run stops there.
    expect(body.mull.candidates).toBe(1);
    expect(body.mull.partial).toBe(true);
  });

  it("is refused on a request without a strategy, saying budgets need one", async () => {
    const { status, body } = await chat({
      model: "fake-model",
      messages: ask("plain"),
      mull: { budget: { max_total_tokens: 100 } },
    });
    expect(status).toBe(400);
    expect(body.error.param).toBe("mull.budget");
    expect(body.error.message).toMatch(/mull\.budget needs a strategy/);
    expect(sampled("plain")).toHaveLength(0);
  });
});
