import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import {
  type FakeHandler,
  type FakeOpenAIRequest,
  startFakeOpenAIServer,
} from "../../testing/fake-openai-server.ts";
import { assembleServer } from "../assemble-server.ts";
import { parseServerConfig } from "../config/index.ts";
import { recordingServingState } from "../key-budget-probes.test-support.ts";

// A routing strategy (`cascade@4:lab-v2-small>lab-v2-large`) calls two upstreams in one request: every
// token either generated is charged to the key, counted in `/metrics` and reported in the `mull` object,
// however the request ends (answered, cut by its client, failed on the large model), and a streamed one
// reports each sample of either model as progress. The small model splits its votes, so the cascade
// always escalates to the large one.

const key = "sk-routed";
const question = "12+7-3=?";
const right = "\n12+7=19\n19-3=16\n#### 16";
const wrong = "\n12+7=19\n19-3=15\n#### 15";
const smallUsage = { promptTokens: 9, completionTokens: 12 };
const largeUsage = { promptTokens: 11, completionTokens: 14 };

/** The tokens a fake upstream generated and read for the strategy's calls (its text completions). */
interface Produced {
  prompt: number;
  completion: number;
}

/** `reply` to the strategy's calls (the lab models' prompts are text completions); a probe gets `ok`. */
function probesAnswered(reply: FakeHandler): FakeHandler {
  // The HTTP backend's one-token chat call that probes `n` is not a sample.
  return (request) => (request.endpoint === "completions" ? reply(request) : { choices: ["ok"] });
}

/** Two fake upstreams, `small` and `large`, each serving one lab model, behind a server with a key budget. */
async function routedServer(options: {
  readonly small: (request: FakeOpenAIRequest, produced: Produced) => ReturnType<FakeHandler>;
  readonly large: (request: FakeOpenAIRequest, produced: Produced) => ReturnType<FakeHandler>;
  readonly failureThreshold?: number;
}) {
  const produced = { small: { prompt: 0, completion: 0 }, large: { prompt: 0, completion: 0 } };
  const small = await startFakeOpenAIServer({
    handler: probesAnswered((request) => options.small(request, produced.small)),
  });
  const large = await startFakeOpenAIServer({
    handler: probesAnswered((request) => options.large(request, produced.large)),
  });
  const upstream = (name: string, url: string, model: string) => ({
    name,
    baseUrl: url,
    allowedNetworks: ["127.0.0.1/32"],
    maxRetries: 0,
    scorer: "none",
    circuitBreaker: { failureThreshold: options.failureThreshold ?? 100, cooldownMilliseconds: 60_000 },
    models: [{ name: model, upstreamModel: "fake-model" }],
  });
  const recorded = recordingServingState();
  const assembled = await assembleServer(
    parseServerConfig({
      limits: { keyTokensPerMinute: 1_000_000 },
      upstreams: [upstream("small", small.url, "lab-v2-small"), upstream("large", large.url, "lab-v2-large")],
    }),
    { apiKeys: [key], logger: pino({ level: "silent" }), clock: manualClock(), state: recorded.state },
  );
  const request = (path: string, init?: RequestInit) =>
    Promise.resolve(
      assembled.server.app.request(path, {
        ...init,
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      }),
    );
  const post = (body: Record<string, unknown>) =>
    request("/v1/chat/completions", {
      method: "POST",
      body: JSON.stringify({
        model: "cascade@4:lab-v2-small>lab-v2-large",
        messages: [{ role: "user", content: question }],
        max_tokens: 100,
        ...body,
      }),
    });
  /** `mull_tokens_total` of a model, by kind (0 when absent). */
  const counted = async (upstreamName: string, model: string, kind: "prompt" | "completion") => {
    const text = await (await request("/metrics")).text();
    const line = `mull_tokens_total{upstream="${upstreamName}",kind="${kind}",model="${model}"} `;
    const found = text.split("\n").find((sample) => sample.startsWith(line));
    return found === undefined ? 0 : Number(found.slice(line.length));
  };
  /** Every model's `mull_tokens_total`, prompt and completion, summed. */
  const countedTotal = async () => {
    let total = 0;
    for (const [upstreamName, model] of [
      ["small", "lab-v2-small"],
      ["large", "lab-v2-large"],
    ] as const) {
      total +=
        (await counted(upstreamName, model, "prompt")) + (await counted(upstreamName, model, "completion"));
    }
    return total;
  };
  const dispose = async () => {
    await assembled.dispose();
    await small.close();
    await large.close();
  };
  return {
    post,
    request,
    counted,
    countedTotal,
    produced,
    reservations: recorded.reservations,
    small,
    large,
    dispose,
  };
}

