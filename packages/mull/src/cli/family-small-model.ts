import { requireEmbedded } from "./create-backend.ts";

/**
 * The small model of a lab model's family: the lab model of the same `family` in the model card with the
 * fewest parameters, when it has fewer than `model` (`lab-v2-small` for `lab-v2-large`, `lab-small` for
 * `lab-large`); `undefined` for a model that is not a lab model, has no family, or is its family's smallest.
 *
 * @example
 * await familySmallModel("lab-v2-large"); // "lab-v2-small"
 */
export async function familySmallModel(model: string): Promise<string | undefined> {
  const embedded = await requireEmbedded();
  const models = await embedded.labModels();
  const own = models.find((candidate) => candidate.name === model);
  if (own?.family === undefined || own.parameters === undefined) return undefined;
  const size = own.parameters;
  const others = models.filter(
    (candidate) =>
      candidate.family === own.family && candidate.parameters !== undefined && candidate.parameters < size,
  );
  others.sort((first, second) => (first.parameters ?? 0) - (second.parameters ?? 0));
  return others[0]?.name;
}
