/** Writes Anthropic's named server-sent events to one stream; whatever is written once it is closed is dropped. */
export interface EventWriter {
  /** One `event: <type>` with its payload as JSON `data:`; the payload's `type` names the event. */
  events(payloads: readonly { readonly type: string }[]): void;
  /** Ends the stream. */
  close(): void;
}

/** Options of `createEventStream`. */
export interface EventStreamOptions {
  /** Called once, at once, with the writer of the stream. */
  start(writer: EventWriter): void;
  /** The client stopped reading. */
  cancel(): void;
}

const encoder = new TextEncoder();

/**
 * A body of server-sent events in Anthropic's framing (`event: message_start` then `data: {…}`, no
 * `[DONE]`), for `POST /v1/messages` with `stream: true`. Events written together go out as one chunk.
 *
 * @example
 * const body = createEventStream({
 *   start(writer) {
 *     writer.events([{ type: "ping" }]);
 *     writer.close();
 *   },
 *   cancel() {},
 * });
 */
export function createEventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      options.start({
        events(payloads) {
          if (closed || payloads.length === 0) return;
          const text = payloads
            .map((payload) => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`)
            .join("");
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            // The stream was cancelled in between.
          }
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
