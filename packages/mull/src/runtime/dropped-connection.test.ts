import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { isDroppedConnection, isResendableDrop, markDropSettled } from "./dropped-connection.ts";

/** An error with a system code, as Node's sockets raise them. */
function systemError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** What Node's HTTP client raises when the server closes the connection without answering. */
async function hangUpError(): Promise<unknown> {
  const server = createServer((incoming) => incoming.socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve) => {
      request({ host: "127.0.0.1", port, method: "POST" }, () => resolve(undefined))
        .on("error", resolve)
        .end("{}");
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("isDroppedConnection", () => {
  it("recognises a real hang-up from Node's HTTP client, under fetch's wrapper too", async () => {
    const error = await hangUpError();
    expect(error).toBeInstanceOf(Error);
    expect(isDroppedConnection(error)).toBe(true);
    expect(isDroppedConnection(new TypeError("fetch failed", { cause: error }))).toBe(true);
  });

  it("recognises a reset, a broken pipe and undici's closed socket, however deep the cause", () => {
    expect(isDroppedConnection(systemError("read ECONNRESET", "ECONNRESET"))).toBe(true);
    expect(isDroppedConnection(systemError("write EPIPE", "EPIPE"))).toBe(true);
    const undici = systemError("other side closed", "UND_ERR_SOCKET");
    expect(isDroppedConnection(new TypeError("fetch failed", { cause: undici }))).toBe(true);
    const wrapped = new Error("POST failed", { cause: new TypeError("fetch failed", { cause: undici }) });
    expect(isDroppedConnection(wrapped)).toBe(true);
    // A bare message, as a hand-made fetch may throw it, is read when the error has no code.
    expect(isDroppedConnection(new TypeError("fetch failed", { cause: new Error("socket hang up") }))).toBe(
      true,
    );
  });

  it("does not take a refused, unresolved or timed-out connection, an abort or a non-error for a dropped one", () => {
    const refused = systemError("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED");
    expect(isDroppedConnection(new TypeError("fetch failed", { cause: refused }))).toBe(false);
    expect(isDroppedConnection(systemError("getaddrinfo ENOTFOUND upstream.test", "ENOTFOUND"))).toBe(false);
    expect(isDroppedConnection(systemError("connect ETIMEDOUT", "ETIMEDOUT"))).toBe(false);
    expect(isDroppedConnection(new DOMException("This operation was aborted", "AbortError"))).toBe(false);
    expect(isDroppedConnection(new TypeError("fetch failed"))).toBe(false);
    // The code decides: a message that mentions a hang-up under another code is that other failure.
    expect(isDroppedConnection(systemError("socket hang up", "ECONNREFUSED"))).toBe(false);
    expect(isDroppedConnection("socket hang up")).toBe(false);
    expect(isDroppedConnection(undefined)).toBe(false);
  });
});

describe("isResendableDrop", () => {
  const reset = () => systemError("read ECONNRESET", "ECONNRESET");

  it("takes a dropped connection that no fetch has settled", () => {
    expect(isResendableDrop(new TypeError("fetch failed", { cause: reset() }))).toBe(true);
  });

  it("refuses a drop marked settled, however deep the mark, and what is not a drop", () => {
    const settled = markDropSettled(new TypeError("fetch failed", { cause: reset() }));
    expect(isDroppedConnection(settled)).toBe(true);
    expect(isResendableDrop(settled)).toBe(false);
    expect(isResendableDrop(new Error("POST failed", { cause: settled }))).toBe(false);
    expect(isResendableDrop(markDropSettled(reset()))).toBe(false);
    const refused = systemError("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED");
    expect(isResendableDrop(new TypeError("fetch failed", { cause: refused }))).toBe(false);
  });
});
