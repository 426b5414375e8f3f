import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A `mull serve` child process, once it listens. */
export interface ServeProcess {
  readonly process: ChildProcess;
  /** `http://host:port` it listens on. */
  readonly url: string;
  readonly stderr: () => string;
  /** Settles with the exit code. */
  readonly exited: Promise<number | null>;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

const serveModule = fileURLToPath(new URL("./serve.ts", import.meta.url));

/**
 * A script that runs `mull serve` with its arguments. A file, not `node -e`: node-llama-cpp tests its
 * binary in a child process started with the parent's exec arguments, which `-e` would hijack.
 */
async function runnerScript(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "mull-serve-runner-"));
  const file = path.join(directory, "serve.mjs");
  await writeFile(
    file,
    `const { serveCommand } = await import(${JSON.stringify(pathToFileURL(serveModule).href)});\n` +
      `await serveCommand().parseAsync(process.argv.slice(2), { from: "user" });\n`,
  );
  return file;
}

/**
 * Starts `mull serve <args…>` (on a free port, logging warnings) in a child process, or under a shell as
 * npm does (`underShell`), and waits until it says where it listens.
 *
 * @throws Error with its standard error when it exits first or does not listen within 90 s.
 * @example
 * const served = await startServeProcess(["--base-url", fake.url]);
 * try { … } finally { await served.stop(); }
 */
export async function startServeProcess(
  args: readonly string[],
  environment: Readonly<Record<string, string>> = {},
  options: { readonly underShell?: boolean | undefined } = {},
): Promise<ServeProcess> {
  const runner = await runnerScript();
  // `mull-source`: `@mull/llama-cpp` (and the `mull` it imports) resolve to their sources, as in the tests.
  const nodeArgs = ["--conditions=mull-source", runner, "--port", "0", "--log-level", "warn", ...args];
  // `underShell`: started as npm starts a bin, under `sh -c` (which stays, as `; exit` keeps it from
  // exec-ing); `stop()` then signals the shell only, as npm does, and `exited` waits for mull's output to end.
  const child = options.underShell
    ? spawn("sh", ["-c", '"$0" "$@"; exit $?', process.execPath, ...nodeArgs], {
        env: { ...process.env, ...environment },
        stdio: ["ignore", "ignore", "pipe"],
      })
    : spawn(process.execPath, nodeArgs, {
        env: { ...process.env, ...environment },
        stdio: ["ignore", "ignore", "pipe"],
      });
  let stderr = "";
  child.stderr?.on("data", (part) => {
    stderr += String(part);
  });
  const exited = new Promise<number | null>((resolve) =>
    options.underShell
      ? child.stderr?.on("close", () => resolve(null))
      : child.on("exit", (code) => resolve(code)),
  ).then(async (code) => {
    // The runner script's folder goes with the process.
    await rm(path.dirname(runner), { recursive: true, force: true });
    return code;
  });
  // Generous: starting Node and loading the sources can take many seconds on a loaded machine.
  const deadline = Date.now() + 90_000;
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(stderr);
    if (match !== null) {
      return {
        process: child,
        url: match[1] as string,
        stderr: () => stderr,
        exited,
        stop: () => {
          child.kill("SIGTERM");
          return exited;
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
