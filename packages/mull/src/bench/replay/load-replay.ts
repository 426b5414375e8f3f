import { ConfigError } from "../../errors/index.ts";
import { checkOneOf } from "../../runtime/index.ts";
import { loadFaithfulCotReplay } from "./load-faithful-cot-replay.ts";
import { loadGenericReplay } from "./load-generic-replay.ts";
import { loadQwenRmMajReplay } from "./load-qwen-rm-maj-replay.ts";
import { loadQwen3ProbesReplay } from "./load-qwen3-probes-replay.ts";
import type { ReplayDataset } from "./replay-dataset.ts";
import { withReplayFormatHint } from "./replay-format-hint.ts";

/** The replay file formats `loadReplay` reads. */
export const replayFormats = ["generic", "faithful-cot", "qwen-rm-maj", "qwen3-probes"] as const;

/** A replay file format. */
export type ReplayFormat = (typeof replayFormats)[number];

/** Which files to read, and how. */
export interface LoadReplayOptions {
  /** The samples file. */
  readonly samples: string;
  /** Gold answers by id; required by `faithful-cot`, refused by the others (their gold is inline). */
  readonly gold?: string | undefined;
  /** Default `generic`. */
  readonly format?: string | undefined;
}

/**
 * Reads recorded samples in one of the replay formats (see `bench/replay/README.md`).
 *
 * @throws ConfigError naming the flag when the format is unknown or `--gold` is missing or not expected;
 *   DatasetError (a ConfigError) naming the file, line and field of an invalid row, and the formats
 *   that read the row when it is in another replay format.
 * @example
 * const dataset = loadReplay({ samples: "qwen25-math-rm-maj-example.jsonl", format: "qwen-rm-maj" });
 */
export function loadReplay(options: LoadReplayOptions): ReplayDataset {
  const format = checkOneOf("--format", "--format", options.format ?? "generic", replayFormats, {
    noun: "replay format",
  });
  if (format === "faithful-cot" && options.gold === undefined) {
    throw new ConfigError("--gold is required with --format faithful-cot (the gold answers, matched by id)", {
      field: "--gold",
    });
  }
  if (format !== "faithful-cot" && options.gold !== undefined) {
    throw new ConfigError(
      `--gold ${JSON.stringify(options.gold)}: only --format faithful-cot reads a separate gold file; ${format} files carry their gold answers inline`,
      { field: "--gold" },
    );
  }
  try {
    if (format === "faithful-cot") return loadFaithfulCotReplay(options.samples, options.gold!);
    if (format === "qwen3-probes") return loadQwen3ProbesReplay(options.samples);
    return format === "generic" ? loadGenericReplay(options.samples) : loadQwenRmMajReplay(options.samples);
  } catch (error) {
    throw withReplayFormatHint(error, options.samples, format);
  }
}
