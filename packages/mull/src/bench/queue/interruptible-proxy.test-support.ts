import { connect, createServer, type Server, type Socket } from "node:net";

/** A TCP proxy on a loopback port before a real server, which a test can cut off and bring back. */
export interface InterruptibleProxy {
  /** The loopback port it listens on, the same after each `restore`. */
  readonly port: number;
  /**
   * Stops listening (new connections are refused) and resets every open connection, as a server that
   * was stopped does; resolves once the port is closed.
   */
  cut(): Promise<void>;
  /** Listens again on the same port, forwarding to the server as before. */
  restore(): Promise<void>;
  /** Cuts it off for good; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free loopback port that forwards each connection to `host:port`: a test points a
 * client at the proxy to see it lose a shared server (connections refused, open ones reset) without
 * stopping the server for others.
 *
 * @example
 * const proxy = await startInterruptibleProxy("127.0.0.1", 5432);
 * await proxy.cut(); // clients of proxy.port see ECONNREFUSED
 * await proxy.restore();
 */
export async function startInterruptibleProxy(host: string, port: number): Promise<InterruptibleProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  };
  const listen = async (at: number): Promise<Server> => {
    const server = createServer((client) => {
      const upstream = connect(port, host);
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(at, "127.0.0.1", resolve);
    });
    return server;
  };
  let server: Server | undefined = await listen(0);
  const listening = (server.address() as { port: number }).port;
  const cut = async () => {
    const closing = server;
    server = undefined;
    if (closing === undefined) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  return {
    port: listening,
    cut,
    async restore() {
      server ??= await listen(listening);
    },
    close: cut,
  };
}
