import { describe, expect, it } from "vitest";
import { parseReplayStrategies, parseReplayStrategy } from "./replay-strategy.ts";

describe("parseReplayStrategy", () => {
  it("reads kind and k", () => {
    expect(parseReplayStrategy(" wv-prob@16 ")).toEqual({ name: "wv-prob@16", kind: "wv-prob", k: 16 });
    expect(parseReplayStrategies("maj@40, rm@8,,mean@1").map((strategy) => strategy.name)).toEqual([
      "maj@40",
      "rm@8",
      "mean@1",
    ]);
  });

  it("names the flag and the value when a spec is malformed", () => {
    expect(() => parseReplayStrategy("maj@0")).toThrow(/--strategies: "maj@0" is not a replay strategy/);
    expect(() => parseReplayStrategy("vote@3")).toThrow(/"vote@3".*maj, rm, bon, wv, wv-prob, mean, pass/);
    expect(() => parseReplayStrategy("maj8")).toThrow(/"maj8"/);
    expect(() => parseReplayStrategies(" , ")).toThrow(/--strategies: no strategies/);
  });

  it("reads the parallel kinds: pprobe@WsS[dD][:q<share>] and pasc@W[fF][:t<threshold>]", () => {
    expect(parseReplayStrategy("pprobe@32s6")).toEqual({
      name: "pprobe@32s6",
      kind: "pprobe",
      k: 32,
      rounds: 6,
      share: 0,
    });
    expect(parseReplayStrategy("pprobe@64s8d4:q0.8")).toEqual({
      name: "pprobe@64s8d4:q0.8",
      kind: "pprobe",
      k: 64,
      rounds: 8,
      share: 0.8,
      pruneAfter: 4,
    });
    expect(parseReplayStrategy("pasc@24f12")).toEqual({
      name: "pasc@24f12",
      kind: "pasc",
      k: 24,
      quorum: 12,
      threshold: 0.95,
    });
    expect(parseReplayStrategy("pasc@24:t0.9")).toEqual({
      name: "pasc@24:t0.9",
      kind: "pasc",
      k: 24,
      threshold: 0.9,
    });
    // pprobe needs its rounds; rounds, pruning and shares belong to pprobe, quorums to pasc.
    expect(() => parseReplayStrategy("pprobe@32")).toThrow(/"pprobe@32" is not a replay strategy/);
    expect(() => parseReplayStrategy("pprobe@32s6:t0.9")).toThrow(/is not a replay strategy/);
    expect(() => parseReplayStrategy("pprobe@32s6f4")).toThrow(/is not a replay strategy/);
    expect(() => parseReplayStrategy("pasc@24s6")).toThrow(/is not a replay strategy/);
    expect(() => parseReplayStrategy("asc@24f12")).toThrow(/is not a replay strategy/);
    expect(() => parseReplayStrategy("maj@8:q0.5")).toThrow(/pprobe@<k>s<rounds>\[d<rounds>\]\[:q<share>\]/);
    expect(() => parseReplayStrategy("pasc@8f12")).toThrow(
      /--strategies: pasc@8f12: quorum must be an integer ≤ 8, got 12/,
    );
    expect(() => parseReplayStrategy("pprobe@8s2:q1.5")).toThrow(
      /--strategies: pprobe@8s2:q1.5: share must be/,
    );
  });

  it("reads the cascades as the strategy catalog spells them: cascade@N[xM][tT] and cascade-mass@N[xM][g]", () => {
    expect(parseReplayStrategy("cascade@4x8t1")).toEqual({
      name: "cascade@4x8t1",
      kind: "cascade",
      k: 4,
      escalationK: 8,
      threshold: 1,
    });
    // The large stage defaults to the small one's k, the agreement to the live cascade's 0.75.
    expect(parseReplayStrategy("cascade@8")).toEqual({
      name: "cascade@8",
      kind: "cascade",
      k: 8,
      escalationK: 8,
      threshold: 0.75,
    });
    expect(parseReplayStrategy("cascade-mass@2x8")).toEqual({
      name: "cascade-mass@2x8",
      kind: "cascade-mass",
      k: 2,
      escalationK: 8,
    });
    expect(parseReplayStrategy("cascade-mass@2x8g")).toEqual({
      name: "cascade-mass@2x8g",
      kind: "cascade-mass",
      k: 2,
      escalationK: 8,
      greedyFirst: true,
    });
    expect(parseReplayStrategy("cascade-mass@4g")).toMatchObject({ k: 4, escalationK: 4, greedyFirst: true });
    expect(() => parseReplayStrategy("cascade@4x8g")).toThrow(
      /--strategies: cascade@4x8g: only cascade-mass opens with greedy traces/,
    );
    expect(() => parseReplayStrategy("cascade-mass@2x8t0.5")).toThrow(
      /--strategies: cascade-mass@2x8t0.5: cascade-mass escalates on its certificate and takes no agreement threshold/,
    );
    expect(() => parseReplayStrategy("cascade@4t1.5")).toThrow(
      /--strategies: cascade@4t1.5: threshold must be/,
    );
    expect(() => parseReplayStrategy("cascade@0x8")).toThrow(/"cascade@0x8" is not a replay strategy/);
  });

  it("reads mass@kg, opening with the greedy trace, for mass alone", () => {
    expect(parseReplayStrategy("mass@8g")).toEqual({
      name: "mass@8g",
      kind: "mass",
      k: 8,
      unexploredWeight: 1,
      greedyFirst: true,
    });
    expect(parseReplayStrategy("mass@8g:u0.5")).toMatchObject({ unexploredWeight: 0.5, greedyFirst: true });
    expect(parseReplayStrategy("mass@8").greedyFirst).toBeUndefined();
    expect(() => parseReplayStrategy("maj@8g")).toThrow(/"maj@8g" is not a replay strategy; .*mass@<k>\[g\]/);
  });

  it("reads accept@k with the verifier threshold, 0.5 by default", () => {
    expect(parseReplayStrategy("accept@8")).toEqual({
      name: "accept@8",
      kind: "accept",
      k: 8,
      threshold: 0.5,
    });
    expect(parseReplayStrategy("accept@8:t0.9").threshold).toBe(0.9);
    expect(() => parseReplayStrategy("accept@8:t1.5")).toThrow(/accept@8:t1.5: threshold must be/);
    expect(() => parseReplayStrategy("accept@8w2")).toThrow(/"accept@8w2" is not a replay strategy/);
  });
});
