import { describe, expect, it } from "vitest";
import { refuseUnroutedSpecs, unroutedSpecs } from "./refuse-unrouted-specs.ts";
import { UsageError } from "./usage-error.ts";

/** The UsageError `refuseUnroutedSpecs` rejects with. */
async function refusal(options: Parameters<typeof refuseUnroutedSpecs>[0]): Promise<UsageError> {
  const error = await refuseUnroutedSpecs(options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof UsageError) return error;
  throw new Error(`expected a UsageError, got ${String(error)}`);
}

const base = { defaultRoute: undefined, specFlag: "--strategies", embedded: true } as const;

describe("unroutedSpecs", () => {
  it("keeps the routing specs that name no models", () => {
    expect(
      unroutedSpecs(["greedy", "cascade-mass@2x8", "cascade@8:lab-small>lab-large", "glimp@0.5", "sc@8"]),
    ).toEqual(["cascade-mass@2x8", "glimp@0.5"]);
  });
});

describe("refuseUnroutedSpecs", () => {
  it("passes with a default route, or without routing specs that need one", async () => {
    await expect(
      refuseUnroutedSpecs({ ...base, specs: ["cascade@8"], defaultRoute: ["a", "b"], model: "b" }),
    ).resolves.toBeUndefined();
    await expect(
      refuseUnroutedSpecs({
        ...base,
        specs: ["greedy", "cascade@8:lab-v2-small>lab-v2-large"],
        model: "lab-v2-small",
      }),
    ).resolves.toBeUndefined();
  });

  it("suggests a route of the model's own family, naming the flag, for its family's smallest model", async () => {
    const v2 = await refusal({ ...base, specs: ["greedy", "cascade-mass@2x8"], model: "lab-v2-small" });
    expect(v2.field).toBe("--strategies");
    expect(v2.message).toBe(
      "--strategies cascade-mass@2x8 routes from a smaller model to lab-v2-small, and lab-v2-small is the smallest " +
        'model of its family (v2); name the models after the spec, smallest first ("cascade-mass@2x8:lab-v2-small>lab-v2-large"), ' +
        "or give a small model (--small-model NAME)",
    );
    const v1 = await refusal({ ...base, specs: ["cascade@4", "glimp@0.5"], model: "lab-small" });
    expect(v1.message).toContain("--strategies cascade@4, glimp@0.5 route from a smaller model to lab-small");
    expect(v1.message).toContain('("cascade@4:lab-small>lab-large")');
    expect(v1.message).not.toContain("v2");
  });

  it("asks for --small-model for a model that is not a lab model, and over HTTP", async () => {
    const file = await refusal({ ...base, specs: ["cascade@8"], model: "/models/other.gguf" });
    expect(file.message).toBe(
      "--strategies cascade@8 routes from a smaller model to /models/other.gguf, which is not a lab model, so no " +
        "family gives the smaller one; give it (--small-model NAME or PATH.gguf), or name the models after the spec, " +
        'smallest first ("cascade@8:SMALL.gguf>/models/other.gguf")',
    );
    const served = await refusal({ ...base, embedded: false, specs: ["cascade@8"], model: "qwen-7b" });
    expect(served.message).toBe(
      "--strategies cascade@8 routes from a smaller model to qwen-7b; give a small model of the same server " +
        '(--small-model NAME), or name the models after the spec, smallest first ("cascade@8:SMALL>qwen-7b")',
    );
  });
});
