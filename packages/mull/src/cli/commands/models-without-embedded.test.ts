import { describe, expect, it, vi } from "vitest";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

// The embedded package is not installed: importing it fails as a missing package does.
vi.mock("@mull/llama-cpp", () => {
  throw new Error("Cannot find package '@mull/llama-cpp'");
});

describe("mull models without @mull/llama-cpp", () => {
  it("says which package it needs and how to install it, as solve and serve do", async () => {
    const run = await runCliCaptured("models");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      "listing embedded models needs the package @mull/llama-cpp (npm install @mull/llama-cpp)",
    );
  });
});
