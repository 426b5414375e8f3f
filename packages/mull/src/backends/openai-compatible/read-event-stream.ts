import { createParser } from "eventsource-parser";
import type { BodyReading } from "./body-reading.ts";
import type { ParsedResponse } from "./response-parser.ts";
import type { StreamAssembler } from "./stream-assembler.ts";

/**
 * Reads a server-sent event stream of chunks into one response, through `assembler` (whose piece relay
 * and watcher see the chunks as they arrive, and which keeps what arrived however the read ends). Only a
 * stream that ends with `[DONE]` is a result: one cut, stalled or carrying an error event fails the
 * attempt. When the assembler's watcher stops the first choice, reading stops there and the stream is
 * cancelled (which closes the connection, so the server stops generating), and the response holds what
 * came before, that choice's finish reason `cut`.
 */
export async function readEventStream(
  response: Response,
  reading: BodyReading,
  assembler: StreamAssembler,
): Promise<ParsedResponse> {
  const body = response.body;
  if (body === null) throw reading.retryable(`POST ${reading.publicUrl}: the stream has no body`);
  let sawDone = false;
  let streamFailure: unknown;
  const parser = createParser({
    onEvent: (event) => {
      if (sawDone || streamFailure !== undefined || assembler.cut) return;
      reading.firstEvent();
      if (event.data.trim() === "[DONE]") {
        sawDone = true;
        return;
      }
      try {
        assembler.add(JSON.parse(event.data));
      } catch (thrown) {
        streamFailure = thrown;
      }
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  reading.armStall();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (thrown) {
        throw reading.networkFailure(
          thrown,
          `while reading the stream, after ${assembler.chunks} chunks`,
          assembler.chunks,
        );
      }
      if (chunk.done) break;
      reading.armStall();
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (streamFailure !== undefined) throw reading.malformed(streamFailure);
      if (sawDone || assembler.cut) break;
    }
  } finally {
    reading.stopStall();
    // Also after [DONE]: whatever follows it is not needed, and a cancelled body frees the connection.
    await reader.cancel().catch(() => undefined);
  }
  if (!sawDone && !assembler.cut) {
    throw reading.retryable(
      `POST ${reading.publicUrl}: the stream ended without [DONE] after ${assembler.chunks} chunks (a cut stream is a failed sample)`,
    );
  }
  return assembler.result();
}
