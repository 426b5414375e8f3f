import os from "node:os";
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/spec/index.ts";
import { benchEnvironment } from "./bench-environment.ts";

describe("benchEnvironment", () => {
  it("records the machine, mull's and Node's versions, and each backend's", () => {
    const backend = {
      describe: () => ({ kind: "llama-cpp", model: "lab-small", versions: { "node-llama-cpp": "3.22.1" } }),
    } as unknown as Backend;
    const environment = benchEnvironment([backend]);
    expect(environment.machine.cores).toBe(os.cpus().length);
    expect(environment.versions).toMatchObject({
      mull: expect.stringMatching(/^\d+\.\d+\.\d+/),
      node: process.versions.node,
      "node-llama-cpp": "3.22.1",
    });
    expect(Object.keys(benchEnvironment().versions).sort()).toEqual(["mull", "node"]);
  });
});
