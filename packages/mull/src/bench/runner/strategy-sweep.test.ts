import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import type { OutcomeScorer } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { expandStrategySweep, formatTemperature } from "./strategy-sweep.ts";

const scorer: OutcomeScorer = { name: "checker", score: async () => ({ scores: [], calls: 0 }) };

describe("expandStrategySweep", () => {
  it("keeps plain names without a sweep", () => {
    const entries = expandStrategySweep(["greedy", " SC@8 ", "bon@4"], { scorer });
    expect(entries.map((entry) => [entry.name, entry.strategy?.name, entry.sampling])).toEqual([
      ["greedy", "greedy", {}],
      ["sc@8", "sc@8", {}],
      ["bon@4", "bon@4", {}],
    ]);
  });

  it("reads an allocation over the batch as an entry with its spec, needs and route, swept like the others", () => {
    const entries = expandStrategySweep(["ALLOC@4", "alloc-mass@4g", "alloc@8p2:Small>large"], {
      temperatures: [0.5],
    });
    expect(
      entries.map((entry) => [entry.name, entry.strategy, entry.allocation?.probe, entry.needs, entry.route]),
    ).toEqual([
      ["alloc@4@t0.5", undefined, 2, [], undefined],
      ["alloc-mass@4g@t0.5", undefined, 1, ["logprobs"], undefined],
      ["alloc@8p2:Small>large@t0.5", undefined, 2, ["models"], ["Small", "large"]],
    ]);
    expect(entries[0]!.sampling).toEqual({ temperature: 0.5 });
    expect(() => expandStrategySweep(["alloc@4", "Alloc@4"])).toThrow(/alloc@4 is given twice/);
  });

  it("carries what each strategy's catalog entry needs, at every temperature", () => {
    const entries = expandStrategySweep(["greedy", "bon@4", "wv-prob@4"], { scorer, temperatures: [0.5, 1] });
    expect(entries.map((entry) => [entry.name, entry.needs])).toEqual([
      ["greedy", []],
      ["bon@4@t0.5", ["scorer"]],
      ["bon@4@t1.0", ["scorer"]],
      ["wv-prob@4@t0.5", ["logprobs"]],
      ["wv-prob@4@t1.0", ["logprobs"]],
    ]);
  });

  it("names an architecture by its canonical layers, keeping its models' case, and routes it over the models they name", () => {
    const resolveModel = (name: string) => createScriptedBackend({ responses: ["#### 1"], model: name });
    const entries = expandStrategySweep([" GEN@4(Small-Model)+Verify+VOTE ", "gen@8+vote"], {
      scorer,
      resolveModel,
    });
    expect(entries.map((entry) => [entry.name, entry.needs, entry.route])).toEqual([
      ["gen@4(Small-Model)+verify+vote", ["scorer"], ["Small-Model"]],
      ["gen@8+vote", [], undefined],
    ]);
  });

  it("crosses each strategy with each temperature, running temperature-fixed strategies once", () => {
    const entries = expandStrategySweep(["greedy", "sc@4", "sc@8"], { temperatures: [0.5, 1] });
    expect(entries.map((entry) => [entry.name, entry.sampling.temperature])).toEqual([
      ["greedy", undefined],
      ["sc@4@t0.5", 0.5],
      ["sc@4@t1.0", 1],
      ["sc@8@t0.5", 0.5],
      ["sc@8@t1.0", 1],
    ]);
    expect(entries[1]!.strategy).not.toBe(entries[2]!.strategy);
  });

  it("refuses duplicates, empty lists, bad temperatures and specs that need a missing scorer", () => {
    expect(() => expandStrategySweep(["sc@4", "sc@4"])).toThrow("sc@4 is given twice");
    // A temperature given twice is the sweep's repetition, named as such, not the strategy's.
    const repeated = (() => {
      try {
        expandStrategySweep(["sc@4", "greedy"], { temperatures: [0.5, 1, 1.0] });
      } catch (error) {
        return error;
      }
    })();
    expect(repeated).toBeInstanceOf(ConfigError);
    expect((repeated as ConfigError).message).toBe("--temperatures: 1.0 is given twice");
    expect((repeated as ConfigError).field).toBe("temperatures");
    expect(() => expandStrategySweep([])).toThrow("at least one strategy");
    expect(() => expandStrategySweep(["sc@4"], { temperatures: [] })).toThrow("at least one temperature");
    expect(() => expandStrategySweep(["sc@4"], { temperatures: [-1] })).toThrow(
      "bench: temperatures[0] must be a number >= 0, got -1",
    );
    expect(() => expandStrategySweep(["bon@4"])).toThrow(/needs an outcome scorer/);
  });

  it("refuses two specs of one strategy, in any spelling, naming both and the canonical form", () => {
    expect(() => expandStrategySweep(["gen@2", "gen@2+vote"])).toThrow(
      "--strategies: gen@2 and gen@2+vote are the same strategy (canonical gen@2+vote)",
    );
    expect(() => expandStrategySweep(["sc@4", "maj@4"])).toThrow(
      "--strategies: sc@4 and maj@4 are the same strategy (canonical sc@4)",
    );
    expect(() => expandStrategySweep(["maj@4", "sc@4"], { temperatures: [0.5, 1] })).toThrow(
      "maj@4@t0.5 and sc@4@t0.5 are the same strategy (canonical sc@4@t0.5)",
    );
    expect(() => expandStrategySweep(["asc@8", "asc(sc@8)t0.95"])).toThrow(
      "asc@8 and asc(sc@8)t0.95 are the same strategy (canonical asc@8)",
    );
    const resolveModel = (name: string) => createScriptedBackend({ responses: ["#### 1"], model: name });
    expect(() =>
      expandStrategySweep(["cascade@8", "cascade@8:small>large"], {
        resolveModel,
        defaultRoute: ["small", "large"],
      }),
    ).toThrow("cascade@8 and cascade@8:small>large are the same strategy (canonical cascade@8:small>large)");
  });

  it("keeps specs that differ in what they run", () => {
    const resolveModel = (name: string) => createScriptedBackend({ responses: ["#### 1"], model: name });
    const entries = expandStrategySweep(
      [
        "gen@2",
        "gen@2+first",
        "gen@2+verify",
        "gen@2(small)",
        "sc@4",
        "rs@4",
        "asc@8",
        "asc@8d",
        "cascade@8",
        "cascade@8:large>small",
      ],
      { scorer, resolveModel, defaultRoute: ["small", "large"] },
    );
    expect(entries.map((entry) => entry.name)).toEqual([
      "gen@2",
      "gen@2+first",
      "gen@2+verify",
      "gen@2(small)",
      "sc@4",
      "rs@4",
      "asc@8",
      "asc@8d",
      "cascade@8",
      "cascade@8:large>small",
    ]);
  });

  it("formats temperatures with a decimal point", () => {
    expect([0, 1, 0.5, 0.75, 2].map(formatTemperature)).toEqual(["0.0", "1.0", "0.5", "0.75", "2.0"]);
  });
});
