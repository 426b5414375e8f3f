import { createParser } from "eventsource-parser";
import type { BodyReading } from "./body-reading.ts";
import type { ParsedResponse } from "./response-parser.ts";
import type { StreamAssembler } from "./stream-assembler.ts";
import type { StreamCompletion } from "./stream-completion.ts";

/**
 * How long a complete stream still waits for its `[DONE]` and the end of its body before it is closed:
 * long enough for a server that sends them right after its last chunk (the connection then goes back to
 * the pool), short enough that one that never sends them costs little.
 */
export const doneGraceMilliseconds = 500;

/**
 * Reads a server-sent event stream of chunks into one response, through `assembler` (whose piece relay
 * and watcher see the chunks as they arrive, and which keeps what arrived however the read ends).
 *
 * A stream ends normally with `[DONE]`. One that has delivered everything the request asked for
 * (`expected`: every choice's finish reason, and the usage when it was asked for) is complete without it:
 * reading goes on for `doneGraceMilliseconds` at most, free of the stall timer, for the `[DONE]` and the
 * end of the body (chunks that come meanwhile still count; an unreadable one ends the read), then the body
 * is cancelled, so a server that holds the connection open never stalls a whole answer. Any other stream
 * that ends, stalls, or carries an error event or a malformed chunk fails the attempt: a cut stream is
 * never a short answer. When the assembler's watcher stops the first choice, reading stops there and the
 * stream is cancelled (which closes the connection, so the server stops generating), and the response
 * holds what came before, that choice's finish reason `cut`.
 */
export async function readEventStream(
  response: Response,
  reading: BodyReading,
  assembler: StreamAssembler,
  expected: StreamCompletion,
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
  // Set once the stream is complete: cancelling the body then ends the read in progress as a normal end.
  let grace: ReturnType<typeof setTimeout> | undefined;
  reading.armStall();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (thrown) {
        // A complete stream whose connection went during the wait for [DONE] has delivered everything.
        if (grace !== undefined) break;
        throw reading.networkFailure(
          thrown,
          `while reading the stream, after ${assembler.chunks} chunks`,
          assembler.chunks,
        );
      }
      if (chunk.done) break;
      if (grace === undefined) reading.armStall();
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (streamFailure !== undefined) {
        if (grace !== undefined) break;
        throw reading.malformed(streamFailure);
      }
      if (sawDone || assembler.cut) break;
      if (grace === undefined && assembler.missing(expected) === undefined) {
        reading.stopStall();
        grace = setTimeout(() => void reader.cancel().catch(() => undefined), doneGraceMilliseconds);
      }
    }
  } finally {
    clearTimeout(grace);
    reading.stopStall();
    // Also after [DONE]: whatever follows it is not needed, and a cancelled body frees the connection.
    await reader.cancel().catch(() => undefined);
  }
  const missing = sawDone ? undefined : assembler.missing(expected);
  if (missing !== undefined) {
    throw reading.retryable(
      `POST ${reading.publicUrl}: the stream ended without [DONE] after ${assembler.chunks} chunks, and ${missing} (a cut stream is a failed sample)`,
    );
  }
  return assembler.result();
}
