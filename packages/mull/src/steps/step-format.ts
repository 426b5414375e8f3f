import { z } from "zod";
import { parseOptions } from "../runtime/index.ts";

/**
 * How a reasoning trace is cut into steps, and how steps are written back into a prompt. The lab writes
 * one step per line and a final `#### <answer>` line (`\n30+444=474\n474+273=747\n#### 747`).
 */
export interface StepFormat {
  /** What separates two steps; generation of one step stops at it. Default `"\n"`. */
  readonly delimiter: string;
  /** What opens the final step, e.g. `####`. */
  readonly finalMarker: string;
  /**
   * Text between a text prompt and the first step. Default: the delimiter (the lab's completions start with
   * a newline after `A:`). Chat prompts have none: the assistant message starts with the first step.
   */
  readonly leading: string;
  /** True for the final step: it holds the final marker. */
  isFinal(step: string): boolean;
}

/** Options of `stepFormat`. */
export interface StepFormatOptions {
  /** What separates two steps, not empty; default `"\n"` (`"\n\n"` suits models that write paragraphs). */
  readonly delimiter?: string | undefined;
  /** What opens the final step, not blank; default `####`. */
  readonly finalMarker?: string | undefined;
  /** Text between a text prompt and the first step; default the delimiter. */
  readonly leading?: string | undefined;
}

const stepFormatSchema = z.object({
  delimiter: z.string().min(1, "must not be empty").default("\n"),
  // A marker of spaces alone would make every step containing a space final.
  finalMarker: z
    .string()
    .refine((marker) => marker.trim().length > 0, "must not be empty")
    .default("####"),
  leading: z.string().optional(),
});

/**
 * A step format: steps separated by `delimiter` (default a newline; `"\n\n"` suits chat models that write
 * paragraphs), the step holding `finalMarker` (default `####`) being the last.
 *
 * @throws ConfigError (`stepFormat: delimiter: must not be empty`) when the delimiter or the final marker
 * is empty, or an option is not a string.
 * @example
 * const paragraphs = stepFormat({ delimiter: "\n\n" });
 * paragraphs.isFinal("So the total is 12.\n#### 12"); // true
 */
export function stepFormat(options: StepFormatOptions = {}): StepFormat {
  const { delimiter, finalMarker, leading } = parseOptions(stepFormatSchema, options, "stepFormat");
  return {
    delimiter,
    finalMarker,
    leading: leading ?? delimiter,
    isFinal: (step) => step.includes(finalMarker),
  };
}

/** One step per line, `####` opening the final one: the lab's format and the default prompt's. */
export const defaultStepFormat: StepFormat = stepFormat();
