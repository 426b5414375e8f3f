import os from "node:os";
import { packageVersion } from "../src/runtime/index.ts";
import type { Backend } from "../src/spec/index.ts";

/** The machine and software behind a benchmark's figures, as its JSON records them beside the settings. */
export interface BenchEnvironment {
  /** The cores Node sees and the first one's model name. */
  readonly machine: { readonly cores: number; readonly cpu: string };
  /** `mull`'s and Node's versions, and those the backends report (`node-llama-cpp`, `llama.cpp`). */
  readonly versions: Readonly<Record<string, string>>;
}

/**
 * The machine and the versions of a benchmark run, for its JSON (the same `versions` a `mull bench` run's
 * manifest records).
 *
 * @example
 * const run = { model, seed, temperature, ...benchEnvironment([backend]), rows };
 */
export function benchEnvironment(backends: readonly Backend[] = []): BenchEnvironment {
  const versions: Record<string, string> = { mull: packageVersion(), node: process.versions.node };
  for (const backend of backends) Object.assign(versions, backend.describe().versions ?? {});
  return { machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown CPU" }, versions };
}
