/**
 * The live adaptive wrappers around a majority vote, `asc(INNER)…` and `esc(INNER)wW` with INNER one of
 * `sc@N`, `maj@N`, `rs@N` (case and spaces inside the parentheses ignored), over a lower-cased spec.
 */
const wrapperPattern = /^(asc|esc)\(\s*(?:sc|maj|rs)@(\d+)\s*\)(.*)$/;

/**
 * The replay spec a live adaptive wrapper around a majority vote reads as: `asc(sc@N)…`, `asc(maj@N)…`
 * and `asc(rs@N)…` are `asc@N…` (`d` and `tT` kept), `esc(sc@N)wW` and its kin are `esc@NwW`, as the
 * strategy catalog names them. Any other spec comes back as it is, to be read (or refused) as written.
 * Takes and returns a lower-cased, trimmed spec.
 *
 * @example
 * replayWrapperSpec("asc(maj@8)"); // "asc@8"
 * replayWrapperSpec("asc(sc@16)dt0.99"); // "asc@16dt0.99"
 * replayWrapperSpec("esc(rs@64)w8"); // "esc@64w8"
 * replayWrapperSpec("asc(bon@8)"); // "asc(bon@8)", which replay refuses
 */
export function replayWrapperSpec(text: string): string {
  // Spaces anywhere in a wrapper are ignored, as a live spec ignores them (`asc(sc @8)` is `asc@8`).
  const match = wrapperPattern.exec(/^(asc|esc)\(/.test(text) ? text.replace(/\s+/g, "") : text);
  if (match === null) return text;
  const [, kind, k, rest] = match;
  return `${kind}@${k}${rest}`;
}
