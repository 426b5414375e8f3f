import { beforeEach, describe, expect, it } from "vitest";
import type { FakeOpenAIRequest } from "../testing/fake-openai-server.ts";
import { fakeUpstream, serveFakeUpstream } from "./replicas.test-support.ts";

// Fields mull does not model reach an OpenAI-compatible upstream as the client sent them, on a plain
// request and on every sample call of a strategy; the fields mull does model go once, in its own words.

const key = "sk-unknown-fields";

const served = serveFakeUpstream({
  apiKey: key,
  handler: (request) => ({ choices: Array(request.n).fill("It is 4.\n#### 4") }),
  upstreams: (url) => [
    fakeUpstream("fake", url),
    { ...fakeUpstream("vllm", url, ["vllm-model"]), reasoningBudget: "vllm" },
  ],
});

/** Fields no schema of the server models, each of another JSON type, as a client would send them. */
const unknown = {
  reasoning_effort: "low",
  guided_json: { type: "object", properties: { answer: { type: "integer" } } },
  grammar: 'root ::= "4"',
  structured_outputs: { choice: ["4", "5"] },
  min_tokens: 3,
  ignore_eos: false,
  return_tokens_as_token_ids: true,
  kv_transfer_params: null,
  vendor_tags: ["a", 1, { b: [true] }],
};

/** Fields the server models and forwards as they are. */
const modelled = {
  response_format: { type: "json_object" },
  logit_bias: { "42": -5 },
  top_k: 20,
  min_p: 0.05,
  repetition_penalty: 1.1,
};

let before = 0;
beforeEach(() => {
  before = served.fake.requests.length;
});

/** The generation requests (not one-token capability probes) the upstream got in this test. */
const sent = (): FakeOpenAIRequest[] =>
  served.fake.requests.slice(before).filter((request) => request.body?.max_tokens !== 1);

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

async function post(path: string, body: object): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${served.url}/v1/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

const messages = [{ role: "user", content: "2+2?" }];
/** The unknown fields as the upstream should get them: `null` is read as absent, as for modelled fields. */
const { kv_transfer_params: _null, ...unknownSent } = unknown;

describe("a plain request to an OpenAI-compatible upstream", () => {
  it("forwards unknown fields unchanged and sends each modelled field once", async () => {
    const { status, json } = await post("chat/completions", {
      model: "fake-model",
      messages,
      max_completion_tokens: 64,
      temperature: 0.5,
      ...modelled,
      ...unknown,
    });
    expect(status).toBe(200);
    expect(json.choices[0].message.content).toBe("It is 4.\n#### 4");
    const calls = sent();
    expect(calls).toHaveLength(1);
    // Exactly these fields: max_completion_tokens went as max_tokens alone, nothing else was added.
    expect(calls[0]?.body).toEqual({
      model: "fake-model",
      messages,
      max_tokens: 64,
      temperature: 0.5,
      ...modelled,
      ...unknownSent,
    });
  });

  it("forwards them on a streamed request and on /v1/completions", async () => {
    const stream = await fetch(`${served.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-model", messages, stream: true, ...unknown }),
    });
    expect(stream.status).toBe(200);
    expect(await stream.text()).toMatch(/data: \[DONE\]/);
    expect(sent()[0]?.body).toMatchObject({ stream: true, ...unknownSent });

    before = served.fake.requests.length;
    const text = await post("completions", {
      model: "fake-model",
      prompt: "2+2=",
      max_tokens: 8,
      echo: false,
      best_of: 1,
      response_format: { type: "text" },
      ...unknown,
    });
    expect(text.status).toBe(200);
    expect(sent()[0]?.body).toEqual({
      model: "fake-model",
      prompt: "2+2=",
      max_tokens: 8,
      echo: false,
      best_of: 1,
      response_format: { type: "text" },
      ...unknownSent,
    });
  });

  it("forwards a thinking budget in the upstream's own field, but refuses it given twice", async () => {
    const own = await post("chat/completions", {
      model: "vllm-model",
      messages,
      max_tokens: 100,
      thinking_token_budget: 30,
    });
    expect(own.status).toBe(200);
    expect(sent()[0]?.body?.thinking_token_budget).toBe(30);

    before = served.fake.requests.length;
    const twice = await post("chat/completions", {
      model: "vllm-model",
      messages,
      max_tokens: 100,
      thinking_token_budget: 30,
      mull: { reasoning_budget: 40 },
    });
    expect(twice.status).toBe(400);
    expect(twice.json.error.param).toBe("thinking_token_budget");
    expect(twice.json.error.message).toMatch(
      /both set the thinking budget of model vllm-model; give it once/,
    );
    expect(sent()).toHaveLength(0);
  });
});

describe("a request under a strategy", () => {
  it("sends the unknown fields on every sample call", async () => {
    const { status, json } = await post("chat/completions", {
      model: "sc@3:fake-model",
      messages,
      temperature: 0.7,
      ...modelled,
      ...unknown,
    });
    expect(status).toBe(200);
    expect(json.mull).toMatchObject({ strategy: "sc@3", answer: "4", votes: { "4": 3 } });
    const calls = sent();
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.body).toMatchObject({ ...modelled, ...unknownSent });
      expect(call.body).not.toHaveProperty("kv_transfer_params");
      expect(call.body).not.toHaveProperty("mull");
    }
  });

  it("refuses the unknown fields a sample call cannot carry, naming the field, before any call", async () => {
    const cases: [object, string, RegExp][] = [
      [{ echo: true }, "echo", /put the prompt into every sample's text/],
      [{ best_of: 4 }, "best_of", /samples that the strategy neither counts nor votes over/],
      [{ continue_final_message: true }, "continue_final_message", /mull sets it itself/],
      [{ prompt: "x" }, "prompt", /writes each sample call's prompt itself/],
    ];
    for (const [extra, param, message] of cases) {
      const { status, json } = await post("chat/completions", {
        model: "sc@3:fake-model",
        messages,
        temperature: 0.7,
        ...extra,
      });
      expect(status).toBe(400);
      expect(json.error.param).toBe(param);
      expect(json.error.message).toMatch(message);
      expect(json.error.message).toMatch(/strategy sc@3/);
    }
    expect(sent()).toHaveLength(0);
  });
});
