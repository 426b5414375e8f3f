import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackendCallError } from "../errors/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { httpProcessReward } from "./http-process-reward.ts";

/** A loopback stand-in for vLLM's /pooling with step pooling: P(good) per step tag, from the step's text. */
let server: Server;
let baseUrl: string;
const bodies: unknown[] = [];
let mode: "step" | "per-token" | "error" = "step";

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    request.on("data", (chunk) => {
      text += chunk;
    });
    request.on("end", () => resolve(text));
  });
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as { input: string[] };
    bodies.push({ url: request.url, body });
    if (mode === "error") {
      response.writeHead(503, { "content-type": "application/json" });
      response.end('{"error":"overloaded"}');
      return;
    }
    const data = body.input.map((text, index) => {
      const assistant = text.split("<|im_start|>assistant\n")[1] ?? "";
      const steps = assistant.split("<extra_0>").slice(0, -1);
      // A step mentioning "wrong" is bad; "logit" steps come back as raw logits.
      const vectors = steps.map((step) =>
        step.includes("logit") ? [0, 2] : step.includes("wrong") ? [0.9, 0.1] : [0.2, 0.8],
      );
      return { index, data: mode === "per-token" ? [...vectors, [0.5, 0.5], [0.5, 0.5]] : vectors };
    });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ data, usage: { prompt_tokens: 42 } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("httpProcessReward", () => {
  it("sends the steps joined by the step tag and reads P(good) at each tag", async () => {
    mode = "step";
    bodies.length = 0;
    const prm = httpProcessReward({ baseUrl, model: "Qwen/Qwen2.5-Math-PRM-7B" });
    const result = await prm.score({ question: "What is 2+3+4?" }, [
      ["2+3=5", "5+4=9", "#### 9"],
      [],
      ["2+3=6 wrong", "logit step"],
    ]);
    expect(result.calls).toBe(1);
    expect(result.usage).toEqual({ promptTokens: 42, completionTokens: 0, calls: 1 });
    expect(result.results[0]!.rewards).toEqual([0.8, 0.8, 0.8]);
    expect(result.results[1]!.rewards).toEqual([]);
    expect(result.results[2]!.rewards[0]).toBe(0.1);
    // Logits [0, 2] → softmax → e² / (1 + e²).
    expect(result.results[2]!.rewards[1]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(2)), 12);
    expect(bodies).toHaveLength(1);
    const sent = bodies[0] as { url: string; body: { model: string; input: string[] } };
    expect(sent.url).toBe("/pooling");
    expect(sent.body.model).toBe("Qwen/Qwen2.5-Math-PRM-7B");
    expect(sent.body.input).toHaveLength(2);
    expect(sent.body.input[0]).toContain("<|im_start|>user\nWhat is 2+3+4?<|im_end|>");
    expect(sent.body.input[0]).toContain("2+3=5<extra_0>5+4=9<extra_0>#### 9<extra_0><|im_end|>");
  });

  it("fails clearly when the server pools per token instead of per step, or answers with an error", async () => {
    const prm = httpProcessReward({ baseUrl, name: "prm" });
    mode = "per-token";
    await expect(prm.score({ question: "q" }, [["a", "b"]])).rejects.toThrow(/one vector per step tag/);
    mode = "error";
    const error = await prm.score({ question: "q" }, [["a"]]).catch((caught: unknown) => caught);
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as BackendCallError).status).toBe(503);
    expect((error as BackendCallError).isRetryable).toBe(true);
    mode = "step";
    expect(() => httpProcessReward({ baseUrl: "ftp://x" })).toThrow(/http/);
  });

  it("refuses a deadline a timer cannot wait when it is made, not at its first request", () => {
    expect(() => httpProcessReward({ baseUrl, timeoutMilliseconds: -5 })).toThrow(
      "httpProcessReward: timeoutMilliseconds must be an integer from 1 to 2147483647, got -5",
    );
    expect(() => httpProcessReward({ baseUrl, timeoutMilliseconds: Number.POSITIVE_INFINITY })).toThrow(
      /got Infinity/,
    );
    expect(httpProcessReward({ baseUrl, name: "prm", timeoutMilliseconds: 1 }).name).toBe("prm");
  });

  it("names its options object when called from plain JavaScript without them", () => {
    const untyped = httpProcessReward as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("httpProcessReward: expected an options object; got undefined");
    expect(nothing.field).toBe("options");
  });
});
