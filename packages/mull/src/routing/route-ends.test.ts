import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { parseStrategySpec } from "../strategies/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { bigLittleDecoder } from "./big-little-decoder.ts";
import { glimpseRouter } from "./glimpse-router.ts";
import { routeEnds, twoModelRoute } from "./route-ends.ts";

const names = ["lab-v2-small", "lab-small", "lab-v2-large"] as const;
const backends = new Map(
  names.map((name) => [name, createScriptedBackend({ model: name, responses: ["x"] })]),
);
const named = (count: number) =>
  names.slice(0, count).map((name) => ({ name, backend: backends.get(name)! }));
/** Resolves the three models, recording each name asked for. */
function resolver() {
  const asked: string[] = [];
  const resolveModel = (name: string) => {
    asked.push(name);
    return backends.get(name as (typeof names)[number])!;
  };
  return { asked, resolveModel };
}

describe("twoModelRoute", () => {
  it("gives the small and the large model of a route of two", () => {
    const [small, large] = named(2);
    expect(twoModelRoute("router", [small!, large!])).toEqual({ small, large });
  });

  it("refuses a route of other than two models, naming the owner, the route given and what is expected", () => {
    const three = thrownConfigError(() => twoModelRoute("bigLittleDecoder", named(3)));
    expect(three.field).toBe("models");
    expect(three.message).toBe(
      "bigLittleDecoder: models must be exactly two, the small model then the large one (lab-small>lab-large), " +
        "got 3 (lab-v2-small>lab-small>lab-v2-large); only a cascade routes through more models (cascade@8:a>b>c)",
    );
    expect(thrownConfigError(() => twoModelRoute("glimpseRouter", named(1))).message).toContain(
      "got 1 (lab-v2-small);",
    );
    expect(thrownConfigError(() => twoModelRoute("glimpseRouter", [])).message).toContain(
      "got 0; only a cascade",
    );
  });

  it("is what bild and glimp are built with, from their factories", () => {
    expect(() => bigLittleDecoder({ models: named(3), fallback: 0.7 })).toThrow(
      /^bigLittleDecoder: models must be exactly two.*got 3 \(lab-v2-small>lab-small>lab-v2-large\)/,
    );
    expect(() => glimpseRouter({ models: named(3), threshold: 0.5 })).toThrow(
      /^glimpseRouter: models must be exactly two.*got 3 \(lab-v2-small>lab-small>lab-v2-large\)/,
    );
  });
});

describe("two-model routers named by a spec", () => {
  it("refuse a route of three models, naming the spec and the route, as a refused spec", () => {
    const { resolveModel } = resolver();
    for (const [spec, owner] of [
      ["bild@0.7:lab-v2-small>lab-small>lab-v2-large", "bigLittleDecoder"],
      ["glimp@0.5k12:lab-v2-small>lab-small>lab-v2-large", "glimpseRouter"],
    ] as const) {
      const error = thrownConfigError(() => parseStrategySpec(spec, { resolveModel }));
      // Field `strategy`: the CLI says it as a usage error of the flag the spec came from.
      expect(error.field).toBe("strategy");
      expect(error.message).toContain(JSON.stringify(spec));
      expect(error.message).toContain(
        `${owner}: models must be exactly two, the small model then the large one (lab-small>lab-large), ` +
          "got 3 (lab-v2-small>lab-small>lab-v2-large); only a cascade routes through more models",
      );
    }
  });

  it("refuse a default route of three models too", () => {
    const { resolveModel } = resolver();
    expect(() => parseStrategySpec("bild@0.7", { resolveModel, defaultRoute: [...names] })).toThrow(
      /"bild@0\.7": bigLittleDecoder: models must be exactly two/,
    );
  });

  it("leave cascades their longer routes, every model of which they use", () => {
    const { asked, resolveModel } = resolver();
    const route = names.join(">");
    expect(parseStrategySpec(`cascade@4:${route}`, { resolveModel }).name).toMatch(/^cascade@4/);
    expect(parseStrategySpec(`cascade-mass@2x8:${route}`, { resolveModel }).name).toBe("cascade-mass@2x8");
    expect(asked).toEqual([...names, ...names]);
    expect(routeEnds("massCascade", named(3))).toEqual({ small: named(3)[0], large: named(3)[2] });
  });
});
