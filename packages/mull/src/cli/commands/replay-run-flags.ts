import { UsageError } from "../usage-error.ts";

/** The flags that read files of recorded samples, whose layout `--format` names. */
const sampleFileFlags = [
  ["--samples", "samples"],
  ["--escalate-samples", "escalateSamples"],
  ["--greedy-samples", "greedySamples"],
  ["--escalate-greedy-samples", "escalateGreedySamples"],
] as const;

/** The flags of `mull replay` that name files of samples, by their option keys. */
type SampleFileFlags = Partial<Record<(typeof sampleFileFlags)[number][1], string>>;

/** Whether any file of samples is read (`--samples`, `--escalate-samples` or a greedy file). */
function readsSampleFile(flags: SampleFileFlags): boolean {
  return sampleFileFlags.some(([, key]) => flags[key] !== undefined);
}

/**
 * Refuses a `--format` given with `--run` where no file of samples is read: a bench run is read as it
 * recorded its samples, so the flag would be ignored. Names `--format` and the flags it applies to.
 *
 * @throws UsageError naming `--format`.
 */
export function checkFormatApplies(
  flags: { readonly format: string; readonly run?: string | undefined } & SampleFileFlags,
): void {
  if (flags.run === undefined || readsSampleFile(flags)) return;
  const [samples, ...others] = sampleFileFlags.map(([flag]) => flag);
  throw new UsageError(
    `--format ${flags.format} applies to ${samples} (and ${others.join(", ")}) only, and none was given: ` +
      "--run reads the samples of a bench run as it recorded them; drop --format",
    "--format",
  );
}

/**
 * Refuses `--gold` with `--run` where no file of samples is read: the run recorded its problems' gold
 * answers, and `--gold` gives those of the files `--format faithful-cot` reads (with `--run`, the larger
 * model's `--escalate-samples` and the greedy files), so alone it would be ignored.
 *
 * @throws UsageError naming `--gold`, its file and the flags it applies to.
 */
export function checkGoldApplies(flags: { readonly gold?: string | undefined } & SampleFileFlags): void {
  if (flags.gold === undefined || readsSampleFile(flags)) return;
  const others = sampleFileFlags.map(([flag]) => flag).filter((flag) => flag !== "--samples");
  throw new UsageError(
    `--gold ${flags.gold}: --run reads the gold answers its bench run recorded; --gold applies only to the ` +
      `files of samples --format faithful-cot reads (with --run: ${others.join(", ")}), and none was given; drop --gold`,
    "--gold",
  );
}

/**
 * The title of a `mull replay --run` report, made true: a bench run's samples keep the correctness its
 * grader recorded, and the answer format (`--answer-format`, else `auto`) only groups their recorded answers
 * into votes, so the text's "answers graded as FORMAT" becomes "answers graded as the run recorded them,
 * grouped as FORMAT". Unchanged without `--run`, and where a file of samples is read too (whose samples
 * the format grades).
 *
 * @example
 * runGradingTitle("mull-run: 12 problems, …; answers graded as auto; budget: …", "auto", { run: "runs/x" });
 * // "mull-run: 12 problems, …; answers graded as the run recorded them, grouped as auto; budget: …"
 */
export function runGradingTitle(
  text: string,
  answerFormat: string,
  flags: { readonly run?: string | undefined } & SampleFileFlags,
): string {
  if (flags.run === undefined || readsSampleFile(flags)) return text;
  return text.replace(
    `; answers graded as ${answerFormat};`,
    `; answers graded as the run recorded them, grouped as ${answerFormat};`,
  );
}
