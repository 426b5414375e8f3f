import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { parseStrategySpec } from "../strategies/index.ts";
import { standInBackend } from "../strategies/stand-in-dependencies.ts";
import { standInStrategy } from "../strategies/stand-in-strategy.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { bigLittleDecoder } from "./big-little-decoder.ts";
import { cascade } from "./cascade.ts";
import { glimpseRouter } from "./glimpse-router.ts";
import { massCascade } from "./mass-cascade.ts";
import { refuseLargestFirst, withSize } from "./route-order.ts";
import { sized } from "./sized-backend.test-support.ts";

const scripted = (model: string) => createScriptedBackend({ model, responses: ["#### 1"] });
/** Models of known sizes, as the lab's: 117,952 and 2,088,160 parameters. */
const small = { name: "lab-v2-small", backend: sized(scripted("lab-v2-small"), 117_952) };
const large = { name: "lab-v2-large", backend: sized(scripted("lab-v2-large"), 2_088_160) };
const middle = { name: "lab-large", backend: sized(scripted("lab-large"), 1_000_000) };
const unknown = { name: "served", backend: scripted("served") };

describe("withSize", () => {
  it("writes a model's name with its parameter count, grouped by thousands", () => {
    expect(withSize("lab-v2-large", 2_088_160)).toBe("lab-v2-large (2,088,160 parameters)");
    expect(withSize("tiny", 950)).toBe("tiny (950 parameters)");
  });
});

describe("refuseLargestFirst", () => {
  it("refuses a route whose known sizes decrease, naming the route, both models and their sizes", () => {
    const error = thrownConfigError(() => refuseLargestFirst("cascade", [large, small]));
    expect(error.field).toBe("models");
    expect(error.message).toBe(
      "cascade: route lab-v2-large>lab-v2-small puts lab-v2-large (2,088,160 parameters) before " +
        "lab-v2-small (117,952 parameters); expected the smallest first (lab-v2-small>lab-v2-large)",
    );
  });

  it("compares each sized model with the last sized one before it, past models of unknown size", () => {
    expect(thrownConfigError(() => refuseLargestFirst("cascade", [large, unknown, small])).message).toBe(
      "cascade: route lab-v2-large>served>lab-v2-small puts lab-v2-large (2,088,160 parameters) before " +
        "lab-v2-small (117,952 parameters); expected the smallest first",
    );
    expect(thrownConfigError(() => refuseLargestFirst("cascade", [small, large, middle])).message).toContain(
      "puts lab-v2-large (2,088,160 parameters) before lab-large (1,000,000 parameters); " +
        "expected the smallest first (lab-v2-small>lab-large>lab-v2-large)",
    );
  });

  it("lets through routes smallest first, of equal sizes, or of sizes it does not know", () => {
    expect(() => refuseLargestFirst("cascade", [small, middle, large])).not.toThrow();
    expect(() => refuseLargestFirst("cascade", [small, unknown, middle])).not.toThrow();
    const twin = { name: "twin", backend: sized(scripted("twin"), 117_952) };
    expect(() => refuseLargestFirst("cascade", [small, twin])).not.toThrow();
    expect(() => refuseLargestFirst("cascade", [unknown, large])).not.toThrow();
    expect(() => refuseLargestFirst("cascade", [large, unknown])).not.toThrow();
    // A spec's strategy is built on stand-ins, which cannot describe themselves, before its models load.
    const standIn = { name: "stand-in", backend: standInBackend };
    expect(() => refuseLargestFirst("cascade", [large, standIn, small])).toThrow(/puts lab-v2-large/);
    expect(standInStrategy("cascade@8x16:no-such-small>no-such-large")?.samples).toBe(16);
  });

  it("is what every router of a chain checks, from its factory and from its spec", () => {
    const backwards = [large, small];
    expect(() => cascade({ models: backwards, small: 8 })).toThrow(
      /^cascade: route lab-v2-large>lab-v2-small/,
    );
    expect(() => cascade({ models: [small, large], small: 8 })).not.toThrow();
    expect(() => massCascade({ models: backwards, small: 2 })).toThrow(/^massCascade: route lab-v2-large>/);
    expect(() => bigLittleDecoder({ models: backwards, fallback: 0.7 })).toThrow(/^bigLittleDecoder: route /);
    expect(() => glimpseRouter({ models: backwards, threshold: 0.5 })).toThrow(/^glimpseRouter: route /);
    const resolveModel = (name: string) => (name === small.name ? small.backend : large.backend);
    for (const spec of ["cascade@8", "cascade-mass@2x8", "bild@0.5", "glimp@0.6"]) {
      expect(() => parseStrategySpec(`${spec}:lab-v2-large>lab-v2-small`, { resolveModel })).toThrow(
        /route lab-v2-large>lab-v2-small puts lab-v2-large \(2,088,160 parameters\) before lab-v2-small \(117,952 parameters\); expected the smallest first/,
      );
      expect(() => parseStrategySpec(`${spec}:lab-v2-small>lab-v2-large`, { resolveModel })).not.toThrow();
    }
  });
});
