/**
 * The answer line a solution has written after the answer cue: its text after the cue, and whether a line
 * break ended it. `complete` is false where the text ends on that line: an answer cut there may be cut
 * mid-way (`#### 62` may be a cut `#### 624`).
 */
export interface AnswerLine {
  /** What follows the cue on its line, the line break left out. */
  readonly text: string;
  /** Whether a line break ended the line. */
  readonly complete: boolean;
}

/** The cue without its leading whitespace, and whether that whitespace holds a line break. */
function cueParts(cue: string): { readonly core: string; readonly lead: string } {
  const core = cue.trimStart();
  return { core, lead: cue.slice(0, cue.length - core.length) };
}

/**
 * Whether the cue's text may start at `index` of `text`: after a line break (or at the start) for a cue
 * that begins with one, after whitespace (or at the start) for a cue that begins with other whitespace,
 * anywhere for a cue that begins with neither.
 */
function startsCue(text: string, index: number, lead: string): boolean {
  if (index === 0 || lead === "") return true;
  const before = text[index - 1]!;
  return lead.includes("\n") ? before === "\n" : /\s/.test(before);
}

/**
 * The answer line of `text`: the line after the last place it wrote `cue` (a cue that begins with
 * whitespace found where that whitespace would be, e.g. `\n#### ` at a line's start, however many line
 * breaks came before it); `undefined` when it wrote none, or the cue is only whitespace.
 *
 * @example
 * answerLine("\n719-95=624\n#### 62", "\n#### "); // { text: "62", complete: false }
 * answerLine("\n719-95=624\n#### 624\nQ: next", "\n#### "); // { text: "624", complete: true }
 * answerLine("\n719-95=624", "\n#### "); // undefined
 */
export function answerLine(text: string, cue: string): AnswerLine | undefined {
  const { core, lead } = cueParts(cue);
  if (core === "") return undefined;
  let index = text.lastIndexOf(core);
  while (index >= 0 && !startsCue(text, index, lead)) {
    index = index === 0 ? -1 : text.lastIndexOf(core, index - 1);
  }
  if (index < 0) return undefined;
  const after = text.slice(index + core.length);
  const end = after.indexOf("\n");
  return end < 0 ? { text: after, complete: false } : { text: after.slice(0, end), complete: true };
}

/**
 * How many characters at the end of `text` begin `cue` without finishing it (`\n###` of `\n#### `), found
 * as `answerLine` finds a whole cue; 0 where none do, and for a cue that does not begin with whitespace
 * (its first characters could be any word's).
 *
 * @example
 * begunCue("\n719-95=624\n###", "\n#### "); // 3
 * begunCue("\n719-95=624", "\n#### "); // 0
 */
export function begunCue(text: string, cue: string): number {
  const { core, lead } = cueParts(cue);
  if (lead === "") return 0;
  for (let length = Math.min(core.length - 1, text.length); length > 0; length -= 1) {
    if (text.endsWith(core.slice(0, length)) && startsCue(text, text.length - length, lead)) return length;
  }
  return 0;
}
