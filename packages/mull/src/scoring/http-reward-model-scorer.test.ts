import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BackendCallError, ConfigError } from "../errors/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { httpRewardModelScorer } from "./http-reward-model-scorer.ts";

interface Received {
  readonly path: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: { model: string; input: string[] } & Record<string, unknown>;
}

describe("httpRewardModelScorer over HTTP", () => {
  const received: Received[] = [];
  let reply: (
    body: Received["body"],
    path: string | undefined,
  ) => { status?: number; headers?: Record<string, string>; json: unknown };
  let server: Server;
  let baseUrl: string;
  const problem = { question: "What is 6 × 7?" };
  const solutions = [
    { text: "#### 42", answer: "42" },
    { text: "#### 41", answer: "41" },
  ];

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Received["body"];
      received.push({ path: request.url, headers: request.headers, body });
      const answer = reply(body, request.url);
      response.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      response.end(typeof answer.json === "string" ? answer.json : JSON.stringify(answer.json));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    received.length = 0;
    delete process.env.MULL_TEST_RM_KEY;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("pooling: sends { model, input } to /pooling and reads P(positive) from the last token's vector", async () => {
    // Per-token [negative, positive] probabilities; the answer's correctness shows in the last token.
    reply = (body) => ({
      json: {
        object: "list",
        model: body.model,
        data: body.input
          .map((text, index) => ({
            index,
            object: "pooling",
            data: [[0.5, 0.5], text.includes("42") ? [0.1, 0.9] : [0.8, 0.2]],
          }))
          .reverse(),
        usage: { prompt_tokens: 33, total_tokens: 33 },
      },
    });
    const scorer = httpRewardModelScorer({ baseUrl: `${baseUrl}/v1/`, model: "prm", shape: "pooling" });
    const batch = await scorer.score(problem, solutions);
    expect(batch.scores.map((score) => score.value)).toEqual([0.9, 0.2]);
    expect(batch.scores[0]).toMatchObject({ scorer: "reward-model:prm", kind: "outcome" });
    expect(batch).toMatchObject({ calls: 1, usage: { promptTokens: 33, completionTokens: 0, calls: 1 } });
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe("/pooling");
    expect(received[0]!.body).toEqual({
      model: "prm",
      input: ["What is 6 × 7?\n\n#### 42", "What is 6 × 7?\n\n#### 41"],
    });
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  it("pooling: a pooled scalar is the reward; logits are turned into probabilities", async () => {
    reply = (body) => ({
      json: {
        data: body.input.map((text, index) => ({ index, data: text.includes("42") ? [3.5] : [-1.25] })),
        usage: {},
      },
    });
    const scalar = httpRewardModelScorer({ baseUrl, model: "orm", shape: "pooling" });
    expect((await scalar.score(problem, solutions)).scores.map((score) => score.value)).toEqual([3.5, -1.25]);

    reply = (body) => ({ json: { data: body.input.map((_, index) => ({ index, data: [0, Math.log(3)] })) } });
    const logits = httpRewardModelScorer({ baseUrl, model: "orm", shape: "pooling" });
    expect((await logits.score(problem, solutions)).scores[0]!.value).toBeCloseTo(0.75, 12);
  });

  it("classify: sends to /classify with the key and reads probs at the positive index", async () => {
    process.env.MULL_TEST_RM_KEY = "sk-test";
    reply = (body) => ({
      json: {
        data: body.input.map((text, index) => ({
          index,
          label: "LABEL_1",
          probs: text.includes("42") ? [0.3, 0.7] : [0.6, 0.4],
          num_classes: 2,
        })),
        usage: { prompt_tokens: 12 },
      },
    });
    const scorer = httpRewardModelScorer({
      baseUrl,
      model: "cls",
      shape: "classify",
      apiKeyEnv: "MULL_TEST_RM_KEY",
      render: (question, solution) => `Q: ${question.question}\nA: ${solution.answer}`,
      extraBody: { truncate_prompt_tokens: 512 },
    });
    expect((await scorer.score(problem, solutions)).scores.map((score) => score.value)).toEqual([0.7, 0.4]);
    expect(received[0]!.path).toBe("/classify");
    expect(received[0]!.headers.authorization).toBe("Bearer sk-test");
    expect(received[0]!.body).toEqual({
      model: "cls",
      input: ["Q: What is 6 × 7?\nA: 42", "Q: What is 6 × 7?\nA: 41"],
      truncate_prompt_tokens: 512,
    });
    const negative = httpRewardModelScorer({ baseUrl, model: "cls", shape: "classify", positiveIndex: 0 });
    expect((await negative.score(problem, solutions)).scores.map((score) => score.value)).toEqual([0.3, 0.6]);
  });

  it("ignores a result indexed past the inputs it was sent", async () => {
    reply = (body) => ({
      json: {
        data: [...body.input, "extra"].map((_, index) => ({
          index,
          probs: [0.5 - index / 10, 0.5 + index / 10],
        })),
      },
    });
    const scorer = httpRewardModelScorer({ baseUrl, model: "cls", shape: "classify" });
    expect((await scorer.score(problem, solutions)).scores.map((score) => score.value)).toEqual([0.5, 0.6]);
  });

  it("reads the wait of an HTTP error from retry-after-ms before retry-after, and none from an empty header", async () => {
    const scorer = httpRewardModelScorer({ baseUrl, model: "m", shape: "classify" });
    reply = () => ({
      status: 429,
      headers: { "retry-after": "2", "retry-after-ms": "150" },
      json: { error: "slow down" },
    });
    await expect(scorer.score(problem, solutions)).rejects.toMatchObject({
      status: 429,
      retryAfterMilliseconds: 150,
    });
    reply = () => ({ status: 503, headers: { "retry-after": "" }, json: { error: "overloaded" } });
    await expect(scorer.score(problem, solutions)).rejects.toMatchObject({
      status: 503,
      retryAfterMilliseconds: undefined,
    });
  });

  it("turns HTTP errors and malformed bodies into BackendCallErrors", async () => {
    const scorer = httpRewardModelScorer({ baseUrl, model: "m", shape: "classify" });
    reply = () => ({ status: 503, headers: { "retry-after": "2" }, json: { error: "overloaded" } });
    const failure = await scorer.score(problem, solutions).catch((error: unknown) => error);
    expect(BackendCallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ status: 503, isRetryable: true, retryAfterMilliseconds: 2000 });
    reply = () => ({ status: 400, json: { error: "bad" } });
    await expect(scorer.score(problem, solutions)).rejects.toMatchObject({ status: 400, isRetryable: false });
    reply = () => ({ json: { data: [{ index: 0, nothing: true }] } });
    await expect(scorer.score(problem, solutions)).rejects.toThrow(/unexpected classify response/);
    reply = () => ({ json: "not json at all" });
    await expect(scorer.score(problem, solutions)).rejects.toThrow(/not JSON/);
    reply = () => ({ json: { data: [{ index: 0, probs: [0.5, 0.5] }] } });
    await expect(scorer.score(problem, solutions)).rejects.toThrow(/no result for input 1/);
  });

  it("rejects bad configuration, naming the field", () => {
    expect(() => httpRewardModelScorer({ baseUrl: "nope", model: "m", shape: "pooling" })).toThrow(
      ConfigError,
    );
    expect(() => httpRewardModelScorer({ baseUrl, model: "m", shape: "pooling", positiveIndex: -1 })).toThrow(
      /positiveIndex must be an integer ≥ 0, got -1/,
    );
    expect(() =>
      httpRewardModelScorer({ baseUrl, model: "m", shape: "pooling", apiKeyEnv: "MULL_TEST_RM_KEY" }),
    ).toThrow(/MULL_TEST_RM_KEY, which is not set/);
  });

  it("says why a reward model it cannot reach failed: the socket's error", async () => {
    // A port just freed: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const scorer = httpRewardModelScorer({
      baseUrl: `http://127.0.0.1:${port}`,
      model: "m",
      shape: "pooling",
    });
    const failure = await scorer.score(problem, solutions).catch((error: unknown) => error);
    expect(BackendCallError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toMatch(
      new RegExp(
        `at http://127\\.0\\.0\\.1:${port}/pooling failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`,
      ),
    );
  });

  it("refuses a deadline a timer cannot wait when it is made, not at its first request", () => {
    const make = (timeoutMilliseconds: number) => () =>
      httpRewardModelScorer({ baseUrl, model: "m", shape: "pooling", timeoutMilliseconds });
    expect(make(-5)).toThrow(
      "httpRewardModelScorer: timeoutMilliseconds must be an integer from 1 to 2147483647, got -5",
    );
    expect(make(1.5)).toThrow(/timeoutMilliseconds must be an integer from 1 to 2147483647, got 1\.5/);
    expect(make(2 ** 31)).toThrow(/got 2147483648/);
    expect(make(Number.NaN)).toThrow(/got NaN/);
    try {
      make(0)();
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).field).toBe("timeoutMilliseconds");
    }
    expect(make(2 ** 31 - 1)().name).toBe("reward-model:m");
  });

  it("names its options object when called from plain JavaScript without them", () => {
    const untyped = httpRewardModelScorer as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("httpRewardModelScorer: expected an options object; got undefined");
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped(null));
    expect(malformed.message).toBe("httpRewardModelScorer: expected an options object; got null");
    expect(malformed.field).toBe("options");
  });
});
