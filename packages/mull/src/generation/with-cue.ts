/**
 * A partial solution with a cue appended (an answer cue, a continue cue). A cue that begins with
 * whitespace replaces the whitespace the solution ends with, so a solution cut just after a line break
 * does not get a blank line the model never saw; a cue that begins with anything else is appended as is.
 *
 * @example
 * withCue("\n61+84=145\n145+4", "\n#### "); // "\n61+84=145\n145+4\n#### "
 * withCue("\n61+84=145\n", "\n#### "); // "\n61+84=145\n#### "
 */
export function withCue(text: string, cue: string): string {
  return /^\s/.test(cue) ? text.trimEnd() + cue : text + cue;
}
