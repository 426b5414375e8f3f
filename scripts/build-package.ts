/**
 * Builds the workspace package in the current directory for publishing: deletes `dist/`, then compiles
 * `src/` with the package's `tsconfig.build.json` into JavaScript, declarations and source maps.
 * `--clean` only deletes `dist/` (the packages' `postpack`), so that no build outlives the tarball it was
 * made for: in this repository everything runs from `src/` through the `mull-source` export condition.
 * With `MULL_BUILD_NO_CHECK=1` it emits without type-checking (`npm run check`, right after `tsc --noEmit`).
 *
 * @example
 * cd packages/mull && node ../../scripts/build-package.ts           # npm run build
 * cd packages/mull && node ../../scripts/build-package.ts --clean   # npm run postpack
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const packageDirectory = process.cwd();
rmSync(path.join(packageDirectory, "dist"), { recursive: true, force: true });
if (!process.argv.includes("--clean")) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const noCheck = process.env.MULL_BUILD_NO_CHECK === "1" ? ["--noCheck"] : [];
  execFileSync(
    process.execPath,
    [tsc, "-p", path.join(packageDirectory, "tsconfig.build.json"), ...noCheck],
    {
      stdio: "inherit",
    },
  );
}
