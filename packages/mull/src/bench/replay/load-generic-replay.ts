import { readJsonRows } from "../datasets/index.ts";
import { parseReplayRow } from "./parse-replay-row.ts";
import type { ReplayDataset } from "./replay-dataset.ts";
import { replayLineSchema } from "./replay-line-schema.ts";
import { replayProblemsFromRows } from "./replay-problems-from-rows.ts";

/** Settings of `loadGenericReplay`. */
export interface LoadGenericReplayOptions {
  /** Answer format used to extract and grade; default `auto`. */
  readonly answerFormat?: string | undefined;
}

/**
 * Reads a replay file in the generic format (README.md): one JSON object per line with `id`, `gold` and
 * `samples`. Numbers given as ids, gold or answers become strings. Ids must be unique.
 *
 * @throws DatasetError naming the file, line, field and value of the first invalid row.
 * @example
 * const dataset = loadGenericReplay("samples.jsonl");
 * dataset.problems[0]?.samples.length;
 */
export function loadGenericReplay(file: string, options: LoadGenericReplayOptions = {}): ReplayDataset {
  return {
    format: "generic",
    problems: replayProblemsFromRows(file, readJsonRows(file), (row) =>
      parseReplayRow(replayLineSchema, row),
    ),
    answerFormat: options.answerFormat ?? "auto",
    rewardScale: "probability",
  };
}
