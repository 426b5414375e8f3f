import { spawn } from "node:child_process";

/** A `mull serve` started from an installed `mull` bin, once it listens. */
export interface InstalledServe {
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** Its standard error so far (its status lines and its logger's). */
  stderr(): string;
  /**
   * Sends SIGTERM and settles with the exit code (null when a signal ended it), or kills it (-9) and
   * rejects, with its standard error, when it has not exited within `milliseconds`.
   */
  stop(milliseconds?: number): Promise<number | null>;
}

/**
 * Starts `node <bin> serve --port 0 <args…>` in `cwd` with `env` (the process itself, not under npm or a
 * shell, so that SIGTERM reaches it) and waits until it says where it listens.
 *
 * @throws Error with its standard error when it exits first or does not listen within `milliseconds`.
 * @example
 * const served = await startInstalledServe(path.join(project, "node_modules/.bin/mull"), ["--base-url", fake.url], project, env);
 * try { await fetch(`${served.url}/health`); } finally { await served.stop(); }
 */
export async function startInstalledServe(
  bin: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  milliseconds = 60_000,
): Promise<InstalledServe> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", ...args], {
    cwd,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (part) => {
    stderr += String(part);
  });
  // `close`, not `exit`: its standard error is read to the end first.
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const deadline = Date.now() + milliseconds;
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(stderr);
    if (match !== null) {
      const url = match[1]!;
      return {
        url,
        stderr: () => stderr,
        async stop(wait = 30_000) {
          child.kill("SIGTERM");
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<"late">((resolve) => {
            timer = setTimeout(() => resolve("late"), wait);
          });
          const outcome = await Promise.race([exited, late]);
          clearTimeout(timer);
          if (outcome !== "late") return outcome;
          child.kill("SIGKILL");
          throw new Error(`mull serve did not exit within ${wait} ms of SIGTERM\n--- stderr\n${stderr}`);
        },
      };
    }
    if (done || Date.now() > deadline) {
      if (!done) child.kill("SIGKILL");
      const why = done ? "exited before it listened" : `did not listen within ${milliseconds} ms`;
      throw new Error(`mull serve ${why}\n--- stderr\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
