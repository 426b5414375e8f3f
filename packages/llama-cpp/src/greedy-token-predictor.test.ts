import { type LlamaContextSequence, type Token, TokenPredictor } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { GreedyTokenPredictor } from "./greedy-token-predictor.ts";

/** Records its calls; its first prediction never resolves (as node-llama-cpp's draft predictor sometimes does). */
class ScriptedPredictor extends TokenPredictor {
  readonly calls: string[] = [];
  #asked = 0;
  override reset(): void {
    this.calls.push("reset");
  }
  override pushTokens(tokens: Token[]): void {
    this.calls.push(`push ${tokens.join(",")}`);
  }
  override predictTokens(): Token[] | Promise<Token[]> {
    this.#asked += 1;
    if (this.#asked === 1) return new Promise<Token[]>(() => undefined);
    return [7 as Token, 8 as Token];
  }
}

const reset = (predictor: TokenPredictor, temperature: number | undefined) =>
  predictor.reset({
    targetSequence: {} as LlamaContextSequence,
    stateTokens: [1 as Token],
    evaluateOptions: temperature === undefined ? {} : { temperature },
  });

describe("GreedyTokenPredictor", () => {
  it("predicts for greedy evaluations, asking again when a wait is never answered", async () => {
    const inner = new ScriptedPredictor();
    const predictor = new GreedyTokenPredictor(inner);
    await reset(predictor, 0);
    predictor.pushTokens([3 as Token]);
    expect(await predictor.predictTokens()).toEqual([7, 8]);
    expect(inner.calls).toEqual(["reset", "push 3"]);
  });

  it("stays idle for sampled evaluations and evaluations without sampling", async () => {
    const inner = new ScriptedPredictor();
    const predictor = new GreedyTokenPredictor(inner);
    for (const temperature of [1, undefined]) {
      await reset(predictor, temperature);
      predictor.pushTokens([3 as Token]);
      expect(predictor.predictTokens()).toEqual([]);
    }
    expect(inner.calls).toEqual([]);
  });
});
