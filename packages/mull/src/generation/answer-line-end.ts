import { answerLine } from "./answer-line.ts";

/**
 * Where the answer line of `text` (`answerLine`: the line after the last place it wrote `cue`) ends: the
 * index of the line break that ended it, so that `text.slice(0, end)` is the text up to its answer and no
 * further; `undefined` when the text wrote no answer line, or the text ends on it (no line break yet).
 *
 * @example
 * answerLineEnd("\n719-95=624\n#### 624\nQ: 5+5=?", "\n#### "); // 20: "\n719-95=624\n#### 624"
 * answerLineEnd("\n719-95=624\n#### 62", "\n#### "); // undefined
 */
export function answerLineEnd(text: string, cue: string): number | undefined {
  if (answerLine(text, cue)?.complete !== true) return undefined;
  // No cue follows the answer line (it is the last), so every text cut at a later line break still holds
  // that line ended, and the text cut at its own line break holds it open: the last such cut is its end.
  for (let end = text.lastIndexOf("\n"); end > 0; end = text.lastIndexOf("\n", end - 1)) {
    if (answerLine(text.slice(0, end), cue)?.complete === false) return end;
  }
  return undefined;
}
