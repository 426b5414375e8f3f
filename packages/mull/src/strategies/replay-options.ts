/**
 * One option of a replay spec after a colon: a letter and a number (`e10`, `w2048`, `p1`, `t0.99`,
 * `u0.5`), or one of the confidence measures of DeepConf's offline filter (`tail`).
 */
const replayOption = /^(?:[a-z]\d+(?:\.\d+)?|lowest-group|bottom-10%|tail)$/i;

/**
 * The options a spec writes after its first colon when they are written as `mull replay` reads them over
 * recorded samples (`:e10`, `:e10:tail`, `:t0.99`) rather than as a model route: `undefined` for a spec
 * without a colon, and for one that names models there (`cascade@8:lab-small>lab-large`, `sc@8:lab-large`).
 *
 * @example
 * replayOptionsOf("deepconf@8:e10:tail"); // ":e10:tail"
 * replayOptionsOf("deepconf@8:lab-large"); // undefined
 */
export function replayOptionsOf(text: string): string | undefined {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  if (colon < 0) return undefined;
  const options = trimmed.slice(colon);
  const written = options
    .slice(1)
    .split(":")
    .every((option) => replayOption.test(option.trim()));
  return written ? options : undefined;
}
