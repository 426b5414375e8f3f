import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// Bandit routes over one upstream that serves two lab model names, over real HTTP on loopback: lab-large
// always answers the chain right, lab-small always wrong, so the lab's checker rewards only lab-large;
// lab-stalled never answers.

const question = "12+7-3=?";
const right = "\n12+7=19\n19-3=16\n#### 16";
const wrong = "\n12+7=19\n19-3=15\n#### 15";
let fake: FakeOpenAIServer;
let assembled: AssembledServer;
let running: RunningServer;

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) =>
      request.body?.model === "lab-stalled"
        ? { fault: "hang" }
        : {
            choices: Array.from({ length: request.n }, () =>
              request.body?.model === "lab-large" ? right : wrong,
            ),
            // lab-large costs 3 tokens of prompt and 7 of completion per sample.
            usage: { promptTokens: 3, completionTokens: 7 },
          },
  });
  const config = parseServerConfig({
    upstreams: [
      {
        name: "lab-http",
        baseUrl: fake.url,
        allowedNetworks: ["127.0.0.1/32"],
        models: [
          { name: "lab-small", pricePerToken: 0.5 },
          { name: "lab-large", pricePerToken: 2 },
          { name: "lab-stalled" },
        ],
      },
    ],
    routes: [
      { name: "auto", models: ["lab-small", "lab-large"], policy: "ucb" },
      { name: "sampled", models: ["lab-small", "lab-large"], policy: "thompson", seed: 7, lambda: 0.01 },
      { name: "stalled", models: ["lab-stalled", "lab-large"], policy: "ucb" },
    ],
  });
  assembled = await assembleServer(config, { logger: pino({ level: "silent" }) });
  running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(1_000);
  await assembled?.dispose();
  await fake?.close();
});

async function ask(model: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: question }] }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A sample's value in the Prometheus text, by metric name and labels written as in the exposition. */
function sample(text: string, metric: string, labels: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${metric}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("bandit routes", () => {
  it("spreads requests, learns from the lab checker, and shows each model's state in /metrics and /health", async () => {
    const servedBy: string[] = [];
    for (let round = 0; round < 20; round += 1) {
      const { status, body } = await ask("auto");
      expect(status).toBe(200);
      expect(body.model).toBe("auto");
      servedBy.push(String((body.mull as { served_by?: string }).served_by));
    }
    // UCB1 tries each model once, then keeps coming back to the one the checker rewards.
    expect(servedBy.slice(0, 2)).toEqual(["lab-small", "lab-large"]);
    const small = servedBy.filter((name) => name === "lab-small").length;
    expect(small).toBeGreaterThanOrEqual(2);
    expect(small).toBeLessThan(8);
    const upstreamModels = fake.requests
      .filter((request) => request.endpoint === "completions")
      .map((request) => request.body?.model);
    expect(upstreamModels.filter((model) => model === "lab-small")).toHaveLength(small);
    expect(upstreamModels.filter((model) => model === "lab-large")).toHaveLength(20 - small);

    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    const large = 'route="auto",model="lab-large"';
    const smallLabels = 'route="auto",model="lab-small"';
    expect(sample(metrics, "mull_route_pulls", large)).toBe(20 - small);
    expect(sample(metrics, "mull_route_pulls", smallLabels)).toBe(small);
    expect(sample(metrics, "mull_route_mean_reward", large)).toBe(1);
    expect(sample(metrics, "mull_route_mean_reward", smallLabels)).toBe(0);
    // 10 tokens a request × the model's price per token.
    expect(sample(metrics, "mull_route_mean_cost", large)).toBe(20);
    expect(sample(metrics, "mull_route_mean_cost", smallLabels)).toBe(5);
    expect(sample(metrics, "mull_route_outcomes_total", `${large},source="checker"`)).toBe(20 - small);

    const health = (await (await fetch(`${running.url}/health`)).json()) as {
      routes: Record<
        string,
        { policy: string; models: { model: string; pulls: number; mean_reward: number }[] }
      >;
    };
    expect(health.routes.auto?.policy).toBe("ucb");
    expect(health.routes.auto?.models).toContainEqual(
      expect.objectContaining({ model: "lab-large", pulls: 20 - small, mean_reward: 1 }),
    );
  });

  it("routes a request with a strategy prefix (sc@4:sampled), rewarding the voted answer by the checker", async () => {
    const before = fake.requests.length;
    const { status, body } = await ask("sc@4:sampled");
    expect(status).toBe(200);
    expect(body.model).toBe("sc@4:sampled");
    const mull = body.mull as { served_by: string; answer: string; strategy: string };
    expect(mull.strategy).toMatch(/^sc@4/);
    // The samples, one request each (the backend may first probe the upstream's `n` with a 1-token call).
    const sent = fake.requests
      .slice(before)
      .filter((request) => request.endpoint === "completions")
      .map((request) => request.body?.model);
    expect(sent).toHaveLength(4);
    expect(new Set(sent)).toEqual(new Set([mull.served_by]));
    expect(mull.answer).toBe(mull.served_by === "lab-large" ? "16" : "15");
    const health = (await (await fetch(`${running.url}/health`)).json()) as {
      routes: Record<
        string,
        { lambda: number; models: { model: string; observations: number; mean_cost: number }[] }
      >;
    };
    expect(health.routes.sampled?.lambda).toBe(0.01);
    const arm = health.routes.sampled?.models.find((model) => model.model === mull.served_by);
    expect(arm?.observations).toBe(1);
    // Four samples of 10 tokens.
    expect(arm?.mean_cost).toBe(40 * (mull.served_by === "lab-large" ? 2 : 0.5));
  });

  it("takes the pull back, and learns no failure, when the client leaves a routed request", async () => {
    const controller = new AbortController();
    const response = fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "stalled", messages: [{ role: "user", content: question }] }),
      signal: controller.signal,
    }).catch(() => undefined);
    // UCB1 tries the route's first model first: lab-stalled, which never answers.
    await vi.waitFor(() =>
      expect(fake.requests.some((request) => request.body?.model === "lab-stalled")).toBe(true),
    );
    controller.abort();
    await response;
    const arm = async () => {
      const health = (await (await fetch(`${running.url}/health`)).json()) as {
        routes: Record<string, { models: { model: string; pulls: number; observations: number }[] }>;
      };
      return health.routes.stalled?.models.find((model) => model.model === "lab-stalled");
    };
    await vi.waitFor(async () => expect(await arm()).toMatchObject({ pulls: 0, observations: 0 }));
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(
      sample(metrics, "mull_route_outcomes_total", 'route="stalled",model="lab-stalled",source="failure"'),
    ).toBeUndefined();
  });

  it("lists the routes in /v1/models, and refuses a routing spec over a model it does not serve, listing those it does", async () => {
    const models = (await (await fetch(`${running.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(
      expect.arrayContaining(["lab-small", "lab-large", "auto", "sampled"]),
    );
    const unknown = await ask("cascade@8:lab-small>lab-huge");
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toMatch(/serves lab-small, lab-large/);
    // A route of served models reaches the strategy parser, which says sc@8 takes no route.
    const notRouting = await ask("sc@8:lab-small>lab-large");
    expect(notRouting.status).toBe(400);
    expect(JSON.stringify(notRouting.body)).toMatch(/only routing strategies take a route/);
  });
});
