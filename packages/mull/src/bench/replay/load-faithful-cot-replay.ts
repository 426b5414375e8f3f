import { z } from "zod";
import { DatasetError, readJsonRows } from "../datasets/index.ts";
import { parseReplayRow } from "./parse-replay-row.ts";
import type { ReplayDataset, ReplayProblem } from "./replay-dataset.ts";
import { replayIdSchema } from "./replay-line-schema.ts";

/** One line of a `faithful-cot` predictions file: a problem id with its completions. */
export const predictionSchema = z.object({
  id: replayIdSchema,
  completions: z
    .array(z.string({ error: "a string" }), { error: "an array of completion texts" })
    .min(1, { error: "at least one completion" }),
});

const goldSchema = z.object({
  id: replayIdSchema,
  answer: z
    .string({ error: 'a string "#### <answer>"' })
    .regex(/####\s*\S/, { error: 'a string "#### <answer>"' }),
});

/**
 * Reads Faithful-CoT predictions (`{ id, completions: [...] }` per line, e.g.
 * `faithful-cot-date-ltm-n40.predictions.jsonl`) with their gold answers (`{ id, answer: "#### X" }` per
 * line, matched by `id`). Samples keep only their text: answers are extracted by the answer format when
 * graded. The default format is `exact`, Faithful-CoT's own string match of the stated answer, which
 * reproduces the published figures; `date` treats `6/18/2019` and `06/18/2019` as the same date.
 *
 * @throws DatasetError naming the file and line of an invalid row, a duplicate id, or a prediction
 *   without gold.
 * @example
 * const dataset = loadFaithfulCotReplay("date.predictions.jsonl", "date.gold.jsonl");
 */
export function loadFaithfulCotReplay(predictionsFile: string, goldFile: string): ReplayDataset {
  const goldById = new Map<string, string>();
  for (const row of readJsonRows(goldFile)) {
    const gold = parseReplayRow(goldSchema, row);
    const id = String(gold.id);
    if (goldById.has(id)) {
      throw new DatasetError(`${row.location}: field "id": duplicate id ${JSON.stringify(id)}`, {
        file: row.file,
        line: row.line,
        field: "id",
      });
    }
    goldById.set(id, gold.answer.slice(gold.answer.lastIndexOf("####") + 4).trim());
  }
  const seen = new Set<string>();
  const problems = readJsonRows(predictionsFile).map((row): ReplayProblem => {
    const prediction = parseReplayRow(predictionSchema, row);
    const id = String(prediction.id);
    if (seen.has(id)) {
      throw new DatasetError(`${row.location}: field "id": duplicate id ${JSON.stringify(id)}`, {
        file: row.file,
        line: row.line,
        field: "id",
      });
    }
    seen.add(id);
    const gold = goldById.get(id);
    if (gold === undefined) {
      throw new DatasetError(
        `${row.location}: field "id": no gold answer with id ${JSON.stringify(id)} in ${goldFile}`,
        {
          file: row.file,
          line: row.line,
          field: "id",
        },
      );
    }
    return { id, gold, samples: prediction.completions.map((text) => ({ text })), location: row.location };
  });
  if (problems.length === 0)
    throw new DatasetError(`${predictionsFile}: no predictions in the file`, { file: predictionsFile });
  return { format: "faithful-cot", problems, answerFormat: "exact", rewardScale: "probability" };
}
