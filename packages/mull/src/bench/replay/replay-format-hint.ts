import type { z } from "zod";
import { DatasetError, readJsonRows } from "../datasets/index.ts";
import { predictionSchema } from "./load-faithful-cot-replay.ts";
import { qwenRowSchema } from "./load-qwen-rm-maj-replay.ts";
import { qwen3LineSchema } from "./load-qwen3-probes-replay.ts";
import { replayLineSchema } from "./replay-line-schema.ts";

/** Each replay format's schema of one line of its samples file, with what to give to read it. */
const lineFormats: readonly { readonly format: string; readonly schema: z.ZodType; readonly give: string }[] =
  [
    { format: "generic", schema: replayLineSchema, give: "--format generic" },
    { format: "faithful-cot", schema: predictionSchema, give: "--format faithful-cot with --gold <file>" },
    { format: "qwen-rm-maj", schema: qwenRowSchema, give: "--format qwen-rm-maj" },
    { format: "qwen3-probes", schema: qwen3LineSchema, give: "--format qwen3-probes" },
  ];

/** The row at `line` of `file`, or `undefined` when the file cannot be read again or has no such row. */
function rowAt(file: string, line: number): unknown {
  try {
    return readJsonRows(file).find((row) => row.line === line)?.value;
  } catch {
    return undefined;
  }
}

/**
 * `error`, a line of the samples file refused in `format`, with a suggestion of the formats that read that
 * line when the line is in another replay format: a Qwen3 probes file read in the default `generic`
 * format is refused for its `probes` field, and the message then says to give `--format qwen3-probes`.
 * Any other error, and a line no other format reads, is returned as it is.
 *
 * @example
 * throw withReplayFormatHint(error, "samples.jsonl", "generic");
 * // samples.jsonl:1: field "samples[0].probes": unknown field (see the replay format's README); the line
 * // is in the qwen3-probes format: give --format qwen3-probes
 */
export function withReplayFormatHint(error: unknown, samples: string, format: string): unknown {
  if (!DatasetError.isInstance(error) || error.file !== samples || error.line === undefined) return error;
  const value = rowAt(samples, error.line);
  if (value === undefined) return error;
  const reading = lineFormats.filter((entry) => entry.schema.safeParse(value).success);
  if (reading.length === 0 || reading.some((entry) => entry.format === format)) return error;
  const formats = reading.map((entry) => entry.format).join(" or ");
  const give = reading.map((entry) => entry.give).join(", or ");
  return new DatasetError(`${error.message}; the line is in the ${formats} format: give ${give}`, {
    file: error.file,
    line: error.line,
    field: error.field,
    cause: error,
  });
}
