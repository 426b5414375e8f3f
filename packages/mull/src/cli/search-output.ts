import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { databaseFileName, manifestFileName } from "../bench/store/index.ts";

/** The stage directories of a search: `round-1`, `holdout-1-2`, … */
const stage = /^(round|holdout)-(\d+)(?:-(\d+))?$/;

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** The file a `mull bench --search` output keeps its result in, beside its stages. */
export const searchResultFileName = "search.json";

/**
 * The runs a `mull bench --search` output holds (`round-1`, …, `holdout-1-1`, …), rounds first, in order;
 * none for a directory that holds no stages, and for a path that is no directory.
 *
 * @example
 * searchStageNames("runs/search"); // ["round-1", "round-2", "holdout-1-1", "holdout-1-2"]
 */
export function searchStageNames(directory: string): string[] {
  if (!isDirectory(directory)) return [];
  const names = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && stage.test(entry.name))
    .map((entry) => entry.name);
  const key = (name: string): [number, number, number] => {
    const [, kind, first, second] = stage.exec(name)!;
    return [kind === "round" ? 0 : 1, Number(first), Number(second ?? 0)];
  };
  return names.sort((left, right) => {
    const [a, b] = [key(left), key(right)];
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  });
}

/**
 * Whether a directory holds a run of its own, as `mull bench` writes one without `--search`: its database
 * or its manifest (even a database left empty by a crash is the run's, not a free name).
 */
export function holdsRunFiles(directory: string): boolean {
  return existsSync(join(directory, databaseFileName)) || existsSync(join(directory, manifestFileName));
}

/**
 * Whether a directory is a `mull bench --search` output: its stages' run directories, or `search.json`, and
 * no run of its own.
 *
 * @example
 * isSearchOutput("runs/search"); // true after mull bench --search --out runs/search
 */
export function isSearchOutput(directory: string): boolean {
  if (!isDirectory(directory) || holdsRunFiles(directory)) return false;
  return searchStageNames(directory).length > 0 || existsSync(join(directory, searchResultFileName));
}
