import { packageVersion } from "../runtime/index.ts";
import type { BackendDescription } from "../spec/index.ts";
import type { RunManifest } from "./run-data.ts";
import type { ConfigChange } from "./store/index.ts";

/**
 * Versions that do not change what a run computes, so the processes that record one run may differ in
 * them: node's (mull's arithmetic is its own, and the backend's software is versioned apart).
 */
const versionsThatKeepResults: ReadonlySet<string> = new Set(["node"]);

/**
 * The versions this process runs pairs with, keyed as a run manifest's `versions`: mull's, node's and
 * those of its backend's software where the backend knows them.
 *
 * @example
 * softwareVersions(backend.describe()); // { mull: "0.9.0", node: "24.1.0", "llama.cpp": "b6123" }
 */
export function softwareVersions(backend: BackendDescription): Record<string, string> {
  return { mull: packageVersion(), node: process.versions.node, ...(backend.versions ?? {}) };
}

/**
 * The versions a run records that a process running its pairs with `versions` would change (a queue
 * worker, a resume), each as the field (`versions.mull`, `versions.llama.cpp`), the run's value (`stored`)
 * and the process's (`requested`), sorted by field. The run's versions are its manifest's, and for a name
 * the manifest lacks, those of the workers it records (which were checked as they came). A version only
 * one side knows is not a change: a server's build is known only once a call asked it (a resume and a
 * worker ask it first, `describedWithVersions`), and one that cannot be asked stays unknown. Node's version
 * is no change either (`versionsThatKeepResults`).
 *
 * @example
 * softwareChanges(manifest, { mull: "0.9.1", node: "24.1.0" });
 * // [{ field: "versions.mull", stored: "0.9.0", requested: "0.9.1" }]
 */
export function softwareChanges(
  manifest: RunManifest,
  versions: Readonly<Record<string, string>>,
): ConfigChange[] {
  const recorded: Record<string, string> = {};
  for (const worker of manifest.workers ?? []) {
    for (const [name, version] of Object.entries(worker.versions)) recorded[name] ??= version;
  }
  Object.assign(recorded, manifest.versions);
  const changes: ConfigChange[] = [];
  for (const [name, version] of Object.entries(versions)) {
    const stored = recorded[name];
    if (versionsThatKeepResults.has(name) || stored === undefined || stored === version) continue;
    changes.push({ field: `versions.${name}`, stored, requested: version });
  }
  return changes.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}
