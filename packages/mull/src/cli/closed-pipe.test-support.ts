import { spawn } from "node:child_process";
import { mullBin } from "./commands/mull-process.test-support.ts";

/** How a `mull` process whose output is read by a reader that went away ended, and what it wrote elsewhere. */
export interface PipedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What the process wrote to the stream that stayed open. */
  readonly other: string;
}

/** Options of `runPiped`. */
export interface PipedRunOptions {
  /** Close the reader once it has read up to the first line end, as `| head -1` does; default: at once. */
  readonly firstLine?: boolean | undefined;
  /** Variables added to this process's environment. */
  readonly environment?: Readonly<Record<string, string>> | undefined;
  /** Milliseconds after which the process is killed (SIGKILL), if it has not ended; default 50 000. */
  readonly killAfterMilliseconds?: number | undefined;
}

/**
 * Runs `mull ARGS` with `stream` piped to a reader that closes its end (at once, or once it has read the
 * first line), collecting what the process writes to the other stream. A process still running after
 * `killAfterMilliseconds` is killed, so a command that a closed pipe failed to stop ends with signal
 * SIGKILL and no code.
 */
export function runPiped(
  args: readonly string[],
  stream: "stdout" | "stderr",
  options: PipedRunOptions = {},
): Promise<PipedRun> {
  const child = spawn(process.execPath, [mullBin, ...args], {
    env: { ...process.env, ...options.environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const reader = child[stream]!;
  const otherStream = stream === "stdout" ? child.stderr! : child.stdout!;
  let other = "";
  otherStream.on("data", (chunk: Buffer) => {
    other += chunk.toString();
  });
  if (options.firstLine) {
    let read = "";
    reader.on("data", (chunk: Buffer) => {
      read += chunk.toString();
      if (read.includes("\n")) reader.destroy();
    });
  } else {
    reader.destroy();
  }
  const kill = setTimeout(() => child.kill("SIGKILL"), options.killAfterMilliseconds ?? 50_000);
  return new Promise((resolveRun) =>
    child.on("close", (code, signal) => {
      clearTimeout(kill);
      resolveRun({ code, signal, other });
    }),
  );
}
