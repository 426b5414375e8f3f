import { defaultModelProfile } from "../../generation/index.ts";
import { labModelName, labProfile } from "../../lab/index.ts";
import { modelEntries, type ServerConfig } from "../../server/config/index.ts";
import type { ModelProfile } from "../../spec/index.ts";
import { isEmbeddedLabModel } from "../embedded-lab-model.ts";

/**
 * The profile whose prompt template `mull serve`'s `--system` and `--endpoint` change (without
 * `--prompt-template`) for every model it serves: the lab's when each served model is a lab model, else the
 * default profile. A model is a lab model as the server gives it the lab's profile: named `lab-…` or by the
 * path of a `lab-….gguf` file, or embedded from a GGUF file the lab recipe trained, whatever the file is
 * called (`isEmbeddedLabModel`, which reads the file's metadata before the model loads, not its weights).
 * A configuration that serves no model gets the default profile.
 *
 * @example
 * const chosen = await promptTemplateFromFlags(flags, await servedModelsProfile(config));
 */
export async function servedModelsProfile(config: ServerConfig): Promise<ModelProfile> {
  let served = 0;
  for (const upstream of config.upstreams) {
    for (const entry of modelEntries(upstream)) {
      served += 1;
      const lab =
        labModelName(entry.name) !== undefined ||
        labModelName(entry.upstreamModel) !== undefined ||
        (upstream.kind === "embedded" && (await isEmbeddedLabModel(entry.upstreamModel)));
      if (!lab) return defaultModelProfile;
    }
  }
  return served > 0 ? labProfile() : defaultModelProfile;
}
