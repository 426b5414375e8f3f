import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { sleep } from "../runtime/index.ts";
import type { MullServer } from "./create-server.ts";

/** Where to listen. */
export interface ListenOptions {
  /** Address to bind, e.g. `127.0.0.1` (loopback only) or `0.0.0.0` (every interface). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** How a shutdown went. */
export interface ShutdownReport {
  /** True when every request in flight finished inside the grace period. */
  readonly drained: boolean;
  /** Requests still in flight when the grace period ended (they were cut). */
  readonly cut: number;
}

/** A server listening on a socket. */
export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  /** The port it listens on: the one asked for, or the free one picked for port 0. */
  readonly port: number;
  /** The underlying `node:http` server it listens with; `shutdown` closes it. */
  readonly httpServer: Server;
  /**
   * Graceful shutdown: lets requests in flight finish for up to `graceMilliseconds`, then cuts the rest
   * (aborting their upstream calls), stops listening and closes every connection. While it drains the
   * server still accepts connections, so that load balancers see the drain rather than refused
   * connections: `/health` answers 503 `draining`, new generation requests 503 `server_shutting_down`
   * with Retry-After, and every response closes its connection. Calling it twice returns the same promise.
   */
  shutdown(graceMilliseconds: number): Promise<ShutdownReport>;
}

/** The shutdown's waits do not keep the process alive by themselves. */
const unreferenced = { unref: true } as const;

/**
 * Serves a `MullServer` over HTTP (`@hono/node-server`).
 *
 * @example
 * const running = await listenServer(server, { host: "127.0.0.1", port: 8080 });
 * process.once("SIGTERM", () => running.shutdown(30_000).then(() => process.exit(0)));
 */
export async function listenServer(server: MullServer, options: ListenOptions): Promise<RunningServer> {
  const httpServer = await new Promise<Server>((resolve, reject) => {
    const created = serve({
      fetch: server.app.fetch,
      port: options.port,
      hostname: options.host,
      // Lightweight Request and Response: a JSON answer is written from its string, and a body of declared
      // length read from the socket, without building web objects and streams in between (it replaces
      // the globals of the process that serves, which is fine for `mull serve`).
      overrideGlobalObjects: true,
    }) as Server;
    created.once("error", reject);
    created.once("listening", () => {
      created.off("error", reject);
      resolve(created);
    });
  });
  httpServer.on("error", (error) => server.logger.error({ error: String(error) }, "http server error"));
  const address = httpServer.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let shutting: Promise<ShutdownReport> | undefined;

  const shutdown = async (graceMilliseconds: number): Promise<ShutdownReport> => {
    // The listener stays open while requests drain: a load balancer's probe reads 503 `draining` on
    // `/health` and a client is told to retry elsewhere, where a closed listener would refuse them both.
    server.startDraining();
    server.logger.info({ inFlight: server.inFlight(), graceMilliseconds }, "draining");
    const started = performance.now();
    const drained = await Promise.race([
      server.idle().then(() => true),
      sleep(graceMilliseconds, undefined, unreferenced).then(() => false),
    ]);
    const cut = drained ? 0 : server.inFlight();
    if (!drained) {
      server.logger.warn({ cut }, "grace period over: cutting requests in flight");
      server.abortAll();
      await Promise.race([server.idle(), sleep(1_000, undefined, unreferenced)]);
    }
    const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    // A finished request may still be writing its response: connections close by themselves once
    // written (responses say `connection: close` while draining); wait for that, within the grace.
    const left = Math.max(100, graceMilliseconds - (performance.now() - started));
    await Promise.race([closed, sleep(Math.min(left, 2_000), undefined, unreferenced)]);
    httpServer.closeAllConnections();
    await closed;
    server.logger.info({ drained, cut }, "stopped");
    return { drained, cut };
  };

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    httpServer,
    shutdown(graceMilliseconds) {
      shutting ??= shutdown(graceMilliseconds);
      return shutting;
    },
  };
}
