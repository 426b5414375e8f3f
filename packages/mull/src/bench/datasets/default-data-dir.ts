import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** The folder of the built-in benchmark files, relative to a base: the working directory first. */
export const sharedDataDir = "../shared/data/benchmarks";

/**
 * `../shared/data/benchmarks` beside the project mull belongs to, five levels above this folder: the
 * repository root when mull runs from its sources (`packages/mull/src/bench/datasets`), the project it is
 * installed in when it runs from its build (`node_modules/mull/dist/bench/datasets`).
 */
export const projectDataDir = resolve(import.meta.dirname, "../../../../..", sharedDataDir);

/**
 * The directory of the built-in benchmark files when none is given: `../shared/data/benchmarks` under
 * `cwd` when that folder exists, else `projectDataDir`. So a command run from the repository root (or from
 * a project with `../shared` beside it) reads the folder its help names, and one run from a package folder
 * of the repository still finds the repository's.
 *
 * @example
 * defaultDataDir("/work/main"); // "/work/shared/data/benchmarks" when it exists
 */
export function defaultDataDir(cwd: string = process.cwd()): string {
  const local = resolve(cwd, sharedDataDir);
  return existsSync(local) ? local : projectDataDir;
}

/** The default of `defaultDataDir` in words, for help texts and errors. */
export function describeDefaultDataDir(): string {
  return `${sharedDataDir} under the working directory when it exists, else ${projectDataDir}`;
}
