import { createParser } from "eventsource-parser";
import type { BodyReading } from "./body-reading.ts";
import { type ParsedResponse, StreamAssembler } from "./response-parser.ts";

/**
 * Reads a server-sent event stream of chunks into one response. Only a stream that ends with `[DONE]`
 * is a result: one cut, stalled or carrying an error event fails the attempt. `onText` receives the
 * first choice's text pieces as they arrive.
 */
export async function readEventStream(
  response: Response,
  reading: BodyReading,
  withTopLogprobs: boolean,
  onText: ((text: string) => void) | undefined,
): Promise<ParsedResponse> {
  const body = response.body;
  if (body === null) throw reading.retryable(`POST ${reading.publicUrl}: the stream has no body`);
  const assembler = new StreamAssembler(withTopLogprobs, onText);
  let sawDone = false;
  let streamFailure: unknown;
  const parser = createParser({
    onEvent: (event) => {
      if (sawDone || streamFailure !== undefined) return;
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
      if (sawDone) break;
    }
  } finally {
    reading.stopStall();
    // Also after [DONE]: whatever follows it is not needed, and a cancelled body frees the connection.
    await reader.cancel().catch(() => undefined);
  }
  if (!sawDone) {
    throw reading.retryable(
      `POST ${reading.publicUrl}: the stream ended without [DONE] after ${assembler.chunks} chunks (a cut stream is a failed sample)`,
    );
  }
  return assembler.result();
}
