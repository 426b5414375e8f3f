import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Writes a stand-in package: `package.json` from `manifest` (an ES module package unless it says otherwise)
 * and the given files, paths relative to the package's folder. The packaging tests lay out node_modules trees
 * and tarballs with them, without the registry.
 *
 * @example
 * await writeFakePackage(path.join(project, "node_modules/commander"), { name: "commander", version: "12.1.0" });
 */
export async function writeFakePackage(
  directory: string,
  manifest: { readonly name: string; readonly version: string; readonly [field: string]: unknown },
  files: Readonly<Record<string, string>> = {},
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const full = { type: "module", ...manifest };
  await writeFile(path.join(directory, "package.json"), `${JSON.stringify(full, null, 2)}\n`);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(directory, file)), { recursive: true });
    await writeFile(path.join(directory, file), text);
  }
}

/** A stand-in package whose `index.js` exports its `version`, and whatever else `source` adds. */
export async function writeVersionPackage(
  directory: string,
  name: string,
  version: string,
  source = "",
): Promise<void> {
  await writeFakePackage(
    directory,
    { name, version, exports: "./index.js" },
    { "index.js": `export const version = ${JSON.stringify(version)};\n${source}` },
  );
}
