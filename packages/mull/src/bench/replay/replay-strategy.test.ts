import { describe, expect, it } from "vitest";
import { exactAnswerFormat } from "../../answers/index.ts";
import { ConfigError } from "../../errors/index.ts";
import { evaluateReplay } from "./evaluate-replay.ts";
import { gradeReplay } from "./grade-replay.ts";
import type { ReplaySample } from "./replay-dataset.ts";
import { parseReplayStrategies, parseReplayStrategy } from "./replay-strategy.ts";

/** A recorded sample: its answer, tokens, reward, probe answers (10 tokens apart) and a text of its own. */
function sample(answer: string, tokens: number, reward: number, probes: readonly string[]): ReplaySample {
  return {
    answer,
    text: `trace ${answer} ${tokens} ${reward}`,
    completionTokens: tokens,
    logprob: -2,
    reward,
    intermediateAnswers: probes,
  };
}

/** Three problems whose outcomes move with every threshold (t, q, u) the specs below set. */
const graded = gradeReplay(
  [
    {
      id: "a",
      gold: "7",
      probeInterval: 10,
      location: "test.jsonl:1",
      samples: [
        sample("7", 40, 0.4, ["3", "7", "7"]),
        sample("9", 20, 0.35, ["9"]),
        sample("7", 30, 0.9, ["7", "7"]),
        sample("7", 50, 0.6, ["3", "3", "7", "7"]),
        sample("9", 10, 0.2, []),
        sample("7", 60, 0.7, ["7", "9", "7", "7", "7"]),
      ],
    },
    {
      id: "b",
      gold: "5",
      probeInterval: 10,
      location: "test.jsonl:2",
      samples: [
        sample("6", 25, 0.45, ["6", "6"]),
        sample("5", 35, 0.8, ["5", "6", "5"]),
        sample("5", 15, 0.3, ["5"]),
        sample("6", 45, 0.55, ["6", "5", "5", "6"]),
        sample("5", 55, 0.65, ["5", "5", "5", "5", "5"]),
        sample("5", 20, 0.1, ["5"]),
      ],
    },
    {
      id: "c",
      gold: "2",
      probeInterval: 10,
      location: "test.jsonl:3",
      samples: [
        sample("2", 30, 0.2, ["2", "2"]),
        sample("2", 30, 0.3, ["4", "2"]),
        sample("4", 10, 0.95, []),
        sample("2", 40, 0.5, ["2", "2", "2"]),
        sample("4", 20, 0.6, ["4"]),
        sample("2", 50, 0.4, ["2", "4", "2", "2"]),
      ],
    },
  ],
  exactAnswerFormat,
);

/** A spec's evaluation on `graded`, without the name it was given. */
function evaluated(spec: string) {
  const [evaluation] = evaluateReplay(graded, [parseReplayStrategy(spec)], { resamples: 50 });
  const { strategy: _name, ...figures } = evaluation!;
  return figures;
}

