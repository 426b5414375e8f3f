import { ApiError } from "../http/index.ts";

/** Limits on a JSON request body. */
export interface JsonBodyLimits {
  /** Largest body in bytes; a larger one gets 413, without being read past the limit. */
  readonly maxBodyBytes: number;
  /** Deepest nesting of arrays and objects. */
  readonly maxJsonDepth: number;
}

const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Whether a JSON text nests arrays and objects deeper than `limit` (strings are skipped). */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92)
        index += 1; // backslash: skip the escaped character
      else if (code === 34) inString = false;
    } else if (code === 34) {
      inString = true;
    } else if (code === 123 || code === 91) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 125 || code === 93) {
      depth -= 1;
    }
  }
  return false;
}

async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const body = request.body;
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined;
}

/**
 * Reads a body of declared length at once: `@hono/node-server` then reads the socket directly, without a
 * web stream. HTTP framing holds such a body to its declared length (at most the limit, checked before);
 * the check after reading covers a hand-made `Request` whose header says less than its body.
 */
async function readDeclared(request: Request, maxBytes: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  return bytes;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `the request body is larger than the server's limit of ${maxBytes} bytes`, {
    code: "request_too_large",
  });
}

/** A header value as it may be shown in a message: printable ASCII, at most 64 characters. */
function shown(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "?").slice(0, 64);
}

/**
 * Where JSON.parse stopped, from its message, which also quotes the text around that place: a message
 * for the client gives the position only, as a body is never echoed (it may hold anything, binary
 * included).
 */
function invalidJsonMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const position = /\bposition (\d+)/.exec(message)?.[1];
  if (position !== undefined) return `the request body is not valid JSON (at character ${position})`;
  if (/end of (?:JSON )?input/i.test(message)) return "the request body is not valid JSON (it ends too soon)";
  return "the request body is not valid JSON";
}

/**
 * Reads a request's JSON body under limits: 415 unless the content type is JSON and the body is not
 * encoded (a `Content-Encoding` other than `identity`: the server reads plain JSON only, and names the
 * encoding rather than reading compressed bytes as text); 413 when the declared length, or the bytes
 * read so far, pass `maxBodyBytes` (reading stops there); 400 for an empty body, nesting deeper than
 * `maxJsonDepth` (checked before parsing) or invalid JSON (whose message never quotes the body).
 *
 * @throws ApiError with the status above.
 * @example
 * const body = await readJsonBody(context.req.raw, { maxBodyBytes: 4 << 20, maxJsonDepth: 64 });
 */
export async function readJsonBody(request: Request, limits: JsonBodyLimits): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!jsonMediaType.test(contentType)) {
    throw new ApiError(
      415,
      `the request body must be JSON (Content-Type: application/json), got ${contentType === "" ? "no Content-Type" : `"${contentType.slice(0, 100)}"`}`,
      { code: "unsupported_media_type" },
    );
  }
  const encoding = (request.headers.get("content-encoding") ?? "").trim();
  if (encoding !== "" && encoding.toLowerCase() !== "identity") {
    throw new ApiError(
      415,
      `the request body must not be encoded: Content-Encoding "${shown(encoding)}" is not supported; send plain JSON`,
      { code: "unsupported_content_encoding" },
    );
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  const bytes =
    declared === null
      ? await readLimited(request, limits.maxBodyBytes)
      : await readDeclared(request, limits.maxBodyBytes);
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") {
    throw new ApiError(400, "the request body is empty; expected a JSON object", { code: "invalid_json" });
  }
  if (exceedsJsonDepth(text, limits.maxJsonDepth)) {
    throw new ApiError(400, `the JSON body nests deeper than ${limits.maxJsonDepth} levels`, {
      code: "invalid_json",
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, invalidJsonMessage(error), { code: "invalid_json" });
  }
}
