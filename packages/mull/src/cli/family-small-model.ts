import { labFamilyOf } from "./lab-family.ts";

/**
 * The small model of a lab model's family: the lab model of the same `family` in the model card with the
 * fewest parameters, when it has fewer than `model` (`lab-v2-small` for `lab-v2-large`, `lab-small` for
 * `lab-large`); `model` may be the path of a lab model's `.gguf` file (`models/lab-v2-large.gguf`).
 * `undefined` for a model that is not a lab model, has no family, or is its family's smallest.
 *
 * @example
 * await familySmallModel("lab-v2-large"); // "lab-v2-small"
 */
export async function familySmallModel(model: string): Promise<string | undefined> {
  const family = await labFamilyOf(model);
  if (family === undefined) return undefined;
  const smallest = family.members[0];
  return smallest === undefined || smallest === family.model ? undefined : smallest;
}
