/**
 * One option of a replay spec after a colon, as `mull replay` reads them (`parseReplayStrategy`,
 * `parseLogprobStrategy`): one of its option letters and a number, DeepConf's kept share `e10` and group
 * window `w2048`, self-certainty's power `p1`, the thresholds `t0.99`, `q0.8` and `u0.5`; or one of the
 * confidence measures of DeepConf's offline filter (`tail`). Any other letter (`o3`, `o1`) is a model's
 * name, not an option.
 */
const replayOption = /^(?:[ewptqu]\d*\.?\d+|lowest-group|bottom-10%|tail)$/i;

/**
 * The options a spec writes after its first colon when they are written as `mull replay` reads them over
 * recorded samples (`:e10`, `:e10:tail`, `:t0.99`) rather than as a model route: `undefined` for a spec
 * without a colon, and for one that names models there (`cascade@8:lab-small>lab-large`, `sc@8:lab-large`,
 * `sc@8:o3`, `cascade@4:o1>o3`).
 *
 * @example
 * replayOptionsOf("deepconf@8:e10:tail"); // ":e10:tail"
 * replayOptionsOf("deepconf@8:lab-large"); // undefined
 * replayOptionsOf("sc@8:o3"); // undefined: a model named o3
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
