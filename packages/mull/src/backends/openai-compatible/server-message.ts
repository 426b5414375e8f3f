const longest = 500;

/**
 * The server's own words from an error body: OpenAI's `error.message`, vLLM's `message`, FastAPI's `detail`,
 * or the raw text, shortened to a readable length.
 */
export function serverMessage(body: string): string {
  const text = body.trim();
  if (text === "") return "(no message)";
  let found: string | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    found = messageIn(parsed);
  } catch {
    found = undefined;
  }
  const message = (found ?? text).replace(/\s+/g, " ");
  return message.length > longest ? `${message.slice(0, longest)}…` : message;
}

function messageIn(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ["error", "message", "detail"]) {
    const inner = record[key];
    if (typeof inner === "string") return inner;
    if (typeof inner === "object" && inner !== null) {
      const nested = messageIn(inner);
      if (nested !== undefined) return nested;
      return JSON.stringify(inner);
    }
  }
  return undefined;
}

/** Replaces every occurrence of each secret in a text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join("[redacted]");
  }
  return result;
}
