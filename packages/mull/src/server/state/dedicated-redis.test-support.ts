import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { requireServicesVariable } from "../../runtime/test-services.test-support.ts";

/**
 * Why a test cannot start a redis-server of its own (no `redis-server` on PATH), or undefined when it
 * can. With `MULL_REQUIRE_SERVICES=1` a missing binary is a failure instead of a skip.
 */
export function dedicatedRedisMissing(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const probe = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  if (probe.error === undefined && probe.status === 0) return undefined;
  const missing =
    "Redis outage tests skipped: they stop a redis-server of their own, and `redis-server` is not on PATH";
  if (environment[requireServicesVariable] === "1") {
    throw new Error(`${missing}, and ${requireServicesVariable}=1 requires it`);
  }
  return missing;
}

/** A redis-server process a test owns on a loopback port, which it may pause, kill and start again. */
export interface DedicatedRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops the process without closing its connections (SIGSTOP): commands go unanswered. */
  pause(): void;
  /** Lets a paused process run again (SIGCONT). */
  resume(): void;
  /** Kills the process (SIGKILL) and waits for it to exit: connections are refused. Its data is lost. */
  kill(): Promise<void>;
  /** Starts a new process on the same port (after `kill`) and waits until it answers. */
  restart(): Promise<void>;
  /** Kills the process, paused or not; idempotent. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function answers(port: number, password: string | undefined): Promise<boolean> {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    ...(password === undefined ? {} : { password }),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 500,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function launch(port: number, password: string | undefined): ChildProcess {
  return spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      ...(password === undefined ? [] : ["--requirepass", password]),
    ],
    { stdio: "ignore" },
  );
}

async function untilAnswering(
  port: number,
  child: ChildProcess,
  password: string | undefined,
): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode})`);
    if (await answers(port, password)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Options of `startDedicatedRedis`. */
export interface DedicatedRedisOptions {
  /** Makes the server require this password (`--requirepass`); `url` still holds none. */
  readonly password?: string | undefined;
}

/**
 * Starts a redis-server (no persistence) on a free loopback port and waits until it answers; the caller
 * stops it. Needs `redis-server` on PATH (`dedicatedRedisMissing` says when it is not).
 *
 * @example
 * const redis = await startDedicatedRedis();
 * redis.pause(); // requests that need it now time out
 * redis.resume();
 * await redis.stop();
 */
export async function startDedicatedRedis(options: DedicatedRedisOptions = {}): Promise<DedicatedRedis> {
  const { password } = options;
  const port = await freePort();
  let child = launch(port, password);
  await untilAnswering(port, child, password);
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => signal("SIGSTOP"),
    resume: () => signal("SIGCONT"),
    async kill() {
      signal("SIGKILL");
      await exited(child);
    },
    async restart() {
      child = launch(port, password);
      await untilAnswering(port, child, password);
    },
    async stop() {
      signal("SIGKILL");
      await exited(child);
    },
  };
}
