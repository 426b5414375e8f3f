import { isAbsolute, resolve } from "node:path";

/**
 * The path a training script's argument names, read from the folder the command was typed in. `npx` runs a
 * script from the package folder (`packages/llama-cpp`) and passes the folder it was started in as
 * `INIT_CWD`, so `npx node "$PWD/evaluate.ts" ../models/lab-large.gguf` typed in `training/` names
 * `training/../models/lab-large.gguf`. An absolute path, and any path when `INIT_CWD` is unset or empty (the
 * script run by `node` itself), is returned as it is.
 *
 * @example
 * argumentPath("../models/lab-large.gguf", { INIT_CWD: "/repo/packages/llama-cpp/training" });
 * // "/repo/packages/llama-cpp/models/lab-large.gguf"
 */
export function argumentPath(
  path: string,
  environment: Readonly<Record<string, string | undefined>>,
): string {
  const typedIn = environment.INIT_CWD;
  if (path === "" || isAbsolute(path) || typedIn === undefined || typedIn === "") return path;
  return resolve(typedIn, path);
}
