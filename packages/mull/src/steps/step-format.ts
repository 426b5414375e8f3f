import { ConfigError } from "../errors/index.ts";

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
  readonly delimiter?: string | undefined;
  readonly finalMarker?: string | undefined;
  readonly leading?: string | undefined;
}

/**
 * A step format: steps separated by `delimiter` (default a newline; `"\n\n"` suits chat models that write
 * paragraphs), the step holding `finalMarker` (default `####`) being the last.
 *
 * @throws ConfigError when the delimiter or the final marker is empty.
 * @example
 * const paragraphs = stepFormat({ delimiter: "\n\n" });
 * paragraphs.isFinal("So the total is 12.\n#### 12"); // true
 */
export function stepFormat(options: StepFormatOptions = {}): StepFormat {
  const delimiter = options.delimiter ?? "\n";
  const finalMarker = options.finalMarker ?? "####";
  if (delimiter.length === 0) {
    throw new ConfigError("stepFormat: the delimiter must not be empty", { field: "delimiter" });
  }
  if (finalMarker.trim().length === 0) {
    throw new ConfigError("stepFormat: the final marker must not be empty", { field: "finalMarker" });
  }
  return {
    delimiter,
    finalMarker,
    leading: options.leading ?? delimiter,
    isFinal: (step) => step.includes(finalMarker),
  };
}

/** One step per line, `####` opening the final one: the lab's format and the default prompt's. */
export const defaultStepFormat: StepFormat = stepFormat();
