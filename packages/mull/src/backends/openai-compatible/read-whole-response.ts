import type { BodyReading } from "./body-reading.ts";
import { type ParsedResponse, parseWholeResponse } from "./response-parser.ts";

/**
 * Reads a whole (unstreamed) body as text. Once its first bytes arrived, `onBytes` runs on every chunk,
 * so a body that goes silent part-way fails by the stall timeout; the silence before it begins is
 * bounded by the deadline only (a server may send its headers long before its answer).
 */
async function readText(response: Response, onBytes: () => void): Promise<string> {
  const body = response.body;
  if (body === null) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    onBytes();
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}

/** Reads and parses a whole JSON response; a cut, stalled, invalid or misshapen body fails the attempt. */
export async function readWholeResponse(
  response: Response,
  reading: BodyReading,
  withTopLogprobs: boolean,
): Promise<ParsedResponse> {
  let text: string;
  try {
    text = await readText(response, () => reading.armStall());
  } catch (thrown) {
    throw reading.networkFailure(thrown, "while reading the response", 0);
  } finally {
    reading.stopStall();
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw reading.retryable(
      `POST ${reading.publicUrl}: the response is not valid JSON (${text.length} characters)`,
    );
  }
  try {
    return parseWholeResponse(payload, withTopLogprobs);
  } catch (thrown) {
    throw reading.malformed(thrown);
  }
}
