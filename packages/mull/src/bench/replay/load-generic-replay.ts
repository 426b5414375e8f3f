import { DatasetError, readJsonRows } from "../datasets/index.ts";
import { parseReplayRow } from "./parse-replay-row.ts";
import type { ReplayDataset, ReplayProblem, ReplaySample } from "./replay-dataset.ts";
import { type ReplaySampleLine, replayLineSchema } from "./replay-line-schema.ts";

/** Settings of `loadGenericReplay`. */
export interface LoadGenericReplayOptions {
  /** Answer format used to extract and grade; default `auto`. */
  readonly answerFormat?: string | undefined;
}

function answerText(answer: string | number | null | undefined): string | null | undefined {
  return typeof answer === "number" ? String(answer) : answer;
}

function toSample(line: ReplaySampleLine): ReplaySample {
  return {
    text: line.text,
    answer: answerText(line.answer),
    completionTokens: line.tokens,
    logprob: line.logprob,
    reward: line.reward,
    correct: line.correct,
    intermediateAnswers: line.intermediateAnswers?.map((answer) => answerText(answer) ?? null),
  };
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
  const firstLineById = new Map<string, number>();
  const problems = readJsonRows(file).map((row): ReplayProblem => {
    const line = parseReplayRow(replayLineSchema, row);
    const id = String(line.id);
    const firstLine = firstLineById.get(id);
    if (firstLine !== undefined) {
      throw new DatasetError(
        `${row.location}: field "id": duplicate id ${JSON.stringify(id)} (first at line ${firstLine})`,
        {
          file: row.file,
          line: row.line,
          field: "id",
        },
      );
    }
    firstLineById.set(id, row.line);
    return {
      id,
      gold: line.gold === undefined ? undefined : String(line.gold),
      difficulty: line.difficulty === undefined ? undefined : String(line.difficulty),
      samples: line.samples.map(toSample),
      location: row.location,
    };
  });
  if (problems.length === 0) throw new DatasetError(`${file}: no problems in the file`, { file });
  return {
    format: "generic",
    problems,
    answerFormat: options.answerFormat ?? "auto",
    rewardScale: "probability",
  };
}
