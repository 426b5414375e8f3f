import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { markDropSettled } from "../../runtime/index.ts";
import { fetchOnceMoreIfDropped } from "./fetch-once-more-if-dropped.ts";

let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running === undefined) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/**
 * A keep-alive loopback server that answers `ok` with the request's number, except the requests whose
 * numbers `drops` says: those it takes in and closes the connection of, unanswered.
 */
async function dropping(
  drops: (number: number) => boolean,
): Promise<{ url: string; received: () => number }> {
  let received = 0;
  server = createServer((request, response) => {
    received += 1;
    const number = received;
    if (drops(number)) {
      request.socket.destroy();
      return;
    }
    request.resume();
    request.on("end", () => response.end(`ok ${number}`));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/completions`, received: () => received };
}

/** `fetch`, counting its calls. */
function countingFetch(): { fetcher: typeof fetch; calls: () => number } {
  let calls = 0;
  const fetcher = ((input: string | URL | Request, init?: RequestInit) => {
    calls += 1;
    return fetch(input, init);
  }) as typeof fetch;
  return { fetcher, calls: () => calls };
}

const post = { method: "POST", body: JSON.stringify({ prompt: "2+2=" }) };

describe("fetchOnceMoreIfDropped", () => {
  it("sends a request again when the server closes the kept-alive connection it came on, unanswered", async () => {
    const upstream = await dropping((number) => number === 2);
    const { fetcher, calls } = countingFetch();
    expect(await (await fetchOnceMoreIfDropped(fetcher, upstream.url, post)).text()).toBe("ok 1");
    // The second request goes out on the first one's connection, which the server closes on taking it in.
    expect(await (await fetchOnceMoreIfDropped(fetcher, upstream.url, post)).text()).toBe("ok 3");
    expect(calls()).toBe(3);
    expect(upstream.received()).toBe(3);
  });

  it("sends it once more only: a server that drops every request fails it", async () => {
    const upstream = await dropping((number) => number > 1);
    const { fetcher, calls } = countingFetch();
    await (await fetchOnceMoreIfDropped(fetcher, upstream.url, post)).text();
    const error = await fetchOnceMoreIfDropped(fetcher, upstream.url, post).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("fetch failed");
    expect(calls()).toBe(3);
    expect(upstream.received()).toBe(3);
  });

  it("does not send again a refused connection, an aborted request or a drop a fetch below settled", async () => {
    const refusing = countingFetch();
    const upstream = await dropping(() => false);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const refused = await fetchOnceMoreIfDropped(refusing.fetcher, upstream.url, post).catch(
      (thrown: unknown) => thrown,
    );
    expect(((refused as Error).cause as { code?: string }).code).toBe("ECONNREFUSED");
    expect(refusing.calls()).toBe(1);

    const reset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    let calls = 0;
    const controller = new AbortController();
    const abortingFetch = (async () => {
      calls += 1;
      controller.abort(new Error("caller left"));
      throw new TypeError("fetch failed", { cause: reset() });
    }) as unknown as typeof fetch;
    await expect(
      fetchOnceMoreIfDropped(abortingFetch, "http://upstream.test/v1", {
        ...post,
        signal: controller.signal,
      }),
    ).rejects.toThrow("fetch failed");
    expect(calls).toBe(1);

    const settledError = markDropSettled(new TypeError("fetch failed", { cause: reset() }));
    calls = 0;
    const settlingFetch = (async () => {
      calls += 1;
      throw settledError;
    }) as unknown as typeof fetch;
    await expect(fetchOnceMoreIfDropped(settlingFetch, "http://upstream.test/v1", post)).rejects.toBe(
      settledError,
    );
    expect(calls).toBe(1);
  });
});
