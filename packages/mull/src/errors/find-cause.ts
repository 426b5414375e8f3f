/** How many links of a cause chain `findCause` follows before it gives up. */
const maximumDepth = 16;

/**
 * The first error in `error`'s chain of causes (the error itself first, then its `cause`, that one's
 * `cause`, and so on) that satisfies `predicate`, or `undefined` when none does. It stops at a value
 * that is not an object, at a link it has already visited (a chain that loops back on itself) and after
 * 16 links, so a malformed chain can never hang it.
 *
 * @example
 * const circuit = findCause(error, CircuitOpenError.isInstance);
 */
export function findCause<Found>(
  error: unknown,
  predicate: (candidate: unknown) => candidate is Found,
): Found | undefined {
  const visited = new Set<object>();
  let current = error;
  while (
    typeof current === "object" &&
    current !== null &&
    !visited.has(current) &&
    visited.size < maximumDepth
  ) {
    if (predicate(current)) return current;
    visited.add(current);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
