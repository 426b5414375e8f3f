/**
 * How to continue a stored run that is not complete, as one sentence: the end of what `mull report` and
 * `mull replay` say about a partial run.
 *
 * @example
 * resumeRunHint({ dataset: "lab:mixed", strategies: ["greedy", "sc@4"] });
 * // "Unless its bench is still running, continue it with the command that started it and --resume
 * //  (mull bench --dataset lab:mixed --strategies greedy,sc@4 … --resume)."
 */
export function resumeRunHint(manifest: {
  readonly dataset: string;
  readonly strategies: readonly string[];
}): string {
  return (
    `Unless its bench is still running, continue it with the command that started it and --resume ` +
    `(mull bench --dataset ${manifest.dataset} --strategies ${manifest.strategies.join(",")} … --resume).`
  );
}
