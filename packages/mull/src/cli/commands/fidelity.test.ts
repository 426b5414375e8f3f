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

  it("needs both backends", async () => {
    const run = await runCliCaptured("fidelity", "--reference", "lab-large");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--candidate");
  });
});
