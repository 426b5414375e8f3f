/** Live probing's spec (`probe@NkK[mM]`, a probe every K tokens), which replay's `probe` does not take. */
const liveProbePattern = /^(probe|probe-asc)@([1-9]\d*)k[1-9]\d*(?:m([1-9]\d*))?/;

/** The live probing agreement (`M` of `probe@NkKmM`) when a spec names none. */
const liveProbeAgreement = 2;

/**
 * What replay's `probe` takes instead, when a spec is written as live probing's `probe@NkK[mM]`: the probes
 * are the recording's, at its own interval, so replay's `probe` takes `m<agreement>` and no `k<tokens>`;
 * `undefined` for any other spec.
 *
 * @example
 * liveProbeHint("probe@16k32"); // "replay's probe takes m<agreement>, not live probing's k<tokens>: … (e.g. probe@16m2)"
 */
export function liveProbeHint(text: string): string | undefined {
  const match = liveProbePattern.exec(text);
  if (match === null) return undefined;
  const [, kind, k, agreement] = match;
  return (
    `replay's ${kind} takes m<agreement>, not live probing's k<tokens>: it reads the probes the recording ` +
    `holds, at the recording's own interval (e.g. ${kind}@${k}m${agreement ?? liveProbeAgreement})`
  );
}
