import type { IncomingMessage } from "node:http";

/**
 * Converting between fetch's messages and `node:http`'s, for the guarded fetch: headers both ways, a
 * request body, and a response body as a web stream that drains on cancel.
 */

/** The headers of a `node:http` response as fetch's `Headers`. */
export function headersOf(message: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    try {
      headers.append(raw[index] as string, raw[index + 1] as string);
    } catch {
      // A header value fetch cannot represent is dropped, as fetch itself would refuse it.
    }
  }
  return headers;
}

/** A request body `node:http` can write: a string or bytes (what the HTTP caller sends); other kinds throw. */
export function bodyText(body: RequestInit["body"]): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  throw new TypeError("guarded fetch sends string or byte bodies only");
}

/** Request headers as the record `node:http` takes, lower-cased, trimmed and joined as `Headers` would. */
export function plainHeaders(init: HeadersInit | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (init === undefined) return result;
  if (Object.getPrototypeOf(init) === Object.prototype) {
    // A plain record (what the HTTP caller sends): no `Headers` to build. As `Headers` would, names are
    // lower-cased, values trimmed and repeated names joined; `node:http` checks names and values.
    for (const [name, value] of Object.entries(init as Record<string, string>)) {
      const key = name.toLowerCase();
      const text = String(value).trim();
      const previous = result[key];
      result[key] = previous === undefined ? text : `${previous}, ${text}`;
    }
    return result;
  }
  new Headers(init).forEach((value, name) => {
    result[name] = value;
  });
  return result;
}

/** Longest a cancelled body is drained (to keep its connection for reuse) before the socket is dropped. */
const drainMilliseconds = 1_000;

/**
 * The body of a response as a web stream. Cancelling it (a reader that stops after `[DONE]`) drains the
 * few bytes left instead of destroying the socket, so the connection goes back to the pool; a body that
 * does not end within `drainMilliseconds` is destroyed.
 */
export function webBody(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  let ended = false;
  // Once the reader cancels, or the stream has closed or failed, the controller takes nothing more: a
  // late `end`, `error` or `close` from the socket must not touch it.
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        incoming.on("data", (chunk: Buffer) => {
          if (settled) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) incoming.pause();
        });
        incoming.once("end", () => {
          ended = true;
          if (settled) return;
          settled = true;
          controller.close();
        });
        incoming.once("error", (error) => {
          if (settled) return;
          settled = true;
          controller.error(error);
        });
        incoming.once("close", () => {
          if (settled || ended || incoming.complete) return;
          settled = true;
          controller.error(new Error("the connection closed before the body ended"));
        });
      },
      pull() {
        incoming.resume();
      },
      cancel() {
        settled = true;
        if (ended) return;
        incoming.removeAllListeners("data");
        const timer = setTimeout(() => incoming.destroy(), drainMilliseconds);
        timer.unref();
        incoming.once("end", () => clearTimeout(timer));
        incoming.once("close", () => clearTimeout(timer));
        incoming.resume();
      },
    },
    { highWaterMark: 16 },
  );
}
