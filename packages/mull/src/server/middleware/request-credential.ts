/**
 * The credential a request carries, as an `Authorization` header value for `ApiKeyCheck`: its bearer
 * token, or else Anthropic's `x-api-key` header read as one (the Anthropic SDK sends its key there), so
 * one key check serves both APIs.
 *
 * @example
 * keys.accepts(requestCredential((name) => context.req.header(name)));
 */
export function requestCredential(header: (name: string) => string | undefined): string | undefined {
  const authorization = header("authorization");
  if (authorization !== undefined && authorization !== "") return authorization;
  const apiKey = header("x-api-key")?.trim();
  return apiKey === undefined || apiKey === "" ? undefined : `Bearer ${apiKey}`;
}
