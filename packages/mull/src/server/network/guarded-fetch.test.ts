import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAddressPolicy } from "./address-policy.ts";
import { createGuardedFetch, type GuardedFetch, RefusedAddressError } from "./guarded-fetch.ts";

let server: Server;
let port: number;
let received: string[];
let receivedHeaders: IncomingHttpHeaders[];
let closedEarly: number;
let guarded: GuardedFetch | undefined;
let finishSlowBody: (() => void) | undefined;
/** Connections that have carried a request: a `/drop/…` request on one of them is dropped unanswered. */
let servedSockets: WeakSet<Socket>;

beforeEach(async () => {
  received = [];
  receivedHeaders = [];
  closedEarly = 0;
  servedSockets = new WeakSet();
  server = createServer((request, response) => {
    received.push(request.url ?? "");
    receivedHeaders.push(request.headers);
    const reused = servedSockets.has(request.socket);
    servedSockets.add(request.socket);
    // A server done with a kept-alive connection: it closes it, without a word, under the next request.
    if (request.url === "/reset" || (reused && request.url === "/drop/reset")) {
      request.socket.resetAndDestroy();
      return;
    }
    if (reused && request.url === "/drop/close") {
      request.socket.destroy();
      return;
    }
    if (reused && request.url === "/drop/after-status") {
      request.socket.write("HTTP/1.1 200 OK\r\n");
      request.socket.destroy();
      return;
    }
    response.on("close", () => {
      if (!response.writableFinished) closedEarly += 1;
    });
    if (request.url === "/redirect") {
      response.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" });
      response.end();
      return;
    }
    if (request.url === "/hang") return;
    if (request.url === "/slow-end") {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: first\n\n");
      finishSlowBody = () => response.end("data: [DONE]\n\n");
      return;
    }
    let body = "";
    request.on("data", (part) => {
      body += String(part);
    });
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ method: request.method, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  guarded?.close();
  guarded = undefined;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const names: Record<string, string[]> = {
  "upstream.test": ["127.0.0.1"],
  "rebind.test": ["10.0.0.5"],
  "mixed.test": ["127.0.0.1", "169.254.169.254"],
};

function make(allowed: string[]): GuardedFetch {
  guarded = createGuardedFetch({
    policy: createAddressPolicy(allowed),
    resolve: async (hostname) => (names[hostname] ?? []).map((address) => ({ address, family: 4 })),
  });
  return guarded;
}

async function refusal(promise: Promise<unknown>): Promise<RefusedAddressError> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as Error).cause;
    if (cause instanceof RefusedAddressError) return cause;
    throw error;
  }
  throw new Error("the request was not refused");
}

describe("createGuardedFetch", () => {
  it("connects to an allowlisted address and sends the body", async () => {
    const { fetch } = make(["127.0.0.1/32"]);
    const response = await fetch(`http://upstream.test:${port}/v1/x`, { method: "POST", body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: "POST", body: '{"a":1}' });
  });

  it("refuses a name that resolves to a private address, before connecting", async () => {
    const { fetch } = make(["127.0.0.1/32"]);
    const error = await refusal(fetch(`http://rebind.test:${port}/v1/x`, { method: "POST", body: "{}" }));
    expect(error.message).toMatch(/10\.0\.0\.5/);
    expect(error.message).toMatch(/private/);
  });

  it("refuses a name when any of its addresses is refused", async () => {
    const { fetch } = make(["127.0.0.1/32"]);
    const error = await refusal(fetch(`http://mixed.test:${port}/`));
    expect(error.message).toMatch(/169\.254\.169\.254/);
    expect(received).toEqual([]);
  });

  it("refuses a literal loopback address that is not allowlisted", async () => {
    const { fetch } = make([]);
    const error = await refusal(fetch(`http://127.0.0.1:${port}/v1/x`));
    expect(error.message).toMatch(/loopback/);
    expect(received).toEqual([]);
  });

  it("does not follow redirects", async () => {
    const { fetch } = make(["127.0.0.1/32"]);
    const response = await fetch(`http://upstream.test:${port}/redirect`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://169.254.169.254/latest/meta-data");
    expect(received).toEqual(["/redirect"]);
  });

  it("aborts a request in flight and closes its connection", async () => {
    const { fetch } = make(["127.0.0.1/32"]);
    const controller = new AbortController();
    const pending = fetch(`http://upstream.test:${port}/hang`, { signal: controller.signal });
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
    for (let attempt = 0; attempt < 500 && closedEarly === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(closedEarly).toBe(1);
  });

  it("sends the headers of a plain record as Headers would: names lower-cased, values trimmed, repeats joined", async () => {
    const { fetch } = make(["127.0.0.1/32"]);
    const init = { "X-Trace": " a ", "x-trace": "b", Accept: "application/json" };
    for (const headers of [init, new Headers(Object.entries(init))]) {
      const response = await fetch(`http://127.0.0.1:${port}/echo`, { method: "POST", headers, body: "{}" });
      await response.text();
    }
    expect(receivedHeaders).toHaveLength(2);
    for (const headers of receivedHeaders) {
      expect(headers["x-trace"]).toBe("a, b");
      expect(headers.accept).toBe("application/json");
      expect(headers["content-length"]).toBe("2");
    }
  });

  it("lets a reader cancel a body whose end arrives afterwards, and the late end touches nothing", async () => {
    const { fetch } = make(["127.0.0.1/32"]);
    // The late end is done with once the client's message closes (after its `end`, or once the drain gives
    // up on it); an error its `end` raised is uncaught, and ends the wait too.
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => {
      uncaught.push(error);
      done();
    };
    // Node announces each client response on this channel with its IncomingMessage, before the fetch sees it.
    const watch = (message: unknown) =>
      (message as { response: IncomingMessage }).response.once("close", done);
    subscribe("http.client.response.finish", watch);
    process.on("uncaughtException", record);
    try {
      const response = await fetch(`http://upstream.test:${port}/slow-end`);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe("data: first\n\n");
      await reader.cancel();
      finishSlowBody?.();
      await finished;
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", record);
      unsubscribe("http.client.response.finish", watch);
    }
  });

  it.each([
    "reset",
    "close",
  ])("sends a request again, once, on a fresh connection when the upstream dropped the reused one unanswered (%s)", async (how) => {
    const guardedFetch = make(["127.0.0.1/32"]);
    const first = await guardedFetch.fetch(`http://127.0.0.1:${port}/first`, { method: "POST", body: "{}" });
    await first.text();
    const response = await guardedFetch.fetch(`http://127.0.0.1:${port}/drop/${how}`, {
      method: "POST",
      body: '{"b":2}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: "POST", body: '{"b":2}' });
    // The dropped request reached the upstream on the old connection, its copy on a new one.
    expect(received).toEqual(["/first", `/drop/${how}`, `/drop/${how}`]);
    expect(guardedFetch.resent()).toBe(1);
  });

  it("does not send again a request whose fresh connection was reset", async () => {
    const guardedFetch = make(["127.0.0.1/32"]);
    const error = await guardedFetch
      .fetch(`http://127.0.0.1:${port}/reset`, { method: "POST", body: "{}" })
      .catch((thrown: unknown) => thrown);
    expect((error as Error).message).toBe("fetch failed");
    expect(((error as Error).cause as { code?: unknown }).code).toBe("ECONNRESET");
    expect(received).toEqual(["/reset"]);
    expect(guardedFetch.resent()).toBe(0);
  });

  it("does not send again a request on a reused connection once its response had begun", async () => {
    const guardedFetch = make(["127.0.0.1/32"]);
    await (await guardedFetch.fetch(`http://127.0.0.1:${port}/first`)).text();
    const error = await guardedFetch
      .fetch(`http://127.0.0.1:${port}/drop/after-status`, { method: "POST", body: "{}" })
      .catch((thrown: unknown) => thrown);
    expect((error as Error).message).toBe("fetch failed");
    expect(received).toEqual(["/first", "/drop/after-status"]);
    expect(guardedFetch.resent()).toBe(0);
  });

  it("sends a request dropped on the fresh connection of its resend no more", async () => {
    const guardedFetch = make(["127.0.0.1/32"]);
    await (await guardedFetch.fetch(`http://127.0.0.1:${port}/first`)).text();
    const error = await guardedFetch
      .fetch(`http://127.0.0.1:${port}/reset`, { method: "POST", body: "{}" })
      .catch((thrown: unknown) => thrown);
    expect((error as Error).message).toBe("fetch failed");
    expect(received).toEqual(["/first", "/reset", "/reset"]);
    expect(guardedFetch.resent()).toBe(1);
  });
});
