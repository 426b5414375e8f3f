import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
/** The `mull` command of this checkout (it runs the sources, `@mull/llama-cpp` included). */
const bin = fileURLToPath(new URL("../../cli/bin/mull.js", import.meta.url));

/** One strategy's row of `mull bench --json`. */
export interface BenchRow {
  readonly strategy: string;
  readonly correct: number;
  readonly accuracy: number;
  readonly calls: number;
  readonly tokens: { readonly prompt: number; readonly completion: number };
}

/**
 * Runs `mull bench <args…> --json` in a child process and returns its rows, in the order of `--strategies`.
 *
 * @throws Error with the command's output when it fails.
 */
export async function benchAccuracy(args: readonly string[]): Promise<BenchRow[]> {
  try {
    const { stdout } = await run(process.execPath, [bin, "bench", ...args, "--json"], {
      timeout: 110_000,
      maxBuffer: 16 << 20,
    });
    return (JSON.parse(stdout) as { strategies: BenchRow[] }).strategies;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`mull bench ${args.join(" ")} failed: ${failure.message}\n${failure.stderr ?? ""}`);
  }
}

/**
 * Runs `mull <args…>` in a child process and returns its standard output.
 *
 * @throws Error with the command's output when it fails.
 */
export async function runMull(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [bin, ...args], { timeout: 110_000, maxBuffer: 16 << 20 });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`mull ${args.join(" ")} failed: ${failure.message}\n${failure.stderr ?? ""}`);
  }
}

/** A `mull serve` child process, once it listens. */
export interface MullServe {
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** Sends SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `mull serve <args…>` on a free loopback port and waits until it says where it listens.
 *
 * @throws Error with its standard error when it exits first or does not listen within 90 s.
 */
export async function startMullServe(args: readonly string[]): Promise<MullServe> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--log-level", "warn", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (part) => {
    stderr += String(part);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(stderr);
    if (match !== null) {
      return {
        url: match[1] as string,
        stop: async () => {
          child.kill("SIGTERM");
          await exited;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`mull serve did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
