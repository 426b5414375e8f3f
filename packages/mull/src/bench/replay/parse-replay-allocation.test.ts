import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { parseReplayAllocation } from "./parse-replay-allocation.ts";
import { parseReplayStrategies } from "./replay-strategy.ts";

const models = { run: "lab-v2-small", escalation: "lab-v2-large" };

describe("parseReplayAllocation", () => {
  it("takes a route that names --run's model, then --escalate-run's", () => {
    const allocation = parseReplayAllocation("alloc@4p2:lab-v2-small>lab-v2-large", "--strategies", models);
    expect(allocation).toMatchObject({ kind: "alloc", k: 4 });
    expect(allocation?.allocation.route).toEqual(["lab-v2-small", "lab-v2-large"]);
    const [parsed] = parseReplayStrategies("alloc@4p2:lab-v2-small>lab-v2-large", "--strategies", models);
    expect(parsed?.name).toBe("alloc@4p2:lab-v2-small>lab-v2-large");
  });

  it.each([
    ["alloc@4p2:foo>bar", "foo>bar"],
    ["alloc@4p2:lab-v2-large>lab-v2-small", "lab-v2-large>lab-v2-small"],
  ])("refuses %s, naming the flag, the value and the runs' models", (spec, route) => {
    let refusal: unknown;
    try {
      parseReplayStrategies(`maj@4,${spec}`, "--strategies", models);
    } catch (error) {
      refusal = error;
    }
    expect(ConfigError.isInstance(refusal)).toBe(true);
    expect((refusal as ConfigError).field).toBe("--strategies");
    expect((refusal as ConfigError).message).toBe(
      `--strategies: ${JSON.stringify(spec)} routes ${route}, but --run recorded lab-v2-small and ` +
        "--escalate-run lab-v2-large; expected the route lab-v2-small>lab-v2-large (or no route: alloc@4p2)",
    );
  });

  it("checks no route without the runs' models, and takes no route with them", () => {
    expect(parseReplayAllocation("alloc@4p2:foo>bar", "--strategies")?.allocation.route).toEqual([
      "foo",
      "bar",
    ]);
    expect(parseReplayAllocation("alloc@4p2", "--strategies", models)?.allocation.route).toBeUndefined();
  });
});
