/** A judge's verdict read from its reply. */
export interface JudgeVerdict {
  /** The verdict as a number in [0, 1]; higher means more likely correct. */
  readonly value: number;
  /** The text the verdict was read from, e.g. `Score: 7/10` or `YES`. */
  readonly matched: string;
}

const number = String.raw`(\d+(?:\.\d+)?)`;
const ratio = String.raw`\**\s*(?:\/|out of)\s*(10|100|5|1)\b`;
const labelledPattern = new RegExp(
  String.raw`\b(?:score|rating|grade)\b\s*[:=]?\s*\**\s*${number}(?:${ratio})?`,
  "gi",
);
const ratioPattern = new RegExp(`${number}${ratio}`, "gi");
const wordPattern =
  /\b(not\s+(?:correct|right|valid)|incorrect|correct|wrong|right|yes|no|true|false|invalid|valid|fail|pass)\b/gi;
const positiveWords = new Set(["correct", "right", "yes", "true", "valid", "pass"]);

function lastMatch(pattern: RegExp, text: string): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of text.matchAll(pattern)) last = match as RegExpExecArray;
  return last;
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/**
 * Reads a verdict from a judge's reply, trying in order: the last labelled score (`Score: 7/10`,
 * `Rating: 8 out of 10`; without a scale, `Score: 7` is read on a 0–1, 0–10 or 0–100 scale by its size),
 * the last bare ratio over 1, 5, 10 or 100 (`8/10`), and the last verdict word (`YES`/`NO`, `correct`/`incorrect`, `right`/`wrong`, `true`/`false`, `pass`/`fail`).
 * Returns `undefined` when the reply holds no verdict.
 *
 * @example
 * parseJudgeVerdict("The steps check out.\nScore: 9/10")?.value; // 0.9
 */
export function parseJudgeVerdict(reply: string): JudgeVerdict | undefined {
  const labelled = lastMatch(labelledPattern, reply);
  if (labelled !== undefined) {
    const raw = Number(labelled[1]);
    const scale = labelled[2] !== undefined ? Number(labelled[2]) : raw <= 1 ? 1 : raw <= 10 ? 10 : 100;
    return { value: clamp(raw / scale), matched: labelled[0] };
  }
  const bare = lastMatch(ratioPattern, reply);
  if (bare !== undefined) return { value: clamp(Number(bare[1]) / Number(bare[2])), matched: bare[0] };
  const word = lastMatch(wordPattern, reply);
  if (word !== undefined) {
    const normalised = word[1]!.toLowerCase();
    return { value: positiveWords.has(normalised) ? 1 : 0, matched: word[0] };
  }
  return undefined;
}
