import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MullError } from "../errors/index.ts";

/**
 * The text of Vega's self-contained browser bundle (`vega/build/vega.min.js`, which defines a global
 * `vega`), read from the installed package so reports can inline it and render with no network.
 *
 * The package is the one `import "vega"` loads for the report's plots: it is found as an import is, so
 * the `mull` bin's resolve hooks apply to it. They see `require.resolve` only from Node 22.15 (before,
 * they run off-thread and hook imports alone), where it would find a project's own older vega instead.
 *
 * @throws MullError when the installed vega package has no browser bundle.
 */
export function vegaBrowserBundle(): string {
  const entry = fileURLToPath(import.meta.resolve("vega"));
  const bundle = join(dirname(entry), "vega.min.js");
  if (!existsSync(bundle)) {
    throw new MullError(
      `the vega package has no browser bundle at ${bundle}; reinstall vega (npm install vega)`,
    );
  }
  return readFileSync(bundle, "utf8");
}
