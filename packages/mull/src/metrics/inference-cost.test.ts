import { describe, expect, it } from "vitest";
import type { ModelArchitecture } from "../spec/index.ts";
import {
  cacheBytesPerToken,
  idealizedSeconds,
  type MachinePerformance,
  sequenceFlops,
  tokenBytes,
  tokenFlops,
  weightBytes,
} from "./inference-cost.ts";

// Hand-sized model: 2·N = 2000 FLOPs per token, attention 2·layers·embedding = 32 FLOPs per context token.
const grouped: ModelArchitecture = {
  parameters: 1000,
  layers: 2,
  embedding: 8,
  heads: 2,
  keyValueHeads: 1,
  weightBytes: 500,
};
const plain: ModelArchitecture = { parameters: 1000, layers: 2, embedding: 8, weightBytes: 500 };

/** The roofline summed token by token, to check the closed form against. */
function bruteDecode(
  architecture: ModelArchitecture,
  prompt: number,
  completion: number,
  machine: MachinePerformance,
) {
  let total = 0;
  for (let t = prompt + 1; t <= prompt + completion; t += 1) {
    total += Math.max(
      tokenFlops(architecture, t) / machine.flopsPerSecond,
      tokenBytes(architecture, t) / machine.bytesPerSecond,
    );
  }
  return total;
}

describe("inference cost", () => {
  it("counts 2·N plus attention over the context per token", () => {
    expect(tokenFlops(plain, 10)).toBe(2000 + 2 * 2 * 10 * 8);
    expect(tokenFlops(plain, 0)).toBe(2000);
  });

  it("sums prompt positions 1..p and completion positions p+1..p+c", () => {
    // prefill 2000·3 + 32·(1+2+3); decode 2000·2 + 32·(4+5)
    expect(sequenceFlops(plain, { promptTokens: 3, completionTokens: 2 })).toEqual({
      prefill: 6192,
      decode: 4288,
      total: 10_480,
    });
    expect(sequenceFlops(plain, { promptTokens: 0, completionTokens: 0 }).total).toBe(0);
  });

  it("reads the weights and the cache of the context per token", () => {
    expect(weightBytes(plain)).toBe(500);
    expect(weightBytes({ parameters: 1000, layers: 2, embedding: 8 })).toBe(2000);
    // 2 (key, value) · 2 layers · 8 wide · 2 bytes; grouped-query attention halves the width.
    expect(cacheBytesPerToken(plain)).toBe(64);
    expect(cacheBytesPerToken(grouped)).toBe(32);
    expect(cacheBytesPerToken(plain, { cacheBytesPerValue: 4 })).toBe(128);
    expect(tokenBytes(grouped, 10)).toBe(500 + 320);
  });

  it("takes the compute side when FLOPs dominate", () => {
    const machine = { flopsPerSecond: 1000, bytesPerSecond: 1000 };
    const time = idealizedSeconds(grouped, { promptTokens: 3, completionTokens: 2 }, machine);
    expect(time.prefill).toBeCloseTo(6.192, 12); // max(6192/1000, (500 + 3·32)/1000)
    expect(time.decode).toBeCloseTo(2.128 + 2.16, 12);
    expect(time.total).toBeCloseTo(10.48, 12);
  });

  it("decodes several sequences side by side: their FLOPs add up, the weights are read once per step", () => {
    const tokens = { promptTokens: 3, completionTokens: 2, sequences: 4 };
    // The prompt once (6192), then four completions at positions 4 and 5 (4 · 4288).
    expect(sequenceFlops(plain, tokens)).toEqual({ prefill: 6192, decode: 4 * 4288, total: 6192 + 4 * 4288 });
    // Memory-bound: each step reads 500 bytes of weights and 4 caches of 64 bytes per context token,
    // (500 + 4·64·4)/10 + (500 + 4·64·5)/10 = 152.4 + 178; four sequences alone would take 4 · (75.6 + 82).
    const slowMemory = { flopsPerSecond: 1e6, bytesPerSecond: 10 };
    expect(idealizedSeconds(plain, tokens, slowMemory).decode).toBeCloseTo(152.4 + 178, 9);
    expect(4 * bruteDecode(plain, 3, 2, slowMemory)).toBeCloseTo(4 * (75.6 + 82), 9);
    // Compute-bound: four times one sequence's FLOPs.
    const slowCompute = { flopsPerSecond: 1000, bytesPerSecond: 1e9 };
    expect(idealizedSeconds(plain, tokens, slowCompute).decode).toBeCloseTo((4 * 4288) / 1000, 9);
    expect(idealizedSeconds(plain, { ...tokens, sequences: 1 }, slowCompute)).toEqual(
      idealizedSeconds(plain, { promptTokens: 3, completionTokens: 2 }, slowCompute),
    );
  });

  it("takes the memory side when bytes dominate", () => {
    const machine = { flopsPerSecond: 1000, bytesPerSecond: 100 };
    const time = idealizedSeconds(grouped, { promptTokens: 3, completionTokens: 2 }, machine);
    expect(time.prefill).toBeCloseTo(6.192, 12); // max(6.192, 5.96)
    expect(time.decode).toBeCloseTo(6.28 + 6.6, 12); // (500 + 32·4)/100 + (500 + 32·5)/100
  });

  it("switches sides where the lines cross inside the completion", () => {
    // compute (2000 + 32t)/1000, memory (500 + 64t)/1000: they cross at t = 46.875.
    const machine = { flopsPerSecond: 1000, bytesPerSecond: 1000 };
    const time = idealizedSeconds(plain, { promptTokens: 45, completionTokens: 4 }, machine);
    expect(time.decode).toBeCloseTo(3.472 + 3.508 + 3.572 + 3.636, 12);
    for (const [prompt, completion, bytesPerSecond] of [
      [0, 30, 1000],
      [10, 100, 700],
      [60, 5, 1000],
      [1, 200, 2500],
    ] as const) {
      const rates = { flopsPerSecond: 1000, bytesPerSecond };
      expect(
        idealizedSeconds(plain, { promptTokens: prompt, completionTokens: completion }, rates).decode,
      ).toBeCloseTo(bruteDecode(plain, prompt, completion, rates), 9);
    }
  });

  it("costs nothing for an empty sequence", () => {
    const time = idealizedSeconds(
      plain,
      { promptTokens: 0, completionTokens: 0 },
      { flopsPerSecond: 1, bytesPerSecond: 1 },
    );
    expect(time).toEqual({ prefill: 0, decode: 0, total: 0 });
  });
});
