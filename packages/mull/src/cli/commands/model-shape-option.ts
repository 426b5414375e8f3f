import { InvalidArgumentError } from "@commander-js/extra-typings";
import type { ModelArchitecture } from "../../spec/index.ts";

/**
 * The numeric fields of a model's shape that `--model-shape` takes, in the order it is written: the
 * required ones (`parameters`, `layers`, `embedding`) first.
 */
export const modelShapeFields = [
  "parameters",
  "layers",
  "embedding",
  "heads",
  "keyValueHeads",
  "feedForward",
  "vocabulary",
  "contextLength",
  "weightBytes",
] as const satisfies readonly (keyof ModelArchitecture)[];

type ShapeField = (typeof modelShapeFields)[number];
const requiredFields = ["parameters", "layers", "embedding"] as const satisfies readonly ShapeField[];
const knownFields: readonly string[] = modelShapeFields;

/** The form `--model-shape` takes, shown in its help and its errors. */
export const modelShapeForm = "parameters=N,layers=N,embedding=N[,heads=N,keyValueHeads=N,…]";

/**
 * The commander parser of `--model-shape`: a model's shape as comma-separated `field=value` pairs of
 * {@link ModelArchitecture}'s numeric fields (`parameters`, `layers` and `embedding` required; `heads`,
 * `keyValueHeads`, `feedForward`, `vocabulary`, `contextLength`, `weightBytes` optional), each a positive
 * integer (`7e9` allowed). An unknown or repeated field, a missing required one or a value that is not a
 * positive integer is refused naming the field, the value and what was expected.
 *
 * @example
 * parseModelShapeOption("parameters=117952,layers=2,embedding=64");
 * // { parameters: 117952, layers: 2, embedding: 64 }
 */
export function parseModelShapeOption(text: string): ModelArchitecture {
  const fields: Partial<Record<ShapeField, number>> = {};
  for (const pair of text.split(",")) {
    const [name = "", value, ...rest] = pair.split("=").map((part) => part.trim());
    if (value === undefined || rest.length > 0 || name === "") {
      throw new InvalidArgumentError(`expected ${modelShapeForm}, got "${pair.trim()}" in "${text}"`);
    }
    if (!knownFields.includes(name)) {
      throw new InvalidArgumentError(
        `unknown field "${name}": a model shape takes ${knownFields.join(", ")}`,
      );
    }
    const field = name as ShapeField;
    if (fields[field] !== undefined) throw new InvalidArgumentError(`${field} is given twice in "${text}"`);
    const number = value === "" ? Number.NaN : Number(value);
    if (!Number.isSafeInteger(number) || number < 1) {
      throw new InvalidArgumentError(`${field} must be a positive integer, got "${value}"`);
    }
    fields[field] = number;
  }
  const missing = requiredFields.filter((field) => fields[field] === undefined);
  if (missing.length > 0) {
    throw new InvalidArgumentError(`missing ${missing.join(", ")}: expected ${modelShapeForm}`);
  }
  const { parameters, layers, embedding, ...rest } = fields as Record<ShapeField, number>;
  return { parameters, layers, embedding, ...rest };
}
