import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { labProcessReward } from "../lab/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { twoAgreeEntry } from "./custom-entry.test-support.ts";
import { isSearchSpec } from "./find-strategy-entry.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

const prm = labProcessReward();

describe("the strategy catalog's step-level searches", () => {
  it("builds each search from its short name, with its parameters", () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ["beam@16x4", "beam@16x4", { n: 16, width: 4, keep: 4, lookahead: 0 }],
      ["BEAM-LA1@16x4 ", "beam-la1@16x4", { lookahead: 1 }],
      ["dvts@16x4", "dvts@16x4", { subtrees: 4, width: 4 }],
      ["pf@16", "pf@16", { n: 16, resampling: "multinomial", softmaxTemperature: 1 }],
      ["pf-sys@8", "pf-sys@8", { resampling: "systematic" }],
      ["pg@16x3", "pg@16x3", { n: 16, iterations: 3 }],
      ["astar@8", "astar@8", { k: 8 }],
      ["tot-bfs@4x3", "tot-bfs@4x3", { breadth: 4, k: 3 }],
      ["tot-dfs@4", "tot-dfs@4", { k: 4, threshold: 0.5 }],
      ["mcts@32", "mcts@32", { simulations: 32, value: "prm" }],
      ["mcts-rollout@32", "mcts-rollout@32", { value: "rollout" }],
    ];
    for (const [text, name, parameters] of cases) {
      const strategy = parseStrategySpec(text, { prm });
      expect(strategy.name).toBe(name);
      expect(strategy.parameters).toMatchObject({ ...parameters, prm: "lab-step-checker" });
    }
  });

  it("tells searches from other strategies", () => {
    for (const text of ["sc@8", "bon@4", "greedy", "beamish@4", ""]) expect(isSearchSpec(text)).toBe(false);
    for (const text of ["pf@16", "beam@16", "BEAM-LA2@4x2"]) expect(isSearchSpec(text)).toBe(true);
  });

  it("rejects malformed searches and searches without a PRM, naming the field", () => {
    for (const text of ["beam@16", "pf@16x2", "astar@0", "dvts@x4", "tot-dfs@4x4", "pg@16"]) {
      const error = (() => {
        try {
          parseStrategySpec(text, { prm });
        } catch (caught) {
          return caught;
        }
      })();
      expect(ConfigError.isInstance(error), text).toBe(true);
      expect((error as ConfigError).field).toBe("strategy");
    }
    expect(() => parseStrategySpec("pf@16")).toThrow(/process reward model/);
  });
});

describe("the strategy catalog", () => {
  it("is frozen, so adding to it throws rather than doing nothing", () => {
    const length = strategyCatalog.length;
    expect(Object.isFrozen(strategyCatalog)).toBe(true);
    expect(() => (strategyCatalog as StrategyEntry[]).push(twoAgreeEntry)).toThrow(TypeError);
    expect(strategyCatalog).toHaveLength(length);
    expect(() => parseStrategySpec("two-agree@4")).toThrow(/unknown spec "two-agree@4"/);
  });
});

describe("the strategy catalog's replay field", () => {
  it("says of every entry whether replay reads it from recordings, or why it is live only", () => {
    for (const entry of strategyCatalog) {
      const family = entry.forms[0]!.split(/[@(]/)[0]!.replace(/[A-Z]+$/, "");
      const { replay } = entry;
      if (replay === "recorded") continue;
      expect(replay, family).toEqual({ liveOnly: expect.any(String) });
      // The reason opens with the family it is given for.
      expect(replay?.liveOnly.startsWith(family), `${family}: ${replay?.liveOnly}`).toBe(true);
    }
  });

  it("reads the majority votes, weighted votes and cascades, and none of the searches", () => {
    const replayOf = (spec: string) =>
      strategyCatalog.find((entry) => entry.forms.some((form) => form.startsWith(spec)))?.replay;
    for (const spec of ["sc@", "asc@", "esc@", "wv-prob@", "deepconf@", "cascade@", "gen@"]) {
      expect(replayOf(spec), spec).toBe("recorded");
    }
    const searches = strategyCatalog.filter((entry) => entry.kind === "search");
    expect(searches.length).toBeGreaterThan(10);
    for (const entry of searches) expect(entry.replay, entry.forms[0]).toHaveProperty("liveOnly");
  });
});
