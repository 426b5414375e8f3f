import { describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { CapabilityError, type ConfigError } from "../errors/index.ts";
import { labProcessReward } from "../lab/index.ts";
import { programmaticScorer } from "../scoring/index.ts";
import { solve } from "../solve.ts";
import type { GenerationRequest, NoteEvent, Problem, TraceEvent } from "../spec/index.ts";
import { findStrategyEntry, parseStrategySpec } from "../strategies/index.ts";
import { createScriptedBackend, startFakeOpenAIServer } from "../testing/index.ts";
import { usageByModel } from "../trace/index.ts";
import { architecture } from "./architecture.ts";

const problem: Problem = { question: "What is 6 × 7?", gold: "42" };
const checker = programmaticScorer({
  name: "checker",
  check: (scored, solution) => solution.answer === scored.gold,
});

function notes(trace: readonly TraceEvent[]): string[] {
  return trace.filter((event): event is NoteEvent => event.type === "note").map((event) => event.message);
}

/** The text of a request's prompt: a text prompt's, or every chat message's joined. */
function promptText(request: GenerationRequest): string {
  return request.prompt.kind === "text"
    ? request.prompt.text
    : request.prompt.messages.map((message) => message.content).join("\n");
}

describe("architecture", () => {
  it("answers by a vote over the candidates its verifier accepts, where a plain vote would not", async () => {
    const responses = ["#### 41", "#### 41", "#### 42", "#### 41"];
    const verified = await solve({
      problem,
      strategy: architecture({ layers: "gen@4+verify+vote", scorer: checker }),
      backend: createScriptedBackend({ responses }),
    });
    expect(verified.answer).toBe("42");
    expect(verified.candidates).toHaveLength(4);
    expect(verified.candidates.every((candidate) => candidate.scores.length === 1)).toBe(true);
    expect(verified.votes).toEqual({ "42": 1 });
    expect(notes(verified.trace)).toEqual([
      "gen@4+verify+vote: layer 1 gen@4: 0 → 4 candidates",
      "gen@4+verify+vote: layer 2 verify: 4 → 1 candidates",
      "gen@4+verify+vote: layer 3 vote: 1 → 1 candidates",
    ]);
    const plain = await solve({ problem, strategy: "sc@4", backend: createScriptedBackend({ responses }) });
    expect(plain.answer).toBe("41");
  });

  it("keeps the whole pool, and says so, when its verifier accepts nothing", async () => {
    const result = await solve({
      problem: { ...problem, gold: "43" },
      strategy: architecture({ layers: "gen@3+verify+vote", scorer: checker }),
      backend: createScriptedBackend({ responses: ["#### 41", "#### 42", "#### 42"] }),
    });
    expect(result.answer).toBe("42");
    expect(notes(result.trace)).toContain(
      "gen@3+verify+vote: verify passed none of 3 candidates at 0.5; keeping them all",
    );
  });

  it("ranks by score, keeping the best K in order, and scores each candidate once across layers", async () => {
    const seen: string[] = [];
    const graded = programmaticScorer({
      name: "grade",
      check: (_problem, solution) => {
        seen.push(solution.text);
        return Number(solution.answer) / 10;
      },
    });
    const result = await solve({
      problem,
      strategy: architecture({ layers: "gen@4+verify@0.15+rank@2+first", scorer: graded }),
      backend: createScriptedBackend({ responses: ["#### 1", "#### 3", "#### 2", "#### 4"] }),
    });
    expect(seen).toHaveLength(4);
    expect(result.answer).toBe("4");
    expect(result.votes).toEqual({ "4": 1 });
    expect(notes(result.trace)).toContain("gen@4+verify@0.15+rank@2+first: layer 3 rank@2: 3 → 2 candidates");
  });

  it("ranks by mean token log-probability, and refuses a backend that reports none", async () => {
    const responses = [
      { text: "#### 5", logprob: -4 },
      { text: "#### 6", logprob: -0.2 },
      { text: "#### 7", logprob: -2 },
    ];
    const result = await solve({
      problem,
      strategy: "gen@3+rank-lp@1+first",
      backend: createScriptedBackend({ responses }),
    });
    expect(result.answer).toBe("6");
    await expect(
      solve({
        problem,
        strategy: "gen@3+rank-lp@1+first",
        backend: createScriptedBackend({ responses, capabilities: { logprobs: false } }),
      }),
    ).rejects.toSatisfy(
      (error) =>
        CapabilityError.isInstance(error) &&
        (error as Error).message.startsWith("gen@3+rank-lp@1+first: layer 1 gen@3: ") &&
        /logprobs/.test((error as Error).message),
    );
  });

  it("fuses the pool with its critiques into new candidates that replace it", async () => {
    const requests: GenerationRequest[] = [];
    const backend = createScriptedBackend({
      respond: (request) => {
        requests.push(request);
        const text = promptText(request);
        if (text.includes("careful reviewer"))
          return `The step giving ${/#### (\d+)/.exec(text)?.[1]} is wrong.`;
        if (text.includes("candidate solutions")) return "6 × 7 = 42\n#### 42";
        return "6 × 7 = 41\n#### 41";
      },
    });
    const result = await solve({ problem, strategy: "gen@3+critique+fuse@2+vote", backend });
    expect(result.answer).toBe("42");
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["41", "41", "41", "42", "42"]);
    const critiques = requests.filter((request) => promptText(request).includes("careful reviewer"));
    expect(critiques).toHaveLength(3);
    expect(critiques.every((request) => request.temperature === 0)).toBe(true);
    const fusion = requests.find((request) => promptText(request).includes("candidate solutions"))!;
    const fused = promptText(fusion);
    expect(fused).toContain("You have been given 3 candidate solutions");
    expect(fused).toContain(
      "Solution 3:\n6 × 7 = 41\n#### 41\nCritique of solution 3:\nThe step giving 41 is wrong.",
    );
    // The problem's own prompt follows, so the fused answer keeps its form.
    expect(fused).toContain(problem.question);
    expect(result.votes).toEqual({ "42": 2 });
  });

  it("critiques and fuses over HTTP: chat requests carry the candidates, and the fused answer wins", async () => {
    const server = await startFakeOpenAIServer({
      handler: (request) => {
        if (request.prompt.includes("careful reviewer")) return "The last step is wrong.";
        if (request.prompt.includes("candidate solutions")) return { choices: ["6 × 7 = 42\n#### 42"] };
        return {
          choices: Array.from({ length: request.n }, (_, index) => `6 × 7 = 4${index}\n#### 4${index}`),
        };
      },
    });
    try {
      const backend = createOpenAICompatibleBackend({
        baseUrl: server.url,
        model: "fake-model",
        capabilities: { n: true },
      });
      const result = await solve({ problem, strategy: "gen@3+critique+fuse@1+first", backend });
      expect(result.answer).toBe("42");
      const fusion = server.requests.find((request) => request.prompt.includes("candidate solutions"))!;
      expect(fusion.endpoint).toBe("chat");
      const messages = fusion.body?.messages as { role: string; content: string }[];
      expect(messages[0]!.role).toBe("system");
      for (const answer of ["40", "41", "42"])
        expect(messages[0]!.content).toContain(`#### ${answer}\nCritique of solution`);
      expect(messages.at(-1)!.content).toContain(problem.question);
      expect(server.requests.filter((request) => request.prompt.includes("careful reviewer"))).toHaveLength(
        3,
      );
    } finally {
      await server.close();
    }
  });

  it("ensembles the models its layers name, and reports usage per model", async () => {
    const resolveModel = (name: string) =>
      createScriptedBackend({ responses: [name === "small" ? "#### 41" : "#### 42"], model: name });
    const strategy = parseStrategySpec("gen@2(small)+gen@3(large)+vote", { resolveModel });
    expect(strategy.samples).toBe(5);
    const result = await solve({
      problem,
      strategy,
      backend: createScriptedBackend({ responses: ["#### 0"] }),
    });
    expect(result.answer).toBe("42");
    expect(result.candidates.map((candidate) => candidate.model)).toEqual([
      "small",
      "small",
      "large",
      "large",
      "large",
    ]);
    expect(Object.keys(usageByModel(result.trace)).sort()).toEqual(["large", "small"]);
  });

  it("when the budget runs out, skips the layers left and answers over the pool it has", async () => {
    const backend = createScriptedBackend({ responses: ["#### 41", "#### 41", "#### 42"] });
    const result = await solve({
      problem,
      strategy: architecture({ layers: "gen@2+gen@2+verify+vote", scorer: checker }),
      backend,
      budget: { maxCalls: 1 },
    });
    expect(result).toMatchObject({ answer: "41", partial: true, stoppedBy: "calls" });
    expect(result.candidates).toHaveLength(2);
    expect(notes(result.trace).at(-1)).toBe(
      "gen@2+gen@2+verify+vote: layer 2 gen@2: 2 → 2 candidates, stopped by calls",
    );
  });

  it("leaves the pool as it was when the budget stops a fuse layer before it writes anything", async () => {
    const result = await solve({
      problem,
      strategy: architecture({ layers: "gen@3+fuse@1+vote" }),
      backend: createScriptedBackend({ responses: ["#### 42", "#### 42", "#### 41", "#### 7"] }),
      budget: { maxCalls: 1 },
    });
    expect(result).toMatchObject({ answer: "42", partial: true, stoppedBy: "calls" });
    expect(result.votes).toEqual({ "42": 2, "41": 1 });
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["42", "42", "41"]);
  });

  it("passes a candidate whose score equals the verify threshold", async () => {
    const result = await solve({
      problem,
      strategy: architecture({ layers: "gen@4+verify@1+vote", scorer: checker }),
      backend: createScriptedBackend({ responses: ["#### 41", "#### 41", "#### 42", "#### 41"] }),
    });
    expect(result.answer).toBe("42");
    expect(result.votes).toEqual({ "42": 1 });
    expect(notes(result.trace)).toContain("gen@4+verify@1+vote: layer 2 verify@1: 4 → 1 candidates");
  });

  it("is deterministic under a seed, and draws other samples under another", async () => {
    const run = (seed: number) =>
      solve({
        problem,
        strategy: architecture({ layers: "gen@6+rank@3+vote", scorer: checker }),
        backend: createScriptedBackend({ answers: { distribution: { "41": 0.5, "42": 0.3, "43": 0.2 } } }),
        seed,
      });
    const texts = (result: Awaited<ReturnType<typeof run>>) =>
      result.candidates.map((candidate) => candidate.text);
    const [first, second, other] = [await run(5), await run(5), await run(6)];
    expect(texts(first)).toHaveLength(6);
    expect(texts(second)).toEqual(texts(first));
    expect(second.answer).toBe(first.answer);
    expect(texts(other)).not.toEqual(texts(first));
  });

  it("refuses layers whose scorer, process reward model or model was not given, naming the layer", () => {
    const refusal = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return { field: (error as ConfigError).field, message: (error as Error).message };
      }
      throw new Error("accepted");
    };
    expect(refusal(() => architecture({ layers: "gen@4+verify" }))).toEqual({
      field: "scorer",
      message:
        "gen@4+verify: layer 2 (verify) needs an outcome scorer (a checker, a judge or a reward model); pass scorer",
    });
    expect(refusal(() => architecture({ layers: "gen@4+test+vote", scorer: checker })).field).toBe("prm");
    expect(refusal(() => architecture({ layers: "gen@4(big)" })).message).toContain(
      'layer 1 (gen@4(big)) names the model "big", which is not among the models given (none)',
    );
    expect(refusal(() => parseStrategySpec("gen@4+rank-prm@1")).field).toBe("prm");
    expect(refusal(() => parseStrategySpec("gen@4(big)+vote")).message).toContain("pass resolveModel");
    expect(refusal(() => architecture({ layers: "gen@4+critique+fuse@1", concurrency: 0 }))).toEqual({
      field: "concurrency",
      message: "architecture: concurrency must be an integer ≥ 1, got 0",
    });
    expect(refusal(() => architecture({ layers: "gen@4+critique+fuse@1", critiqueTokens: 1.5 })).field).toBe(
      "critiqueTokens",
    );
    expect(architecture({ layers: "gen@4+test+vote", prm: labProcessReward() }).name).toBe("gen@4+test+vote");
  });
});

describe("architectures in the strategy catalog", () => {
  it("stand for an entry of their own, with the canonical spec, the needs of their layers and their models", () => {
    const match = findStrategyEntry(" GEN@4(Small)+Verify+rank-prm@2+rank-lp@1 ");
    expect(match?.form).toBe("gen@4(Small)+verify+rank-prm@2+rank-lp@1");
    expect(match?.entry.kind).toBe("composition");
    expect(match?.entry.needs).toEqual(["scorer", "prm", "logprobs"]);
    expect(match?.entry.namedModels).toEqual(["Small"]);
    expect(findStrategyEntry("gen@8")?.entry.needs).toEqual([]);
    expect(() => findStrategyEntry("gen@8+sort")).toThrow(/layer 2 is "sort"/);
  });

  it("size a run by every generation its layers plan: samples, critiques and fused solutions", () => {
    expect(parseStrategySpec("gen@8+critique+fuse@2+vote").samples).toBe(18);
    expect(parseStrategySpec("gen@8+rank@3+critique+fuse@1", { scorer: checker }).samples).toBe(12);
  });
});
