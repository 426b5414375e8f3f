import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { describeNetworkFailure } from "./describe-network-failure.ts";

/** An error with a system code, as Node's sockets throw them. */
function systemError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A loopback port nothing listens on (one just closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("expected a port");
  return address.port;
}

describe("describeNetworkFailure", () => {
  it("says what `fetch` hid under 'fetch failed': a refused connection, with its address", async () => {
    const port = await closedPort();
    const error = await fetch(`http://127.0.0.1:${port}/v1/models`).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((error as Error).message).toBe("fetch failed");
    expect(describeNetworkFailure(error)).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it("adds the code where the message does not say it, and gives the code alone for an empty message", () => {
    const reset = new TypeError("fetch failed", {
      cause: systemError("other side closed", "UND_ERR_SOCKET"),
    });
    expect(describeNetworkFailure(reset)).toBe("other side closed (UND_ERR_SOCKET)");
    // Every address of `localhost` refused: an AggregateError without a message.
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new AggregateError([], ""), { code: "ECONNREFUSED" }),
    });
    expect(describeNetworkFailure(refused)).toBe("ECONNREFUSED");
    expect(describeNetworkFailure(systemError("getaddrinfo ENOTFOUND nowhere", "ENOTFOUND"))).toBe(
      "getaddrinfo ENOTFOUND nowhere",
    );
    expect(describeNetworkFailure(new Error("body stalled"))).toBe("body stalled");
    expect(describeNetworkFailure("socket hang up")).toBe("socket hang up");
  });
});
