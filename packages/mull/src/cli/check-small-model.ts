import { realpathSync } from "node:fs";
import { modelParameters, withSize } from "../routing/index.ts";
import type { NamedBackend } from "../strategies/index.ts";
import { UsageError } from "./usage-error.ts";

/** The file a model path leads to, links followed; the path itself when it leads nowhere yet. */
function realFile(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Refuses a `--small-model` that names the file `--model` loads, written another way (`lab-v2-large` and
 * `packages/llama-cpp/models/lab-v2-large.gguf`, or a link to it): a route of one model twice escalates to
 * the model it started on. The two names are compared as the files they resolve to (`resolveModelPath`,
 * links followed); a name that resolves to no file is left to the load, which says why.
 *
 * @throws UsageError naming `--small-model`, `--model` and the file both load.
 * @example
 * await refuseSmallModelFile("models/lab-v2-large.gguf", "lab-v2-large", embedded.resolveModelPath);
 */
export async function refuseSmallModelFile(
  smallModel: string,
  model: string,
  resolveModelPath: (name: string) => Promise<string>,
): Promise<void> {
  let files: [string, string];
  try {
    files = [realFile(await resolveModelPath(smallModel)), realFile(await resolveModelPath(model))];
  } catch {
    return;
  }
  if (files[0] !== files[1]) return;
  throw new UsageError(
    `--small-model ${smallModel} is the model of --model ${model} (both load ${files[0]}); a route needs ` +
      "two different models: give --small-model a smaller model",
    "--small-model",
  );
}

/**
 * Refuses a `--small-model` known to be larger than `--model` (their backends' `architecture.parameters`):
 * the route of routing specs written without one runs `--small-model` first and escalates to `--model`, so
 * it would escalate to the smaller model. Models of unknown size pass.
 *
 * @throws UsageError naming `--small-model` and `--model`, their sizes and the order expected.
 * @example
 * refuseLargerSmallModel({ name: "lab-v2-large", backend: large }, { name: "lab-v2-small", backend: small });
 * // throws: --small-model lab-v2-large (2,088,160 parameters) is larger than --model lab-v2-small (117,952 parameters); …
 */
export function refuseLargerSmallModel(small: NamedBackend, main: NamedBackend): void {
  const smallSize = modelParameters(small);
  const mainSize = modelParameters(main);
  if (smallSize === undefined || mainSize === undefined || smallSize <= mainSize) return;
  throw new UsageError(
    `--small-model ${withSize(small.name, smallSize)} is larger than --model ${withSize(main.name, mainSize)}; ` +
      "routing specs written without a route (cascade@8) run --small-model first and escalate to --model, " +
      `smallest first: swap them (--small-model ${main.name} --model ${small.name})`,
    "--small-model",
  );
}
