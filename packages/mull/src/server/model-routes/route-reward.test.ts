import { describe, expect, it } from "vitest";
import { answerFormatByName } from "../../answers/index.ts";
import { ConfigError } from "../../errors/index.ts";
import { llmJudgeScorer, programmaticScorer } from "../../scoring/index.ts";
import type { GenerationRequest, OutcomeScorer } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { parseServerConfig } from "../config/index.ts";
import type { RequestOutcome, RequestPlan } from "../requests/index.ts";
import { buildModelRoutes } from "./model-routes.ts";
import { routeReward } from "./route-reward.ts";

const problem = { question: "What is the capital of France?" };

/** The parts of a plan `routeReward` reads: the served model's checker, the problem and its answer format. */
function planWith(checker: OutcomeScorer | undefined): RequestPlan {
  return {
    served: { profile: { outcomeScorer: checker } },
    problem,
    answerFormat: answerFormatByName("exact"),
  } as unknown as RequestPlan;
}

function outcomeOf(text: string, votes?: Record<string, number>): RequestOutcome {
  return {
    choices: [{ text, finishReason: "stop" }],
    usage: { promptTokens: 1, completionTokens: 1, calls: 1 },
    report:
      votes === undefined ? undefined : ({ answer: "Paris", votes } as unknown as RequestOutcome["report"]),
  } as RequestOutcome;
}

function textOf(request: GenerationRequest): string {
  return request.prompt.kind === "text"
    ? request.prompt.text
    : request.prompt.messages.map((message) => message.content).join("\n");
}

/** A judge that gives 9/10 to a solution saying Paris, 2/10 to any other, and no verdict to "mumble". */
function scriptedJudge() {
  const backend = createScriptedBackend({
    model: "grader",
    respond: (request) => {
      const text = textOf(request);
      if (text.includes("mumble")) return "I cannot tell.";
      return text.includes("#### Paris") ? "Right.\nScore: 9/10" : "Wrong.\nScore: 2/10";
    },
  });
  return { backend, judge: llmJudgeScorer({ backend }) };
}

describe("routeReward with a judge", () => {
  it("takes the judge's verdict when the model has no checker, before the vote share", async () => {
    const { backend, judge } = scriptedJudge();
    const right = await routeReward(
      planWith(undefined),
      outcomeOf("#### Paris", { Paris: 1, Lyon: 3 }),
      judge,
    );
    expect(right).toMatchObject({ reward: 0.9, source: "judge" });
    // What asking the judge cost comes back, for /metrics to count under the judge's model.
    expect(right.judgeUsage?.calls).toBe(1);
    expect(Number(right.judgeUsage?.completionTokens)).toBeGreaterThan(0);
    const wrong = await routeReward(planWith(undefined), outcomeOf("#### Lyon"), judge);
    expect(wrong.source).toBe("judge");
    expect(wrong.reward).toBeCloseTo(0.2);
    expect(backend.calls).toHaveLength(2);
    expect(textOf(backend.calls[0]!.request)).toContain(problem.question);
    // A reply without a verdict scores 0, as `bon@N`'s judge scores it.
    expect(await routeReward(planWith(undefined), outcomeOf("mumble"), judge)).toMatchObject({
      reward: 0,
      source: "judge",
    });
  });

  it("asks no judge when a checker applies, and asks it when the checker cannot read the problem", async () => {
    const { backend, judge } = scriptedJudge();
    const checker = programmaticScorer({
      name: "exact",
      check: (_, solution) => solution.answer === "Paris",
    });
    expect(await routeReward(planWith(checker), outcomeOf("#### Lyon"), judge)).toEqual({
      reward: 0,
      source: "checker",
    });
    expect(backend.calls).toHaveLength(0);
    const unreadable: OutcomeScorer = {
      name: "lab",
      score: async () => {
        throw new ConfigError("lab checker: not a chain", { field: "question" });
      },
    };
    expect(await routeReward(planWith(unreadable), outcomeOf("#### Paris"), judge)).toMatchObject({
      reward: 0.9,
      source: "judge",
    });
    expect(backend.calls).toHaveLength(1);
  });

  it("without a judge falls back to the vote share", async () => {
    expect(await routeReward(planWith(undefined), outcomeOf("#### Paris", { Paris: 1, Lyon: 3 }))).toEqual({
      reward: 0.25,
      source: "votes",
    });
  });
});

describe("a route's judge in the server config", () => {
  const upstream = {
    name: "vllm",
    baseUrl: "https://llm.example.com/v1",
    models: ["small", "large", "grader"],
  };

  it("builds an LLM judge on the named served model's backend", async () => {
    const config = parseServerConfig({
      upstreams: [upstream],
      routes: [{ name: "auto", models: ["small", "large"], policy: "ucb", judge: "grader" }],
    });
    const { backend } = scriptedJudge();
    const routes = buildModelRoutes(config, new Map([["grader", { backend }]]));
    const judge = routes.bandits.get("auto")?.judge;
    expect(judge?.name).toBe("judge:grader");
    const { scores } = await judge!.score(problem, [{ text: "#### Paris", answer: "Paris" }]);
    expect(scores[0]?.value).toBe(0.9);
    expect(backend.calls).toHaveLength(1);
    expect(() => buildModelRoutes(config)).toThrow(/judge "grader", which is not among the served models/);
  });

  it.each([
    [
      "a judge that is not served",
      { name: "auto", models: ["small", "large"], policy: "ucb", judge: "oracle" },
      /routes\[0\]\.judge "oracle" is not a served model; served: small, large, grader/,
    ],
    [
      "a judge on a strategy route",
      { name: "casc", strategy: "cascade@8:small>large", judge: "grader" },
      /routes\[0\]\.judge is for a bandit route/,
    ],
  ])("refuses %s", (_, route, message) => {
    let caught: unknown;
    try {
      parseServerConfig({ upstreams: [upstream], routes: [route] }, "serve.json");
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    expect((caught as ConfigError).message).toMatch(message);
    expect((caught as ConfigError).field).toBe("routes[0].judge");
  });
});
