/**
 * A backend spec as messages show it: without the `user:password@` of its URL.
 *
 * @example
 * backendSpecShown("http://me:secret@host/v1#m"); // "http://host/v1#m"
 */
export function backendSpecShown(spec: string): string {
  return spec.replace(/\/\/[^/@?#]*@/, "//");
}
