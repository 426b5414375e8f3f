/** Response headers of a server-sent event stream; buffering proxies are asked not to hold it back. */
export const sseHeaders: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** Writes server-sent events to one stream. Whatever is written once it is closed or cancelled is dropped. */
export interface SseWriter {
  /** A `: text` comment, which clients skip: it keeps idle connections and proxies from timing out. */
  comment(text: string): void;
  /** One `data:` event per payload (as JSON), sent together; `done` ends them with `data: [DONE]`. */
  data(payloads: readonly unknown[], options?: { readonly done?: boolean }): void;
  /**
   * One named event per payload, `event: <type>` then its JSON `data:` (Anthropic's framing, no `[DONE]`),
   * sent together; the payload's `type` names the event.
   */
  events(payloads: readonly { readonly type: string }[]): void;
  /** Ends the stream. */
  close(): void;
}

/** Options of `createSseStream`. */
export interface SseStreamOptions {
  /** Called once, at once, with the writer of the stream. */
  start(writer: SseWriter): void;
  /** The client stopped reading. */
  cancel(): void;
}

const encoder = new TextEncoder();

function dataEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/**
 * A body of server-sent events: every streamed response of the server is written through it, in OpenAI's
 * format (`data` events and `[DONE]`) or Anthropic's (named `events`). Events written together go out as
 * one chunk.
 *
 * @example
 * const body = createSseStream({
 *   start(writer) {
 *     writer.data([{ choices: [] }], { done: true });
 *     writer.close();
 *   },
 *   cancel() {},
 * });
 * return new Response(body, { headers: sseHeaders });
 */
export function createSseStream(options: SseStreamOptions): ReadableStream<Uint8Array> {
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The stream was cancelled in between.
        }
      };
      options.start({
        comment: (text) => send(`: ${text}\n\n`),
        data(payloads, { done = false } = {}) {
          const events = payloads.map(dataEvent).join("");
          send(done ? `${events}data: [DONE]\n\n` : events);
        },
        events(payloads) {
          if (payloads.length === 0) return;
          send(payloads.map((payload) => `event: ${payload.type}\n${dataEvent(payload)}`).join(""));
        },
        close() {
          if (closed) return;
          closed = true;
          try {
            controller.close();
          } catch {}
        },
      });
    },
    cancel() {
      closed = true;
      options.cancel();
    },
  });
}
