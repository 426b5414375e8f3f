import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The folder of the shipped lab models (`packages/llama-cpp/models/`). */
const labModelsDirectory = fileURLToPath(new URL("../../../llama-cpp/models/", import.meta.url));

/** Whether the lab models a test needs are on disk, or which are not. */
export type LabModelsLookup =
  | { readonly present: true; readonly missing?: undefined }
  | { readonly present: false; readonly missing: string };

/**
 * Looks for the shipped lab models `names` (e.g. `["lab-small", "lab-large"]`) that the tests running the
 * embedded engine need. When any is absent, `missing` names the files not found, to be printed once at the
 * top of the test file: a skipped file shows only its count of skipped tests.
 *
 * @example
 * const lab = labModelsUnderTest(["lab-large"]);
 * if (lab.missing !== undefined) console.log(lab.missing);
 * describe.skipIf(!lab.present)("on the embedded lab", () => { … });
 */
export function labModelsUnderTest(names: readonly string[]): LabModelsLookup {
  const absent = names.map((name) => `${labModelsDirectory}${name}.gguf`).filter((file) => !existsSync(file));
  if (absent.length === 0) return { present: true };
  return {
    present: false,
    missing:
      `lab-model tests skipped: no ${absent.join(", ")} (the lab models are committed under ` +
      "packages/llama-cpp/models/; `git checkout -- packages/llama-cpp/models` restores them)",
  };
}
