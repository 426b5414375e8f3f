import { describe, expect, it } from "vitest";
import { packageVersion } from "../runtime/index.ts";
import { syntheticRun } from "../testing/index.ts";
import type { RunManifest, RunWorker } from "./run-data.ts";
import { softwareChanges, softwareVersions } from "./software-changes.ts";

const base = syntheticRun().manifest;
const manifest = (versions: Record<string, string>, workers?: RunWorker[]): RunManifest => ({
  ...base,
  versions,
  ...(workers === undefined ? {} : { workers }),
});

function worker(versions: Record<string, string>): RunWorker {
  return {
    id: "box:1:abcdef",
    host: "box",
    preparedAt: "2025-01-01T00:00:00.000Z",
    concurrency: 1,
    machine: base.machine,
    versions,
  };
}

describe("softwareVersions", () => {
  it("is mull's, node's and the backend's software, keyed as a manifest's versions", () => {
    expect(softwareVersions({ kind: "llama-cpp", model: "m", versions: { "llama.cpp": "b1" } })).toEqual({
      mull: packageVersion(),
      node: process.versions.node,
      "llama.cpp": "b1",
    });
  });
});

describe("softwareChanges", () => {
  it("names each version the worker would change, with the run's value and the worker's", () => {
    const recorded = manifest({ mull: "0.9.0", node: "24.0.0", "llama.cpp": "b1", server: "0.8" });
    expect(
      softwareChanges(recorded, { server: "0.9", mull: "0.9.1", node: "24.0.0", "llama.cpp": "b1" }),
    ).toEqual([
      { field: "versions.mull", stored: "0.9.0", requested: "0.9.1" },
      { field: "versions.server", stored: "0.8", requested: "0.9" },
    ]);
  });

  it("lets node's version differ, and a version only one side knows", () => {
    const recorded = manifest({ mull: "0.9.0", node: "24.0.0", server: "0.8" });
    expect(softwareChanges(recorded, { mull: "0.9.0", node: "24.9.9", "llama.cpp": "b7" })).toEqual([]);
  });

  it("holds a worker to the versions an earlier worker recorded where the run's own lack them", () => {
    const recorded = manifest({ mull: "0.9.0" }, [worker({ mull: "0.9.0", "llama.cpp": "b1" })]);
    expect(softwareChanges(recorded, { mull: "0.9.0", "llama.cpp": "b2" })).toEqual([
      { field: "versions.llama.cpp", stored: "b1", requested: "b2" },
    ]);
    // The run's own versions come first.
    const both = manifest({ mull: "0.9.0", "llama.cpp": "b3" }, [worker({ "llama.cpp": "b1" })]);
    expect(softwareChanges(both, { "llama.cpp": "b3" })).toEqual([]);
  });

  it("holds a worker to the first worker's version of a name only the workers record", () => {
    const recorded = manifest({ mull: "0.9.0" }, [worker({ server: "0.8" }), worker({ server: "0.9" })]);
    expect(softwareChanges(recorded, { server: "0.9" })).toEqual([
      { field: "versions.server", stored: "0.8", requested: "0.9" },
    ]);
  });
});
