import { describe, expect, it } from "vitest";
import { generateLabProblems, labProcessReward } from "../lab/index.ts";
import { solve } from "../solve.ts";
import type { Backend, GenerationRequest, ProcessRewardModel, TraceEvent } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { beamSearch } from "./beam-search.ts";
import { slipResponder } from "./slip-responder.test-support.ts";

const problem = generateLabProblems({ level: 4, count: 1, seed: 11 })[0]!;
const exact = labProcessReward();

/** What the search asked the backend for: one entry per call. */
interface Asked {
  /** A greedy look-ahead step (temperature 0). */
  readonly greedy: boolean;
  /** The prompt: the question and the path so far. */
  readonly prompt: string;
  /** Completions returned. */
  readonly completions: number;
  /** Completions that finished the solution (a `####` line). */
  readonly finals: number;
}

function promptText(request: GenerationRequest): string {
  const prompt = request.prompt;
  return prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("\n");
}

/** Runs `beam@8x2` (with `lookahead`) on a slipping lab policy, recording each call. */
async function recordedBeamSearch(lookahead: number, prm: ProcessRewardModel = exact) {
  const scripted = createScriptedBackend({ respond: slipResponder({ slip: 0.4 }) });
  const asked: Asked[] = [];
  const backend: Backend = {
    ...scripted,
    generate: async (request, options) => {
      const result = await scripted.generate(request, options);
      asked.push({
        greedy: request.temperature === 0,
        prompt: promptText(request),
        completions: result.completions.length,
        finals: result.completions.filter((completion) => completion.text.includes("####")).length,
      });
      return result;
    },
  };
  const result = await solve({
    problem,
    strategy: beamSearch({ n: 8, width: 2, lookahead, prm }),
    backend,
    seed: 1,
    sampling: { temperature: 1 },
  });
  return { result, asked };
}

function generationText(trace: readonly TraceEvent[], id: string): string | undefined {
  const event = trace.find((entry) => entry.id === id);
  return event?.type === "generation" ? event.text : undefined;
}

describe("runGroupedBeams", () => {
  it("never keeps a complete solution as a beam, nor extends one", async () => {
    const { result, asked } = await recordedBeamSearch(0);
    // Some solutions did finish along the way: the check below had complete ones to leave out.
    expect(asked.some((entry) => entry.finals > 0)).toBe(true);
    expect(asked.filter((entry) => entry.prompt.includes("####"))).toEqual([]);
    const kept = result.trace.flatMap((event) => (event.type === "selection" ? event.chosen : []));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((id) => generationText(result.trace, id)?.includes("####") === true)).toEqual([]);
  });

  it("with a look-ahead of 1 rolls each open candidate exactly one greedy step before ranking", async () => {
    const { asked } = await recordedBeamSearch(1);
    const greedy = asked.filter((entry) => entry.greedy);
    const rolled = greedy.reduce((sum, entry) => sum + entry.completions, 0);
    const open = asked
      .filter((entry) => !entry.greedy)
      .reduce((sum, entry) => sum + entry.completions - entry.finals, 0);
    expect(open).toBeGreaterThan(0);
    // One greedy completion per sampled candidate that did not finish; none rolled further.
    expect(rolled).toBe(open);
    expect(greedy.every((entry) => entry.completions === 1)).toBe(true);
  });

  it("keeps the earliest candidates when their values tie", async () => {
    const flat: ProcessRewardModel = {
      name: "flat",
      score: async (_problem, solutions) => ({
        results: solutions.map((steps) => ({ rewards: steps.map(() => 0.5) })),
        calls: 0,
      }),
    };
    const { result } = await recordedBeamSearch(0, flat);
    const first = result.trace.find((event) => event.type === "selection");
    if (first?.type !== "selection") throw new Error("the search recorded no selection");
    const ranked = new Set([...first.chosen, ...first.dropped]);
    const sampled = result.trace.filter((event) => ranked.has(event.id)).map((event) => event.id);
    // 8 / 2 = 4 beams kept: the first 4 candidates sampled, in order.
    expect(first.chosen).toEqual(sampled.slice(0, 4));
    expect(first.dropped.length).toBeGreaterThan(0);
  });

  it("with a look-ahead ranks each candidate by the value of its look-ahead tip, not by its own", async () => {
    // A PRM that rewards step i with 1 / (i + 2): a one-step path is worth 1/2, its two-step tip 1/3.
    const byDepth: ProcessRewardModel = {
      name: "by-depth",
      score: async (_problem, solutions) => ({
        results: solutions.map((steps) => ({ rewards: steps.map((_, index) => 1 / (index + 2)) })),
        calls: 0,
      }),
    };
    const { result } = await recordedBeamSearch(1, byDepth);
    const first = result.trace.find((event) => event.type === "selection");
    if (first?.type !== "selection") throw new Error("the search recorded no selection");
    expect(first.weights).toHaveLength(4);
    for (const weight of first.weights ?? []) expect(weight).toBeCloseTo(1 / 3, 12);
  });
});
