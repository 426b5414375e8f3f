import { describe, expect, it } from "vitest";
import { CapabilityError } from "../errors/index.ts";
import { labProblem } from "../lab/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { selfLogprobReward } from "./self-logprob-reward.ts";

const problem = labProblem({ operands: [30, 444, 273], operators: ["+", "+"] });

describe("selfLogprobReward", () => {
  it("scores each step by exp(mean token log-prob) of the step after the prompt and the steps before it", async () => {
    const backend = createScriptedBackend({ responses: ["x"] });
    const prm = selfLogprobReward({ backend });
    const result = await prm.score(problem, [["30+444=474", "474+273=747 and so on"]]);
    // The scripted backend gives every word token a log-prob of -0.1.
    expect(result.results[0]!.rewards[0]).toBeCloseTo(Math.exp(-0.1), 12);
    expect(result.results[0]!.rewards[1]).toBeCloseTo(Math.exp(-0.1), 12);
    expect(result.calls).toBe(2);
    expect(backend.scoreCalls.map((call) => [call.prompt, call.continuation])).toEqual([
      [{ kind: "text", text: "Q: 30+444+273=? A:\n" }, "30+444=474"],
      [{ kind: "text", text: "Q: 30+444+273=? A:\n30+444=474\n" }, "474+273=747 and so on"],
    ]);
  });

  it("takes observed step log-probs without any call, and remembers what it scored", async () => {
    const backend = createScriptedBackend({ responses: ["x"] });
    const prm = selfLogprobReward({ backend });
    prm.observeStepLogprob(problem, ["30+444=474"], Math.log(0.5));
    const first = await prm.score(problem, [["30+444=474", "474+273=747"]]);
    expect(first.results[0]!.rewards[0]).toBeCloseTo(0.5, 12);
    expect(first.calls).toBe(1);
    const again = await prm.score(problem, [["30+444=474", "474+273=747"]]);
    expect(again.calls).toBe(0);
    expect(again.results).toEqual(first.results);
  });

  it("needs score() for steps it did not observe, and says so", async () => {
    const backend = createScriptedBackend({ responses: ["x"], capabilities: { score: false } });
    const prm = selfLogprobReward({ backend });
    const error = await prm.score(problem, [["30+444=474"]]).catch((caught: unknown) => caught);
    expect(CapabilityError.isInstance(error)).toBe(true);
    expect((error as CapabilityError).capability).toBe("score");
    prm.observeStepLogprob(problem, ["30+444=474"], -0.2);
    const observed = await prm.score(problem, [["30+444=474"]]);
    expect(observed.results[0]!.rewards[0]).toBeCloseTo(Math.exp(-0.2), 12);
  });

  it("names its options object and its backend when called from plain JavaScript without them", () => {
    const untyped = selfLogprobReward as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe(
      "selfLogprobReward: expected an options object { backend, … }; got undefined",
    );
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({}));
    expect(malformed.message).toBe(
      "selfLogprobReward: backend: missing; expected a backend (an object with describe, capabilities and generate methods)",
    );
    expect(malformed.field).toBe("backend");
  });
});
