import { labModelName } from "../lab/index.ts";
import { requireEmbedded } from "./create-backend.ts";

/** A lab model's family as the model card gives it. */
export interface LabFamily {
  /** The model's name in the card (`lab-v2-large`, also for the path of its `.gguf` file). */
  readonly model: string;
  /** The family (`v1`, `v2`). */
  readonly family: string;
  /** The family's models with a parameter count, smallest first (`lab-v2-small`, `lab-v2-large`). */
  readonly members: readonly string[];
}

/**
 * The family of a lab model, named or given as the path of its `.gguf` file (`models/lab-v2-large.gguf`),
 * from the embedded package's model card; `undefined` for a model the card does not list, or lists without
 * a family or a parameter count.
 *
 * @example
 * await labFamilyOf("lab-v2-large"); // { model: "lab-v2-large", family: "v2", members: ["lab-v2-small", "lab-v2-large"] }
 */
export async function labFamilyOf(model: string): Promise<LabFamily | undefined> {
  const embedded = await requireEmbedded();
  const models = await embedded.labModels();
  const name = labModelName(model) ?? model;
  const own = models.find((candidate) => candidate.name === name);
  if (own?.family === undefined || own.parameters === undefined) return undefined;
  const members = models.filter(
    (candidate) => candidate.family === own.family && candidate.parameters !== undefined,
  );
  members.sort((first, second) => (first.parameters ?? 0) - (second.parameters ?? 0));
  return { model: own.name, family: own.family, members: members.map((member) => member.name) };
}
