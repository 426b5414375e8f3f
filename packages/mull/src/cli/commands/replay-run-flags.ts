import type { BackendDescription } from "../../spec/index.ts";
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
 * Whether a `mull replay` grades nothing itself: with `--run` and no file of samples beside it, every
 * sample keeps the correctness the bench's grader recorded (`formatReplayReport`'s `gradedByRun`).
 *
 * @example
 * gradedByRun({ run: "runs/x" }); // true
 */
export function gradedByRun(flags: { readonly run?: string | undefined } & SampleFileFlags): boolean {
  return flags.run !== undefined && !readsSampleFile(flags);
}

/** What `checkEscalationRun` reads of a bench run's manifest: its id and the model it ran. */
export interface RecordedRunModel {
  readonly runId: string;
  readonly backend: Pick<BackendDescription, "model" | "modelHash" | "architecture">;
}

/** `lab-v2-large (2,088,160 parameters)`, or the name alone when the run did not record the size. */
function recordedModel(run: RecordedRunModel): string {
  const parameters = run.backend.architecture?.parameters;
  return typeof parameters === "number" && parameters > 0
    ? `${run.backend.model} (${parameters.toLocaleString("en-US")} parameters)`
    : run.backend.model;
}

/**
 * Refuses an `--escalate-run` that cannot be the larger model a cascade escalates to from `--run`'s, as a
 * live cascade refuses its route: the same run, a run of the same model (the same model hash when both
 * runs recorded one, else the same model name), or a run of a model known to be smaller (both runs'
 * `architecture.parameters`). Models of unknown or equal size, under different names, pass.
 *
 * @throws UsageError naming `--escalate-run`, the run given and the models both runs recorded.
 * @example
 * checkEscalationRun(small.manifest, large.manifest, "runs/lab-v2-large"); // passes
 * checkEscalationRun(large.manifest, small.manifest, "runs/lab-v2-small"); // throws: --escalate-run runs/lab-v2-small recorded lab-v2-small (117,952 parameters), smaller than …
 */
export function checkEscalationRun(
  run: RecordedRunModel,
  escalation: RecordedRunModel,
  escalateRun: string,
): void {
  const given = `--escalate-run ${escalateRun}`;
  const expected = "expected a run of a larger model than --run's, which cascades escalate to";
  if (run.runId === escalation.runId) {
    throw new UsageError(`${given} is the run of --run (${run.runId}); ${expected}`, "--escalate-run");
  }
  const { modelHash } = run.backend;
  const hashed = modelHash !== undefined && escalation.backend.modelHash !== undefined;
  const same = hashed
    ? modelHash === escalation.backend.modelHash
    : run.backend.model === escalation.backend.model;
  if (same) {
    const identity = hashed ? `model hash ${modelHash}` : `model ${run.backend.model}`;
    throw new UsageError(
      `${given} recorded the model of --run (${recordedModel(escalation)}, the same ${identity} as run ` +
        `${run.runId}); ${expected}`,
      "--escalate-run",
    );
  }
  const runSize = run.backend.architecture?.parameters;
  const escalationSize = escalation.backend.architecture?.parameters;
  if (runSize !== undefined && escalationSize !== undefined && escalationSize < runSize) {
    throw new UsageError(
      `${given} recorded ${recordedModel(escalation)}, smaller than --run's ${recordedModel(run)}; ` +
        `${expected}: swap --run and --escalate-run`,
      "--escalate-run",
    );
  }
}