/** Small samples alternate between the right and the wrong answer: agreement 0.5, below the threshold. */
function splitVotes() {
  let drawn = 0;
  return (request: FakeOpenAIRequest, produced: Produced) => {
    drawn += 1;
    produced.prompt += smallUsage.promptTokens;
    produced.completion += smallUsage.completionTokens;
    return {
      choices: Array.from({ length: request.n }, () => (drawn % 2 === 0 ? right : wrong)),
      usage: smallUsage,
    };
  };
}

/** The SSE events of a stream: `data:` payloads (`[DONE]` left out) and `:` comments. */
function events(streamed: string) {
  const blocks = streamed.split("\n\n");
  return {
    payloads: blocks
      .filter((block) => block.startsWith("data: {"))
      .map((block) => JSON.parse(block.slice("data: ".length)) as Record<string, unknown>),
    comments: blocks.filter((block) => block.startsWith(":")).map((block) => block.slice(1).trim()),
  };
}

const sum = (produced: Produced) => produced.prompt + produced.completion;

describe("a routing strategy that answers", () => {
  it.each([
    false,
    true,
  ])("is charged, counted and reported every token of both models (stream %s)", async (stream) => {
    const server = await routedServer({
      small: splitVotes(),
      large: (request, produced) => {
        produced.prompt += largeUsage.promptTokens;
        produced.completion += largeUsage.completionTokens;
        return { choices: Array.from({ length: request.n }, () => right), usage: largeUsage };
      },
    });
    try {
      const response = await server.post(
        stream ? { stream: true, stream_options: { include_usage: true } } : {},
      );
      expect(response.status).toBe(200);
      const text = await response.text();
      const { small, large } = server.produced;
      // Four samples of each model, each its own upstream request.
      expect(small).toEqual({
        prompt: 4 * smallUsage.promptTokens,
        completion: 4 * smallUsage.completionTokens,
      });
      expect(large).toEqual({
        prompt: 4 * largeUsage.promptTokens,
        completion: 4 * largeUsage.completionTokens,
      });
      let mull: Record<string, unknown>;
      if (stream) {
        const { payloads, comments } = events(text);
        // Each sample of either model is reported as it finishes, as a comment and as a chunk.
        const progress = comments.filter((comment) => comment.startsWith("progress "));
        expect(progress.map((comment) => Number(/^progress (\d+)\//.exec(comment)?.[1]))).toEqual([
          1, 2, 3, 4, 5, 6, 7, 8,
        ]);
        const chunks = payloads.filter((chunk) => (chunk.mull as { progress?: unknown })?.progress);
        expect(chunks).toHaveLength(8);
        mull = (payloads.findLast((chunk) => chunk.mull !== undefined)?.mull ?? {}) as Record<
          string,
          unknown
        >;
      } else {
        mull = (JSON.parse(text) as { mull: Record<string, unknown> }).mull;
      }
      expect(mull.answer).toBe("16");
      expect(mull.samples).toEqual({ requested: 8, ok: 8, failed: 0 });
      expect(mull.usage).toMatchObject({
        prompt_tokens: small.prompt + large.prompt,
        completion_tokens: small.completion + large.completion,
      });
      expect(mull.usage_by_model).toMatchObject({
        "lab-v2-small": { prompt_tokens: small.prompt, completion_tokens: small.completion },
        "lab-v2-large": { prompt_tokens: large.prompt, completion_tokens: large.completion },
      });
      expect(server.reservations.at(-1)?.settled).toBe(sum(small) + sum(large));
      expect(await server.counted("small", "lab-v2-small", "completion")).toBe(small.completion);
      expect(await server.counted("large", "lab-v2-large", "completion")).toBe(large.completion);
      expect(await server.countedTotal()).toBe(sum(small) + sum(large));
    } finally {
      await server.dispose();
    }
  });
});

describe("a streamed routing strategy whose client goes away", () => {
  it("is charged, and counted, what both models generated up to the cut", async () => {
    const delivered = 3;
    const server = await routedServer({
      small: splitVotes(),
      // The large model's streams send a few tokens, with the usage so far (its prompt), then stall.
      large: (_request, produced) => {
        produced.prompt += largeUsage.promptTokens;
        produced.completion += delivered;
        return {
          choices: [right],
          usage: { promptTokens: largeUsage.promptTokens },
          delivery: { stallAfterTokens: delivered, continuousUsage: true },
        };
      },
    });
    try {
      const response = await server.post({ stream: true });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let seen = "";
      while (!seen.includes("progress 4/4")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before the small model's samples: ${seen}`);
        seen += decoder.decode(value);
      }
      // Every large sample has sent its tokens and stalled before the client goes.
      for (let wait = 0; server.large.generations.running < 4 && wait < 200; wait += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(server.large.generations.running).toBe(4);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await reader.cancel();
      const ended = async () => (await (await server.request("/metrics")).text()).includes('status="499"');
      for (let wait = 0; !(await ended()) && wait < 200; wait += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await ended()).toBe(true);
      const { small, large } = server.produced;
      expect(large).toEqual({ prompt: 4 * largeUsage.promptTokens, completion: 4 * delivered });
      expect(server.reservations.at(-1)?.settled).toBe(sum(small) + sum(large));
      expect(await server.countedTotal()).toBe(sum(small) + sum(large));
    } finally {
      await server.dispose();
    }
  });
});

/** How the large model fails: every request a 500, or every stream cut after 3 tokens (its prompt told). */
const failures = {
  "a 500": (): ReturnType<FakeHandler> => ({ status: 500 }),
  "a cut stream": (_request: FakeOpenAIRequest, produced: Produced): ReturnType<FakeHandler> => {
    produced.prompt += largeUsage.promptTokens;
    produced.completion += 3;
    return {
      choices: [right],
      usage: { promptTokens: largeUsage.promptTokens },
      delivery: { cutAfterTokens: 3, continuousUsage: true },
    };
  },
};

describe("a routing strategy whose large model fails", () => {
  it.each([
    ["a 500", false],
    ["a cut stream", false],
    ["a cut stream", true],
  ] as const)("is charged, counted and told what both models generated, naming the large upstream (%s, stream %s)", async (failure, stream) => {
    const server = await routedServer({ small: splitVotes(), large: failures[failure] });
    try {
      const response = await server.post(stream ? { stream: true } : {});
      const text = await response.text();
      const body = stream
        ? (events(text).payloads.find((payload) => payload.error !== undefined) ?? {})
        : (JSON.parse(text) as Record<string, unknown>);
      if (!stream) expect(response.status).toBe(502);
      const error = body.error as { code: string; message: string };
      expect(error.code).toBe("upstream_error");
      expect(error.message).toMatch(/^upstream "large" failed/);
      const { small, large } = server.produced;
      expect(small.completion).toBe(4 * smallUsage.completionTokens);
      expect(large.completion).toBe(failure === "a 500" ? 0 : 4 * 3);
      expect((body.mull as { usage: unknown }).usage).toMatchObject({
        prompt_tokens: small.prompt + large.prompt,
        completion_tokens: small.completion + large.completion,
      });
      expect(server.reservations.at(-1)?.settled).toBe(sum(small) + sum(large));
      expect(await server.countedTotal()).toBe(sum(small) + sum(large));
    } finally {
      await server.dispose();
    }
  });

  it("names the large upstream, whose circuit is open, in its 503", async () => {
    const server = await routedServer({
      small: splitVotes(),
      large: failures["a 500"],
      failureThreshold: 2,
    });
    try {
      // The first request's failures open the large upstream's circuit.
      expect((await server.post({})).status).toBe(502);
      const health = (await (await server.request("/health")).json()) as { circuits: unknown };
      expect(health.circuits).toEqual({ small: "closed", large: "open" });
      const response = await server.post({});
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("60");
      const body = (await response.json()) as {
        error: { code: string; message: string };
        mull: { usage: Record<string, number> };
      };
      expect(body.error.code).toBe("upstream_unavailable");
      expect(body.error.message).toBe(
        'upstream "large" is unavailable: its circuit is open; retry after 60 s',
      );
      // The small model's samples were drawn before the large one was refused: they are charged.
      expect(body.mull.usage).toMatchObject({
        prompt_tokens: 4 * smallUsage.promptTokens,
        completion_tokens: 4 * smallUsage.completionTokens,
      });
    } finally {
      await server.dispose();
    }
  });
});
