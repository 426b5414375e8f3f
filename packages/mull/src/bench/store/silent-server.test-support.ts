import { createServer, type Socket } from "node:net";

/** A TCP server on loopback that accepts connections and never sends a byte, as a hung database would. */
export interface SilentServer {
  /** The port it listens on (one the system chose). */
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Drops the open connections and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a silent server on 127.0.0.1: a client's connect succeeds at once, then waits for an answer that
 * never comes, like a PostgreSQL server that hangs before its greeting.
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the silent server has no port");
  return {
    port: address.port,
    get accepted() {
      return accepted;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
