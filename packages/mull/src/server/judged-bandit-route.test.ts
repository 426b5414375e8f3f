import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// A bandit route whose models have no checker learns from its judge, a third served model: chat-a answers
// Paris, chat-b Lyon, and the grader scores Paris 9/10 and anything else 2/10. The grader's tokens are
// mull's own spending, counted in /metrics under its model.

let fake: FakeOpenAIServer;
let assembled: AssembledServer;
let running: RunningServer;

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) => {
      const model = request.body?.model;
      const text = JSON.stringify(request.body?.messages ?? request.body?.prompt ?? "");
      const reply =
        model === "grader"
          ? text.includes("#### Paris")
            ? "Right.\nScore: 9/10"
            : "Wrong.\nScore: 2/10"
          : model === "chat-a"
            ? "The capital is Paris.\n#### Paris"
            : "The capital is Lyon.\n#### Lyon";
      return {
        choices: Array.from({ length: request.n }, () => reply),
        usage: { promptTokens: 5, completionTokens: model === "grader" ? 4 : 9 },
      };
    },
  });
  const config = parseServerConfig({
    upstreams: [
      {
        name: "up",
        baseUrl: fake.url,
        allowedNetworks: ["127.0.0.1/32"],
        models: [{ name: "chat-a" }, { name: "chat-b" }, { name: "grader" }],
      },
    ],
    routes: [{ name: "auto", models: ["chat-a", "chat-b"], policy: "ucb", judge: "grader" }],
  });
  assembled = await assembleServer(config, { logger: pino({ level: "silent" }) });
  running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(1_000);
  await assembled?.dispose();
  await fake?.close();
});

function sample(text: string, metric: string, labels: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${metric}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("a bandit route with a judge", () => {
  it("rewards by the judge's verdict, prefers the model it grades higher, and counts the judge's tokens", async () => {
    const servedBy: string[] = [];
    for (let round = 0; round < 12; round += 1) {
      const response = await fetch(`${running.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "auto",
          messages: [{ role: "user", content: "What is the capital of France?" }],
        }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { mull: { served_by: string } };
      servedBy.push(body.mull.served_by);
    }
    const preferred = servedBy.filter((name) => name === "chat-a").length;
    expect(preferred).toBeGreaterThan(servedBy.length / 2);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    const judged = (model: string) =>
      sample(metrics, "mull_route_outcomes_total", `route="auto",model="${model}",source="judge"`) ?? 0;
    expect(judged("chat-a") + judged("chat-b")).toBe(12);
    // One judge call per request: 4 completion tokens each, under the grader's own model.
    expect(sample(metrics, "mull_tokens_total", `upstream="up",kind="completion",model="grader"`)).toBe(48);
    expect(sample(metrics, "mull_route_mean_reward", `route="auto",model="chat-a"`)).toBeCloseTo(0.9);
  });
});
