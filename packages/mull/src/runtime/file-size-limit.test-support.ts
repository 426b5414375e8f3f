import { spawn, spawnSync } from "node:child_process";

/**
 * Why the tests that cap the size of files a process writes (`ulimit -f` in bash) cannot run here, or
 * `undefined` when they can. Print it once at the top of the test file: a skipped test shows only a count.
 */
export const fileSizeLimitSkipReason: string | undefined = (() => {
  if (process.platform === "win32") return "file-size-limit tests skipped: Windows has no ulimit";
  const probe = spawnSync("bash", ["-c", "ulimit -f 1"], { encoding: "utf8" });
  if (probe.status === 0) return undefined;
  const why = probe.error?.message ?? (probe.stderr.trim() || `exit ${probe.status}`);
  return `file-size-limit tests skipped: bash with ulimit is unavailable (${why})`;
})();

/** How a process run under a file-size limit ended, and what it printed. */
export interface LimitedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` (the executable first) to its end with files capped at `kilobytes` KiB (`ulimit -f`),
 * or uncapped when `kilobytes` is `undefined`.
 *
 * @example
 * const run = await runWithFileSizeLimit(1, [process.execPath, mullBin, "report", "runs/x"]);
 */
export function runWithFileSizeLimit(
  kilobytes: number | undefined,
  command: readonly string[],
): Promise<LimitedRun> {
  const limit = kilobytes === undefined ? "unlimited" : String(kilobytes);
  const child = spawn("bash", ["-c", `ulimit -f ${limit} && exec "$0" "$@"`, ...command], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolveRun, rejectRun) => {
    child.on("error", rejectRun);
    child.on("close", (code, signal) => resolveRun({ code, signal, stdout, stderr }));
  });
}
