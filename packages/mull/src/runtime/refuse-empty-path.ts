import { ConfigError } from "../errors/index.ts";

/**
 * Refuses an empty path, which Node resolves to the working directory: `--svg ""` must not write plots
 * into wherever the command ran.
 *
 * @throws ConfigError naming the field.
 * @example
 * refuseEmptyPath(flags.out, "--out"); // before `resolve`, which turns "" into the working directory
 */
export function refuseEmptyPath(path: string, field: string): void {
  if (path.trim() === "") {
    throw new ConfigError(`${field} ${JSON.stringify(path)}: expected a path, got an empty one`, { field });
  }
}
