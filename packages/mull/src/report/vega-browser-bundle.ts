import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { MullError } from "../errors/index.ts";

/**
 * The text of Vega's self-contained browser bundle (`vega/build/vega.min.js`, which defines a global
 * `vega`), read from the installed package so reports can inline it and render with no network.
 *
 * @throws MullError when the installed vega package has no browser bundle.
 */
export function vegaBrowserBundle(): string {
  const entry = createRequire(import.meta.url).resolve("vega");
  const bundle = join(dirname(entry), "vega.min.js");
  if (!existsSync(bundle)) {
    throw new MullError(
      `the vega package has no browser bundle at ${bundle}; reinstall vega (npm install vega)`,
    );
  }
  return readFileSync(bundle, "utf8");
}
