import { describe, expect, it } from "vitest";
import { parseOptions } from "../runtime/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { SamplingStrategy } from "../spec/index.ts";
import { adaptiveConsistency } from "./adaptive-consistency.ts";
import { earlyStoppingConsistency } from "./early-stopping-consistency.ts";
import { samplingStrategyOption, strategyOption } from "./option-schemas.ts";
import { selfConsistency } from "./self-consistency.ts";
import { withEarlyStop } from "./with-early-stop.ts";

const run = () => Promise.reject(new Error("not run"));

function refusal(value: unknown, schema = strategyOption): { message: string; field: string | undefined } {
  const error = thrownConfigError(() => parseOptions(schema, value, "owner", "inner"));
  return { message: error.message, field: error.field };
}

describe("strategyOption", () => {
  it("takes a strategy with its name, parameters and samples, and a factory's strategies", () => {
    const own = { name: "mine@2", parameters: { n: 2 }, samples: 2, run };
    expect(parseOptions(strategyOption, own, "owner")).toBe(own);
    const made = selfConsistency({ n: 3 });
    expect(parseOptions(samplingStrategyOption, made, "owner")).toBe(made);
  });

  it("refuses a strategy with only run, naming each field it lacks", () => {
    const error = thrownConfigError(() => parseOptions(strategyOption, { run }, "solve", "strategy"));
    expect(error.message).toBe(
      "solve is invalid:\n" +
        '  strategy.name: missing; expected a non-empty string (its name, e.g. "sc@8")\n' +
        "  strategy.parameters: missing; expected an object of its settings (e.g. { n: 8 })\n" +
        "  strategy.samples: missing; expected an integer ≥ 1",
    );
    expect(error.field).toBe("strategy.name");
  });

  it("refuses a sample count that is not an integer ≥ 1, and fields of the wrong kind", () => {
    const inner = { ...selfConsistency({ n: 3 }), samples: -3 };
    expect(refusal(inner, samplingStrategyOption)).toEqual({
      message: "owner: inner.samples must be an integer ≥ 1, got -3",
      field: "inner.samples",
    });
    const own = { name: "mine", parameters: {}, samples: 1, run };
    expect(refusal({ ...own, samples: 1.5 }).message).toBe(
      "owner: inner.samples must be an integer ≥ 1, got 1.5",
    );
    expect(refusal({ ...own, name: "" }).field).toBe("inner.name");
    expect(refusal({ ...own, parameters: [] }).field).toBe("inner.parameters");
    expect(refusal({ ...own, worstCaseTokens: 100 }).message).toBe(
      "owner: inner.worstCaseTokens must be a function or undefined, got 100",
    );
  });

  it("refuses a selection note that is not a function, wherever a strategy is taken", () => {
    const noting = { ...selfConsistency({ n: 4 }), selectionNote: "tie" };
    expect(refusal(noting)).toEqual({
      message: 'owner: inner.selectionNote must be a function or undefined, got "tie"',
      field: "inner.selectionNote",
    });
    const inner = noting as unknown as SamplingStrategy;
    for (const [owner, wrap] of [
      ["adaptiveConsistency", () => adaptiveConsistency(inner)],
      ["earlyStoppingConsistency", () => earlyStoppingConsistency(inner, { window: 2 })],
      ["withEarlyStop", () => withEarlyStop(inner, { rounds: 2 })],
    ] as const) {
      expect(thrownConfigError(wrap).message).toBe(
        `${owner}: inner.selectionNote must be a function or undefined, got "tie"`,
      );
    }
    const own = { name: "mine", parameters: {}, samples: 1, run, selectionNote: () => undefined };
    expect(parseOptions(strategyOption, own, "owner")).toBe(own);
  });

  it("names missing methods first, without the fields", () => {
    expect(refusal({ name: "x" }).message).toBe(
      "owner: inner must be a strategy (an object with a run method), got an object without run",
    );
  });
});

describe("samplingStrategyOption", () => {
  it("refuses a strategy with withSamples but no select, naming select", () => {
    const { select: _select, ...withoutSelect } = selfConsistency({ n: 3 });
    expect(refusal(withoutSelect, samplingStrategyOption)).toEqual({
      message:
        "owner: inner must be a sampling strategy (an object with run, withSamples and select methods), " +
        "got an object without select",
      field: "inner",
    });
  });
});

describe("wrappers of a sampling strategy", () => {
  // A library user's strategy that can be drawn in rounds but says nothing of how to choose over them.
  const { select: _select, ...unselecting } = selfConsistency({ n: 4 });
  const inner = unselecting as unknown as SamplingStrategy;
  const expected =
    "must be a sampling strategy (an object with run, withSamples and select methods), got an object without select";

  it.each([
    ["adaptiveConsistency", () => adaptiveConsistency(inner)],
    ["earlyStoppingConsistency", () => earlyStoppingConsistency(inner, { window: 2 })],
    ["withEarlyStop", () => withEarlyStop(inner, { rounds: 2 })],
  ])("%s refuses one without select when built, before anything is drawn", (owner, wrap) => {
    const error = thrownConfigError(wrap);
    expect(error.message).toBe(`${owner}: inner ${expected}`);
    expect(error.field).toBe("inner");
  });
});
