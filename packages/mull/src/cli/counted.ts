/**
 * A count with its noun, plural unless the count is 1, as the CLI's messages say them.
 *
 * @example
 * counted(1, "call"); // "1 call"
 * counted(3, "call"); // "3 calls"
 */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
