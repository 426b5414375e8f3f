/**
 * A zod `error` option that says what a value must be and what it was, since zod's own messages leave the
 * value out: `must be an integer from 1 to 256, got 0`.
 *
 * @example
 * z.boolean({ error: expecting("a boolean") });
 */
export function expecting(expectation: string): (issue: { readonly input?: unknown }) => string {
  return (issue) => `must be ${expectation}, got ${JSON.stringify(issue.input) ?? String(issue.input)}`;
}
