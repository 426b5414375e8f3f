import { arch, cpus, platform, totalmem } from "node:os";
import type { MachineDescription } from "../run-data.ts";

/** The machine this process runs on, for run manifests (figures are only comparable on one machine). */
export function describeMachine(): MachineDescription {
  const processors = cpus();
  return {
    platform: platform(),
    arch: arch(),
    cpuModel: processors[0]?.model.trim() ?? "unknown",
    cpus: processors.length,
    totalMemoryBytes: totalmem(),
  };
}
