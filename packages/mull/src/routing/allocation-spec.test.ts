import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { isAllocationSpec, parseAllocationSpec } from "./allocation-spec.ts";

describe("parseAllocationSpec", () => {
  it("reads the agreement form with a probe of half the average, rounded up, by default", () => {
    expect(parseAllocationSpec("alloc@4")).toEqual({
      spec: "alloc@4",
      samplesPerProblem: 4,
      signal: "agreement",
      probe: 2,
      maxSamples: undefined,
      greedyProbe: false,
      route: undefined,
    });
    expect(parseAllocationSpec("alloc@5").probe).toBe(3);
    expect(parseAllocationSpec("alloc@1").probe).toBe(1);
    expect(parseAllocationSpec("alloc-mass@4p1").probe).toBe(1);
  });

  it("reads the probe, the cap and the greedy probe, canonical in the order p, c, g", () => {
    expect(parseAllocationSpec(" ALLOC@8p3c20 ")).toMatchObject({
      spec: "alloc@8p3c20",
      probe: 3,
      maxSamples: 20,
    });
    expect(parseAllocationSpec("alloc-mass@4")).toMatchObject({
      signal: "mass",
      probe: 1,
      greedyProbe: false,
    });
    // The smallest cap that leaves room to allocate and lets the whole budget be spent: the average itself.
    expect(parseAllocationSpec("alloc@4c4").maxSamples).toBe(4);
    expect(parseAllocationSpec("alloc-mass@4p2c8g")).toMatchObject({
      spec: "alloc-mass@4p2c8g",
      signal: "mass",
      probe: 2,
      maxSamples: 8,
      greedyProbe: true,
    });
  });

  it("keeps a route's model names as written: the probe model first", () => {
    const spec = parseAllocationSpec("alloc@4p2:Lab-V2-Small>lab-v2-large");
    expect(spec.route).toEqual(["Lab-V2-Small", "lab-v2-large"]);
    expect(spec.spec).toBe("alloc@4p2:Lab-V2-Small>lab-v2-large");
  });

  it.each([
    ["alloc@0", /S 0 is not from 1 to 100000/],
    ["alloc@4x2", /unknown form/],
    ["alloc@4p5", /a probe of 5 exceeds the 4 samples per problem/],
    ["alloc@4p2c1", /at most 1 per problem is fewer than the probe's 2/],
    ["alloc@4c2", /at most 2 per problem is the probe's 2, which leaves nothing to allocate/],
    ["alloc-mass@4c1", /at most 1 per problem is the probe's 1, which leaves nothing to allocate/],
    [
      "alloc@8p2c3",
      /at most 3 per problem is below the 8 per problem on average, so part of the budget could never be spent; cap at 8 or more/,
    ],
    ["alloc@4p1", /a probe of 1 sample cannot disagree/],
    ["alloc@4g", /a greedy probe \(g\) needs alloc-mass/],
    ["alloc-mass@4:a>b", /alloc-mass takes no route/],
    ["alloc@4:a>b>c", /the route "a>b>c" is not two models/],
    ["alloc@4:a>", /is not two models/],
  ])("refuses %s, naming the spec and the forms", (spec, reason) => {
    let error: unknown;
    try {
      parseAllocationSpec(spec);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`malformed allocation spec ${JSON.stringify(spec)}`);
    expect(message).toMatch(reason);
    expect(message).toContain("alloc@SpP:PROBE>MODEL");
  });

  it("refuses a route that names one model twice, naming the field, the route and the model", () => {
    const error = thrownConfigError(() => parseAllocationSpec("alloc@4p2:lab-v2-small>lab-v2-small"));
    expect([error.field, error.message]).toEqual([
      "strategy",
      'strategy: the route "lab-v2-small>lab-v2-small" of "alloc@4p2" names "lab-v2-small" twice; ' +
        "expected a different model at each place of the route",
    ]);
  });

  it("tells allocation specs from strategies", () => {
    expect(isAllocationSpec("alloc@4")).toBe(true);
    expect(isAllocationSpec(" Alloc-Mass@4g")).toBe(true);
    expect(isAllocationSpec("sc@4")).toBe(false);
    expect(isAllocationSpec("allocate@4")).toBe(false);
  });

  it("names a spec that is not text when called from plain JavaScript without them", () => {
    const untyped = parseAllocationSpec as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe(
      'parseAllocationSpec: spec must be an allocation spec (a string such as "alloc@4"), got undefined',
    );
    expect(nothing.field).toBe("spec");
    const malformed = thrownConfigError(() => untyped(4));
    expect(malformed.message).toBe(
      'parseAllocationSpec: spec must be an allocation spec (a string such as "alloc@4"), got 4',
    );
    expect(malformed.field).toBe("spec");
  });
});
