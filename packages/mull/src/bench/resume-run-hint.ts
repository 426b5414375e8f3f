/**
 * How to continue a stored run that is not complete, as one sentence: the end of what `mull report` and
 * `mull replay` say about a partial run. A run of a lab dataset may have been started by `mull lab` (which
 * continues its run with `--out` and `--resume`) or by `mull bench`; the sentence gives both commands.
 *
 * @example
 * resumeRunHint({ dataset: "gsm8k", strategies: ["greedy", "sc@4"] });
 * // "Unless its bench is still running, continue it with the command that started it and --resume
 * //  (mull bench --dataset gsm8k --strategies greedy,sc@4 … --resume)."
 * resumeRunHint({ dataset: "lab:mixed", strategies: ["greedy"] });
 * // "Unless it is still running, continue it with the command that started it and --resume
 * //  (mull lab --dataset lab:mixed --strategies greedy … --out <its directory> --resume, or
 * //  mull bench --dataset lab:mixed --strategies greedy … --resume for a run of mull bench)."
 */
export function resumeRunHint(manifest: {
  readonly dataset: string;
  readonly strategies: readonly string[];
}): string {
  const given = `--dataset ${manifest.dataset} --strategies ${manifest.strategies.join(",")} …`;
  if (manifest.dataset.startsWith("lab:")) {
    return (
      "Unless it is still running, continue it with the command that started it and --resume " +
      `(mull lab ${given} --out <its directory> --resume, or mull bench ${given} --resume for a run of mull bench).`
    );
  }
  return (
    `Unless its bench is still running, continue it with the command that started it and --resume ` +
    `(mull bench ${given} --resume).`
  );
}
