import { afterEach, describe, expect, it, vi } from "vitest";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

afterEach(() => vi.restoreAllMocks());

describe("mull fidelity", () => {
  it("refuses a bad backend spec with usage code 2, naming the flag", async () => {
    const run = await runCliCaptured(
      "fidelity",
      "--reference",
      "lab-large",
      "--candidate",
      "http://127.0.0.1:9/v1#",
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--candidate: "http://127.0.0.1:9/v1#" names no model after #');
  });

  it("refuses --top-k and --alpha out of range with usage code 2, naming the flag, value and range", async () => {
    const topK = await runCliCaptured(
      "fidelity",
      "--reference",
      "lab-large",
      "--candidate",
      "lab-large",
      "--top-k",
      "0",
    );
    expect(topK.code).toBe(2);
    expect(topK.stderr).toContain("--top-k <count>' argument '0' is invalid");
    expect(topK.stderr).toContain("expected an integer from 1 to 100");
    const alpha = await runCliCaptured(
      "fidelity",
      "--reference",
      "lab-large",
      "--candidate",
      "lab-large",
      "--alpha",
      "0.9",
    );
    expect(alpha.code).toBe(2);
    expect(alpha.stderr).toContain("--alpha <value>' argument '0.9' is invalid");
    expect(alpha.stderr).toContain("to 0.5");
  });

  it("needs both backends", async () => {
    const run = await runCliCaptured("fidelity", "--reference", "lab-large");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--candidate");
  });
});
