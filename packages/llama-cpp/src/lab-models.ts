import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "mull/errors";
import { expecting, parseOptions, z } from "mull/runtime";

/** The folder of the shipped lab models: their GGUF files and the `models.json` card. */
export const labModelsDirectory: string = path.resolve(fileURLToPath(new URL("../models/", import.meta.url)));

/** One lab model as `models/models.json` describes it, with its file resolved on disk. */
export interface LabModel {
  /** Short name used on the command line and in `createLlamaCppBackend({ model })`, e.g. `lab-small`. */
  readonly name: string;
  /** Absolute path of the GGUF file. */
  readonly path: string;
  /** Size of the GGUF file in bytes; `undefined` when the file is missing. */
  readonly sizeBytes: number | undefined;
  /** Number of trained parameters. */
  readonly parameters: number | undefined;
  /** Longest sequence (prompt and completion, in tokens) the model was trained on. */
  readonly contextLength: number | undefined;
  /** Hardest task level the model was trained on (levels above it were never seen). */
  readonly hardestLevel: number | undefined;
  /** One line on what the model is for. */
  readonly summary: string | undefined;
  /**
   * The family the model belongs to (`v1`, `v2`): models of one family were trained on the same task, so
   * they route, draft and verify for each other.
   */
  readonly family: string | undefined;
  /** Sampling temperature the model card recommends for voting and search. */
  readonly recommendedTemperature: number | undefined;
  /** Measured accuracy as the model card records it (by level, greedy and sampled). */
  readonly accuracy: unknown;
}

/** Options of {@link labModels}. */
export interface LabModelsOptions {
  /** Folder holding `models.json` and the GGUF files; default {@link labModelsDirectory}. */
  readonly directory?: string | undefined;
}

const optionalNumber = z
  .number({ error: expecting("a finite number") })
  .nullish()
  .transform((value) => value ?? undefined);
const requiredString = z.string({ error: expecting("a non-empty string") }).min(1, {
  error: expecting("a non-empty string"),
});

/** One entry of `models.json`; other fields are ignored, a summary that is not text too. */
const cardEntrySchema = z.object(
  {
    name: requiredString,
    file: requiredString,
    parameters: optionalNumber,
    contextLength: optionalNumber,
    hardestLevel: optionalNumber,
    summary: z.string().optional().catch(undefined),
    family: z.string().optional().catch(undefined),
    recommendedTemperature: optionalNumber,
    accuracy: z.unknown().optional(),
  },
  { error: expecting("an object") },
);

async function fileSize(file: string): Promise<number | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lab models listed in `models/models.json` (an array of entries, or `{ "models": [...] }`), with absolute
 * paths and file sizes. A missing `models.json` gives an empty list; a malformed one is a `ConfigError` naming
 * the entry and field at fault.
 *
 * @example
 * for (const model of await labModels()) console.log(model.name, model.path, model.sizeBytes);
 */
export async function labModels(options: LabModelsOptions = {}): Promise<LabModel[]> {
  const directory = path.resolve(options.directory ?? labModelsDirectory);
  const cardPath = path.join(directory, "models.json");
  let text: string;
  try {
    text = await readFile(cardPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${cardPath} is not valid JSON: ${(error as Error).message}`, {
      field: cardPath,
      cause: error,
    });
  }
  const entries = Array.isArray(parsed)
    ? parsed
    : typeof parsed === "object" && parsed !== null && Array.isArray((parsed as { models?: unknown }).models)
      ? (parsed as { models: unknown[] }).models
      : undefined;
  if (entries === undefined) {
    throw new ConfigError(`${cardPath} must hold an array of models (or { "models": [...] })`, {
      field: cardPath,
    });
  }
  return Promise.all(
    entries.map(async (entry: unknown, index): Promise<LabModel> => {
      const card = parseOptions(cardEntrySchema, entry, cardPath, `models.json[${index}]`);
      const file = path.resolve(directory, card.file);
      return {
        name: card.name,
        path: file,
        sizeBytes: await fileSize(file),
        parameters: card.parameters,
        contextLength: card.contextLength,
        hardestLevel: card.hardestLevel,
        summary: card.summary,
        family: card.family,
        recommendedTemperature: card.recommendedTemperature,
        accuracy: card.accuracy,
      };
    }),
  );
}
