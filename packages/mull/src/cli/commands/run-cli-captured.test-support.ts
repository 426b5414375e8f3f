import { vi } from "vitest";
import { runCli } from "../main.ts";

/** What one in-process `mull` run printed, and its exit code. */
export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `mull <argv…>` in this process (`runCli`) with standard output and error captured.
 *
 * @example
 * const { code, stdout } = await runCliCaptured("report", runDirectory, "--json");
 */
export async function runCliCaptured(...argv: string[]): Promise<CapturedRun> {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runCli(["node", "mull", ...argv]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
