import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { llamaCppSource } from "./llama-cpp-source.ts";

/** Environment variable naming a `llama-server` binary to test against instead of the cached build. */
export const llamaServerVariable = "MULL_LLAMA_SERVER";

/** Environment variable that turns a missing `llama-server` into a failure instead of a skip (set by CI). */
export const requireLlamaServerVariable = "MULL_REQUIRE_LLAMA_SERVER";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const llamaDirectory = path.join(repositoryRoot, "node_modules", "node-llama-cpp", "llama");

/**
 * The version `scripts/build-llama-server.sh` caches its build under: node-llama-cpp's llama.cpp release
 * and the first 12 digits of the commit its git bundle holds, e.g. `v0.5.0-de3ff815ea7d`. `undefined` when
 * node-llama-cpp's llama folder cannot be read.
 */
export function llamaServerVersion(): string | undefined {
  const source = llamaCppSource(llamaDirectory);
  return source === undefined ? undefined : `${source.release}-${source.commit.slice(0, 12)}`;
}

/** Where a `llama-server` binary was found, or why none was. */
export type LlamaServerLookup =
  | { readonly binary: string; readonly missing?: undefined }
  | { readonly binary?: undefined; readonly missing: string };

/**
 * The `llama-server` binary the real-server tests run: `MULL_LLAMA_SERVER` when set, else the cached build
 * of `scripts/build-llama-server.sh` for node-llama-cpp's llama.cpp. When there is none, `missing` says
 * where it looked and how to build it.
 */
export function findLlamaServer(environment: NodeJS.ProcessEnv = process.env): LlamaServerLookup {
  const given = environment[llamaServerVariable];
  if (given !== undefined && given !== "") {
    return existsSync(given)
      ? { binary: given }
      : { missing: `${llamaServerVariable}=${given} does not exist` };
  }
  const version = llamaServerVersion();
  if (version === undefined) {
    return { missing: `cannot read node-llama-cpp's llama.cpp version under ${llamaDirectory}` };
  }
  const cacheRoot = environment.LLAMA_SERVER_CACHE || path.join(repositoryRoot, ".cache", "llama-server");
  const binary = path.join(cacheRoot, version, "llama-server");
  if (existsSync(binary)) return { binary };
  return {
    missing:
      `no llama-server binary at ${binary}; build it with scripts/build-llama-server.sh (about 12 minutes ` +
      `on 2 cores) or point ${llamaServerVariable} at one`,
  };
}

/**
 * The `llama-server` a test file runs against, looked up once at the top of the file. Without one, the file's
 * tests skip and the reason is printed on the console (a skipped file shows only its count of skipped
 * tests), unless `MULL_REQUIRE_LLAMA_SERVER=1` (set by CI) makes the missing binary fail the file instead.
 *
 * @throws Error naming the variable and what is missing, when the binary is required and absent.
 * @example
 * const lookup = llamaServerUnderTest();
 * describe.skipIf(lookup.binary === undefined)("against llama-server", () => { … });
 */
export function llamaServerUnderTest(environment: NodeJS.ProcessEnv = process.env): LlamaServerLookup {
  const lookup = findLlamaServer(environment);
  if (lookup.missing === undefined) return lookup;
  if (environment[requireLlamaServerVariable] === "1") {
    throw new Error(`${requireLlamaServerVariable}=1 but ${lookup.missing}`);
  }
  console.warn(`llama-server tier skipped: ${lookup.missing}`);
  return lookup;
}

/** A running `llama-server`. */
export interface LlamaServerProcess {
  /** OpenAI base URL, `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  /** Origin, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** What the server logged so far. */
  readonly log: () => string;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startLlamaServer}. */
export interface StartLlamaServerOptions {
  readonly binary: string;
  /** The GGUF to serve. */
  readonly model: string;
  /**
   * Model name the server reports and accepts (`--alias`); absent, the server names the model by the path
   * it was given, as it does for a user who passes no `--alias`.
   */
  readonly alias?: string | undefined;
  /** Slots, i.e. sequences decoded at once and the largest `n` it takes (default 4). */
  readonly parallel?: number | undefined;
  /** Further command-line arguments. */
  readonly arguments?: readonly string[] | undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function healthy(origin: string): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/**
 * Starts `llama-server` on a free loopback port with the model, CPU only, and waits until `/health` says
 * the model is loaded.
 *
 * @throws Error with the server's log when it exits first or is not healthy within 60 s.
 * @example
 * const server = await startLlamaServer({ binary, model: modelPath, alias: "lab-large" });
 * try { … server.baseUrl … } finally { await server.stop(); }
 */
export async function startLlamaServer(options: StartLlamaServerOptions): Promise<LlamaServerProcess> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const parallel = options.parallel ?? 4;
  const child = spawn(
    options.binary,
    [
      "--model",
      options.model,
      ...(options.alias === undefined ? [] : ["--alias", options.alias]),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--parallel",
      String(parallel),
      // Each slot holds a whole lab sequence (prompt and up to 256 generated tokens).
      "--ctx-size",
      String(512 * parallel),
      "--threads",
      "1",
      "--no-webui",
      ...(options.arguments ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  const append = (part: unknown) => {
    log += String(part);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = exitOf(child);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`llama-server exited before it was healthy:\n${log}`);
    }
    if (await healthy(origin)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`llama-server was not healthy within 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { baseUrl: `${origin}/v1`, origin, log: () => log, stop };
}