describe("parseReplayStrategy", () => {
  it("reads kind and k", () => {
    expect(parseReplayStrategy(" wv-prob@16 ")).toEqual({ name: "wv-prob@16", kind: "wv-prob", k: 16 });
    expect(parseReplayStrategies("maj@40, rm@8 ,mean@1").map((strategy) => strategy.name)).toEqual([
      "maj@40",
      "rm@8",
      "mean@1",
    ]);
  });

  it("names the flag and the value when a spec is malformed", () => {
    expect(() => parseReplayStrategy("maj@-1")).toThrow(/--strategies: "maj@-1" is not a replay strategy/);
    expect(() => parseReplayStrategy("vote@3")).toThrow(/"vote@3".*maj, rm, bon, wv, wv-prob, mean, pass/);
    expect(() => parseReplayStrategy("maj8")).toThrow(/"maj8"/);
    expect(() => parseReplayStrategies(" , ")).toThrow(/--strategies: no items/);
  });

  it("reads the parallel kinds: pprobe@WsS[dD][q<share>] and pasc@W[fF][t<threshold>]", () => {
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
    expect(() => parseReplayStrategy("maj@8:q0.5")).toThrow(/pprobe@<k>s<rounds>\[d<rounds>\]\[q<share>\]/);
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
    expect(() => parseReplayStrategy("cascade@0x8")).toThrow(
      "--strategies: cascade@0x8: k must be an integer ≥ 1, got 0",
    );
  });

  it("says what a zero count must be, as precisely as for one too large", () => {
    const cases: readonly [string, string][] = [
      ["maj@0", "maj@0: k must be an integer ≥ 1, got 0"],
      ["sc@0", "sc@0: k must be an integer ≥ 1, got 0"],
      ["asc@0t0.9", "asc@0t0.9: k must be an integer ≥ 1, got 0"],
      ["esc@64w0", "esc@64w0: window must be an integer ≥ 1, got 0"],
      ["esc@64w65", "esc@64w65: window must be an integer ≤ 64, got 65"],
      ["pasc@24f0", "pasc@24f0: quorum must be an integer ≥ 1, got 0"],
      ["pprobe@16s0", "pprobe@16s0: rounds must be an integer ≥ 1, got 0"],
      ["pprobe@16s4d0", "pprobe@16s4d0: pruneAfter must be an integer ≥ 1, got 0"],
      ["probe@64m0", "probe@64m0: agreement must be an integer ≥ 1, got 0"],
      ["probe-asc@64m0", "probe-asc@64m0: agreement must be an integer ≥ 1, got 0"],
      ["cascade@4x0", "cascade@4x0: escalationK must be an integer ≥ 1, got 0"],
      ["cascade-mass@0", "cascade-mass@0: k must be an integer ≥ 1, got 0"],
      ["deepconf@0", "deepconf@0: k must be an integer ≥ 1, got 0"],
      ["rpc@0", "rpc@0: k must be an integer ≥ 1, got 0"],
    ];
    for (const [spec, message] of cases) {
      let error: unknown;
      try {
        parseReplayStrategy(spec);
      } catch (thrown) {
        error = thrown;
      }
      expect(ConfigError.isInstance(error) && error.message).toBe(`--strategies: ${message}`);
    }
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

  // Each threshold as the strategy catalog writes it (asc@NtT, asc@NdtT, mass@NuU, mass@NguU, accept@NtT),
  // and as replay wrote it after a colon; pasc, probe-asc and pprobe, which have no live threshold, take
  // the same inline spelling.
  const spellings = [
    ["asc@6t0.6", "asc@6:t0.6", "asc@6"],
    ["asc@6dt0.6", "asc@6d:t0.6", "asc@6d"],
    ["mass@6u0", "mass@6:u0", "mass@6"],
    ["accept@6t0.85", "accept@6:t0.85", "accept@6"],
    ["pasc@6t0.6", "pasc@6:t0.6", "pasc@6"],
    ["pasc@6f5t0.6", "pasc@6f5:t0.6", "pasc@6f5"],
    ["probe-asc@6m2t0.6", "probe-asc@6m2:t0.6", "probe-asc@6m2"],
    ["probe-asc@6m2dt0.6", "probe-asc@6m2d:t0.6", "probe-asc@6m2d"],
    ["pprobe@6s2q0.6", "pprobe@6s2:q0.6", "pprobe@6s2"],
    ["pprobe@6s2d1q0.6", "pprobe@6s2d1:q0.6", "pprobe@6s2d1"],
  ] as const;

  it.each(spellings)("reads the live spelling %s as its colon alias %s", (live, colon, plain) => {
    const inline = parseReplayStrategy(live);
    expect(inline.name).toBe(live);
    expect({ ...inline, name: colon }).toEqual(parseReplayStrategy(colon));
    expect(evaluated(live)).toEqual(evaluated(colon));
    // The threshold is read, not dropped: the default threshold answers or stops elsewhere.
    expect(evaluated(live)).not.toEqual(evaluated(plain));
  });

  // The live catalog's names for replay kinds: self-consistency and repeated sampling answer by majority.
  const aliases = [
    ["sc@6", "maj@6"],
    ["rs@6", "maj@6"],
    ["sc@3", "maj@3"],
  ] as const;

  it.each(aliases)("reads the live spec %s as %s, under its own name", (live, replay) => {
    const strategy = parseReplayStrategy(live);
    expect(strategy).toEqual({ ...parseReplayStrategy(replay), name: live });
    expect(evaluated(live)).toEqual(evaluated(replay));
    // The alias is maj, not another selection over the same samples: best-of-N by reward answers otherwise.
    expect(evaluated(live)).not.toEqual(evaluated(replay.replace("maj", "rm")));
  });

  // The live adaptive wrappers around a majority vote are the catalog's asc@N and esc@NwW.
  const wrappers = [
    ["asc(maj@6)", "asc@6"],
    ["asc(sc@6)", "asc@6"],
    ["ASC( RS@6 )dt0.6", "asc@6dt0.6"],
    ["asc(sc@6)t0.6", "asc@6t0.6"],
    ["esc(sc@6)w2", "esc@6w2"],
    ["esc(maj@6)w3", "esc@6w3"],
  ] as const;

  it.each(wrappers)("reads the live wrapper %s as %s, under the name as written", (live, replay) => {
    expect(parseReplayStrategy(live)).toEqual({ ...parseReplayStrategy(replay), name: live.trim() });
    expect(evaluated(live)).toEqual(evaluated(replay));
  });

  it("refuses a wrapper around anything but a majority vote, and a wrapper missing its window", () => {
    expect(() => parseReplayStrategy("asc(bon@8)")).toThrow(
      /"asc\(bon@8\)" is not a replay strategy; replay's asc stops only a majority vote .*around bon@8 it needs a live run; expected/,
    );
    expect(() => parseReplayStrategy("esc(sc@8)")).toThrow(/esc@<k> needs w<window> \(e\.g\. esc@8w8\)/);
  });

  it("says why a live-only kind cannot be replayed", () => {
    const reasons = [
      ["deepconf-online@8", "deepconf-online@N stops traces by their confidence while they are generated"],
      ["force@2048", "force@T (budget forcing) ends or extends a trace's thinking while it is generated"],
      ["extend@64w1", "extend@MwE (budget forcing) makes a trace think on while it is generated"],
      ["beam@4x2", "beam@… is a search that grows partial solutions step by step"],
      ["single", "single is one live completion; mean@1"],
    ] as const;
    for (const [spec, reason] of reasons) {
      expect(() => parseReplayStrategy(spec), spec).toThrow(
        `--strategies: ${JSON.stringify(spec)} is not a replay strategy; ${reason}`,
      );
    }
    // A kind that is neither replayed nor live gets no reason, only the forms expected.
    expect(() => parseReplayStrategy("vote@3")).toThrow('"vote@3" is not a replay strategy; expected');
  });

  it("leaves live probing's probe@NkK to live runs, saying that replay's probe takes m<agreement>", () => {
    expect(() => parseReplayStrategy("probe@16k32")).toThrow(
      /"probe@16k32" is not a replay strategy; replay's probe takes m<agreement>, not live probing's k<tokens>: .*\(e\.g\. probe@16m2\)/,
    );
    expect(() => parseReplayStrategy("probe@16k32m3")).toThrow(/\(e\.g\. probe@16m3\)/);
    // Specs that are not live probing get no such hint.
    expect(() => parseReplayStrategy("probe@16")).not.toThrow(/live probing/);
    expect(() => parseReplayStrategy("probe@16")).toThrow(
      /"probe@16" is not a replay strategy; probe@<k> needs m<agreement> \(e\.g\. probe@16m2\); expected/,
    );
  });

  it("reads the strategy case-insensitively, keeping the name as written less surrounding spaces", () => {
    expect(parseReplayStrategy("MAJ@3")).toEqual({ name: "MAJ@3", kind: "maj", k: 3 });
    expect(parseReplayStrategy(" Asc@3t0.6 ")).toEqual({
      name: "Asc@3t0.6",
      kind: "asc",
      k: 3,
      threshold: 0.6,
    });
    expect(parseReplayStrategy("ASC@6DT0.6")).toEqual({
      ...parseReplayStrategy("asc@6dt0.6"),
      name: "ASC@6DT0.6",
    });
    expect(parseReplayStrategy("SC@6")).toEqual({ name: "SC@6", kind: "maj", k: 6 });
    expect(parseReplayStrategy("Cascade-Mass@2X8G")).toEqual({
      name: "Cascade-Mass@2X8G",
      kind: "cascade-mass",
      k: 2,
      escalationK: 8,
      greedyFirst: true,
    });
    expect(parseReplayStrategy("DeepConf@16:E10:Tail")).toEqual({
      ...parseReplayStrategy("deepconf@16:e10:tail"),
      name: "DeepConf@16:E10:Tail",
    });
    expect(evaluated(" Asc@6T0.6 ")).toEqual(evaluated("asc@6t0.6"));
    const names = evaluateReplay(graded, parseReplayStrategies("MAJ@3, maj@3 ,Sc@3"), { resamples: 10 }).map(
      (evaluation) => evaluation.strategy,
    );
    expect(names).toEqual(["MAJ@3", "maj@3", "Sc@3"]);
    // An architecture's layer words fold too; it is named by its canonical form, as before.
    expect(parseReplayStrategy(" GEN@4+Rank@2+VOTE ")).toEqual(parseReplayStrategy("gen@4+rank@2+vote"));
    // A malformed spec is named as written.
    expect(() => parseReplayStrategy("MAJ@-1")).toThrow(/--strategies: "MAJ@-1" is not a replay strategy/);
    expect(() => parseReplayStrategy("MAJ@0")).toThrow("--strategies: MAJ@0: k must be");
  });

  it("reads mass@NguU, the greedy opening with an inline weight, as mass@Ng:uU", () => {
    expect(parseReplayStrategy("mass@8gu0.5")).toEqual({
      name: "mass@8gu0.5",
      kind: "mass",
      k: 8,
      unexploredWeight: 0.5,
      greedyFirst: true,
    });
    expect({ ...parseReplayStrategy("mass@8gu0.5"), name: "mass@8g:u0.5" }).toEqual(
      parseReplayStrategy("mass@8g:u0.5"),
    );
  });

  it("keeps the names as written in a report, inline or after a colon", () => {
    const names = evaluateReplay(graded, parseReplayStrategies("asc@6t0.6,asc@6:t0.6"), {
      resamples: 10,
    }).map((evaluation) => evaluation.strategy);
    expect(names).toEqual(["asc@6t0.6", "asc@6:t0.6"]);
  });

  it("refuses a malformed threshold, naming the spec and the forms expected", () => {
    const refusal = (spec: string): ConfigError => {
      try {
        parseReplayStrategy(spec);
      } catch (error) {
        if (ConfigError.isInstance(error)) return error;
        throw error;
      }
      throw new Error(`${spec} was accepted`);
    };
    for (const spec of [
      "asc@16t",
      "asc@16t0.9:t0.8",
      "asc@16:tt0.9",
      "esc@8w2t0.9",
      "maj@8u0.5",
      "accept@8q0.5",
    ]) {
      const error = refusal(spec);
      expect(error.field).toBe("--strategies");
      expect(error.message).toContain(`--strategies: ${JSON.stringify(spec)} is not a replay strategy`);
      expect(error.message).toContain("asc@<k>[d][t<threshold>]");
      expect(error.message).toContain("mass@<k>[g][u<weight>]");
      expect(error.message).toContain(
        "t<threshold>, q<share> and u<weight> may also follow a colon (asc@16:t0.99)",
      );
    }
    expect(() => parseReplayStrategy("asc@16t1.5")).toThrow(
      "--strategies: asc@16t1.5: threshold must be a number > 0 and ≤ 1, got 1.5",
    );
    expect(() => parseReplayStrategy("mass@8gu2")).toThrow(
      "--strategies: mass@8gu2: unexploredWeight must be",
    );
  });
});

describe("parseReplayStrategies", () => {
  it("refuses an empty item, naming the flag, its position and the list", () => {
    const refusal = (list: string, flag?: string): ConfigError => {
      try {
        parseReplayStrategies(list, flag);
      } catch (error) {
        if (ConfigError.isInstance(error)) return error;
        throw error;
      }
      throw new Error(`${list} was accepted`);
    };
    const middle = refusal("maj@8,,asc@8");
    expect(middle.message).toBe(
      '--strategies: the second item of "maj@8,,asc@8" is empty; expected a comma-separated list without empty items',
    );
    expect(middle.field).toBe("--strategies");
    expect(refusal("maj@8, ", "--k").message).toBe(
      '--k: the second item of "maj@8, " is empty; expected a comma-separated list without empty items',
    );
    expect(refusal(",maj@8").message).toContain('the first item of ",maj@8" is empty');
    expect(refusal(" , ").message).toBe(
      '--strategies: no items in " , "; expected a comma-separated list without empty items',
    );
    expect(parseReplayStrategies(" maj@8 , asc@8 ").map((strategy) => strategy.name)).toEqual([
      "maj@8",
      "asc@8",
    ]);
  });
});
