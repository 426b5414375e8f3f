import { spawn, spawnSync } from "node:child_process";

/**
 * The command words that run a program as a user whom file modes bind, or why there is none. Root
 * passes every file mode, so a test that makes a file or folder read-only with `chmod` runs its code in
 * a child process: as this user when it is not root, as `nobody` (through `runuser`) when it is.
 */
function findUnprivilegedPrefix(): { readonly prefix: readonly string[] } | { readonly missing: string } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const prefix = ["runuser", "-u", "nobody", "--"];
  const probe = spawnSync(prefix[0]!, [...prefix.slice(1), process.execPath, "-e", "0"], {
    encoding: "utf8",
  });
  if (probe.error === undefined && probe.status === 0) return { prefix };
  const why = probe.error?.message ?? probe.stderr.trim();
  return {
    missing:
      `the tests run as root, whom no file mode stops, and \`runuser -u nobody\` cannot start node (${why}): ` +
      "a read-only file or folder cannot be made",
  };
}

const found = findUnprivilegedPrefix();

/** Why no process whom file modes bind can be started here, or `undefined` when one can. */
export const unprivilegedMissing: string | undefined = "missing" in found ? found.missing : undefined;

/** What a child process printed and how it ended. */
export interface UnprivilegedRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node ARGS` (this Node) to its end as a user whom file modes bind (`unprivilegedMissing` says
 * when there is none), without blocking this process (a server here may answer it). The folders it must
 * reach need modes that let any user in (`chmod 755`).
 *
 * @example
 * const run = await runNodeUnprivileged([mullBin, "report", directory, "--out", html]);
 */
export function runNodeUnprivileged(args: readonly string[]): Promise<UnprivilegedRun> {
  if ("missing" in found) return Promise.reject(new Error(found.missing));
  const [command, ...rest] = [...found.prefix, process.execPath, ...args];
  const child = spawn(command!, rest, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
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
    child.on("close", (status) => resolveRun({ status, stdout, stderr }));
  });
}

/** What an asynchronous function body gave in an unprivileged process: its value, or its error. */
export type UnprivilegedOutcome =
  | { readonly value: unknown }
  | { readonly error: { readonly name: string; readonly message: string } };

/**
 * Runs the body of an async function as a user whom file modes bind, with mull's sources importable
 * (type stripping, the `mull-source` condition), and returns what it returned (as JSON) or threw.
 *
 * @example
 * const outcome = await unprivilegedOutcome(`
 *   const { loadRun } = await import(${JSON.stringify(loadRunModule)});
 *   return (await loadRun(${JSON.stringify(directory)})).results.length;
 * `);
 */
export async function unprivilegedOutcome(body: string): Promise<UnprivilegedOutcome> {
  const script =
    `try { const value = await (async () => { ${body} })(); ` +
    "process.stdout.write(JSON.stringify({ value: value ?? null })); } " +
    "catch (error) { process.stdout.write(JSON.stringify({ error: { name: error.name, message: error.message } })); }";
  const run = await runNodeUnprivileged(["--conditions=mull-source", "--input-type=module", "-e", script]);
  if (run.status !== 0) throw new Error(`the unprivileged process failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as UnprivilegedOutcome;
}
