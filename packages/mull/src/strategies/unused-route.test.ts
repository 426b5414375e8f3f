import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type { Backend } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { singleSample } from "./index.ts";

const route = ["lab-v2-small", "lab-v2-large"];

/** Two models that agree, and the names `resolveModel` was asked for. */
function models() {
  const small = createScriptedBackend({ model: "lab-v2-small", responses: ["1+2=3\n#### 3"] });
  const large = createScriptedBackend({ model: "lab-v2-large", responses: ["1+2=3\n#### 3"] });
  const asked: string[] = [];
  const resolveModel = (name: string): Backend => {
    asked.push(name);
    return name === "lab-v2-small" ? small : large;
  };
  return { small, large, asked, resolveModel };
}

/** What `run` rejects with, as a ConfigError. */
async function refusal(run: Promise<unknown>): Promise<ConfigError> {
  const error = await run.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!ConfigError.isInstance(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe("solve's route", () => {
  it("is refused with a strategy that runs on one model, before any model is asked", async () => {
    const { large, asked, resolveModel } = models();
    const error = await refusal(
      solve({ problem: "1+2=?", strategy: "sc@4", backend: large, resolveModel, route }),
    );
    expect(error.field).toBe("route");
    expect(error.message).toBe(
      'solve: route ["lab-v2-small","lab-v2-large"] applies to routing strategies only, and "sc@4" runs on ' +
        "one model; expected no route, or a routing strategy written without one (cascade@8)",
    );
    expect(large.calls).toHaveLength(0);
    expect(asked).toEqual([]);
  });

  it("is refused with a routing spec that names its own route, whose models are not loaded", async () => {
    const { large, asked, resolveModel } = models();
    const error = await refusal(
      solve({
        problem: "1+2=?",
        strategy: "cascade@4:lab-v2-small>lab-v2-large",
        backend: large,
        resolveModel,
        route,
      }),
    );
    expect(error.field).toBe("route");
    expect(error.message).toBe(
      'solve: route ["lab-v2-small","lab-v2-large"] applies to routing strategies written without a route, ' +
        'and "cascade@4:lab-v2-small>lab-v2-large" names its own (lab-v2-small>lab-v2-large); expected no ' +
        'route, or the spec without its own ("cascade@4")',
    );
    expect(asked).toEqual([]);
    expect(large.calls).toHaveLength(0);
  });

  it("is refused with a strategy object, built with its own models", async () => {
    const { large, resolveModel } = models();
    const error = await refusal(
      solve({ problem: "1+2=?", strategy: singleSample(), backend: large, resolveModel, route }),
    );
    expect(error.field).toBe("route");
    expect(error.message).toMatch(
      /^solve: route \["lab-v2-small","lab-v2-large"\] applies to routing strategies named by a spec without a route .*expected no route$/,
    );
    expect(large.calls).toHaveLength(0);
  });

  it("routes a routing spec written without one", async () => {
    const { small, large, asked, resolveModel } = models();
    const result = await solve({
      problem: "1+2=?",
      strategy: "cascade@1",
      backend: large,
      resolveModel,
      route,
    });
    expect(asked).toEqual(route);
    expect(result.answer).toBe("3");
    expect(small.calls.length + large.calls.length).toBeGreaterThan(0);
  });

  it("leaves a spec the catalog cannot read to the parser, which says what it expected", async () => {
    const { large, resolveModel } = models();
    const unknown = await refusal(
      solve({ problem: "1+2=?", strategy: "scc@4", backend: large, resolveModel, route }),
    );
    expect(unknown.field).toBe("strategy");
    expect(unknown.message).toMatch(/^strategy: unknown spec "scc@4"/);
    const malformed = await refusal(
      solve({ problem: "1+2=?", strategy: "sc@x", backend: large, resolveModel, route }),
    );
    expect(malformed.message).toMatch(/^strategy: malformed spec "sc@x"/);
  });
});
