import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The installed node-llama-cpp package: its folder and version. */
export interface NodeLlamaCppPackage {
  readonly directory: string;
  readonly version: string | undefined;
}

/** The installed node-llama-cpp package, for manifests; `undefined` when it cannot be found. */
export async function nodeLlamaCppPackage(): Promise<NodeLlamaCppPackage | undefined> {
  try {
    // The package's exports hide package.json: walk up from its entry point.
    let directory = path.dirname(fileURLToPath(import.meta.resolve("node-llama-cpp")));
    for (let depth = 0; depth < 4; depth += 1) {
      try {
        const manifest = JSON.parse(await readFile(path.join(directory, "package.json"), "utf8")) as {
          name?: string;
          version?: string;
        };
        if (manifest.name === "node-llama-cpp") return { directory, version: manifest.version };
      } catch {
        // not this folder
      }
      directory = path.dirname(directory);
    }
  } catch {
    // unknown
  }
  return undefined;
}
