import { describe, expect, it } from "vitest";
import { CapabilityError } from "../errors/index.ts";
import type { Backend, BackendCapabilities, Prompt } from "../spec/index.ts";
import { checkFidelity, overallFidelityVerdict } from "./check-fidelity.ts";
import { fidelityCapabilities } from "./fidelity-capabilities.test-support.ts";
import { missingFidelityCapabilities } from "./fidelity-capabilities.ts";
import type { FidelityVerdict } from "./fidelity-check.ts";

const capable = fidelityCapabilities();

const prompts: readonly Prompt[] = [{ kind: "text", text: "37+48-19=?" }];

/** A backend with `capabilities` that counts its generation and scoring calls and answers none. */
function counted(model: string, capabilities: BackendCapabilities): Backend & { calls: number } {
  const backend = {
    calls: 0,
    describe: () => ({ kind: "synthetic", model }),
    capabilities: async () => capabilities,
    generate: async () => {
      backend.calls += 1;
      throw new Error(`${model} generated`);
    },
    score: async () => {
      backend.calls += 1;
      throw new Error(`${model} scored`);
    },
  };
  return backend;
}

describe("missingFidelityCapabilities", () => {
  it("needs score of the reference, and score or logprobs of the candidate", () => {
    expect(missingFidelityCapabilities(capable, capable)).toEqual([]);
    const scoring = { ...capable, logprobs: false, topLogprobs: false };
    expect(missingFidelityCapabilities(capable, scoring)).toEqual([]);
    // Alternatives are not asked: a probe of the chat endpoint can miss those text completions return.
    expect(missingFidelityCapabilities(capable, { ...capable, score: false, topLogprobs: false })).toEqual(
      [],
    );
    const neither = { ...capable, score: false, logprobs: false, topLogprobs: false };
    expect(
      missingFidelityCapabilities(neither, neither).map((missing) => [missing.backend, missing.capability]),
    ).toEqual([
      ["reference", "score"],
      ["candidate", "logprobs"],
    ]);
  });
});

describe("checkFidelity's capabilities", () => {
  it("refuses a reference without score before either backend generates", async () => {
    const reference = counted("reference", { ...capable, score: false });
    const candidate = counted("candidate", capable);
    const refusal = await checkFidelity({ reference, candidate, prompts }).catch((error: unknown) => error);
    expect(CapabilityError.isInstance(refusal)).toBe(true);
    expect((refusal as CapabilityError).message).toBe(
      'fidelity sampling check needs the backend capability "score", which the synthetic backend (model reference) does not have',
    );
    expect([reference.calls, candidate.calls]).toEqual([0, 0]);
  });

  it("refuses a candidate that can neither score nor give log-probabilities, which would compare no token", async () => {
    const reference = counted("reference", capable);
    const candidate = counted("candidate", { ...capable, score: false, logprobs: false });
    const refusal = await checkFidelity({ reference, candidate, prompts }).catch((error: unknown) => error);
    expect(CapabilityError.isInstance(refusal)).toBe(true);
    expect(refusal).toMatchObject({ capability: "logprobs", requiredBy: "fidelity logprobs check" });
    expect([reference.calls, candidate.calls]).toEqual([0, 0]);
  });
});

describe("overallFidelityVerdict", () => {
  const checks = (...verdicts: FidelityVerdict[]) =>
    verdicts.map((verdict, index) => ({ name: `check${index}`, verdict, detail: "", figures: {} }));

  it("ranks truncated over differs over unmeasured over same, and calls no checks unmeasured", () => {
    expect(overallFidelityVerdict(checks("same", "unmeasured", "differs", "truncated"))).toBe("truncated");
    expect(overallFidelityVerdict(checks("unmeasured", "differs", "same"))).toBe("differs");
    expect(overallFidelityVerdict(checks("same", "unmeasured", "same"))).toBe("unmeasured");
    expect(overallFidelityVerdict(checks("same", "same"))).toBe("same");
    expect(overallFidelityVerdict([])).toBe("unmeasured");
  });
});
