import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

/** The `mull` bin the process tests start. */
export const mullBin = resolve(import.meta.dirname, "../../../../cli/bin/mull.js");

/** A started `mull` process and what it printed so far. */
export interface MullProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly output: { stdout: string; stderr: string };
}

/** Starts `mull ARGS` as a child process, collecting its output; `environment` adds to this process's. */
export function startMull(
  args: readonly string[],
  environment: Readonly<Record<string, string>> = {},
): MullProcess {
  const child = spawn(process.execPath, [mullBin, ...args], {
    env: { ...process.env, ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolveExit) => child.on("exit", (code) => resolveExit(code)));
  return { child, exited, output };
}

/** Runs `mull ARGS` to its end. */
export async function runMull(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const started = startMull(args);
  const code = await started.exited;
  return { code, ...started.output };
}

/** Polls `condition` every 20 ms until it holds. @throws Error naming `what` after the timeout. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMilliseconds = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
}
