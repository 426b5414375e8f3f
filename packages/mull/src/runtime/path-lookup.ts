import { type Stats, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../errors/index.ts";

/** The stats of `path`, or `undefined` where nothing is there (or a file stands where a folder of it would be). */
export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    // ENOTDIR: a file stands where a folder of the path would be, which the caller then names.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

/**
 * The closest existing folder above `path` must be a folder: `mkdir -p` would fail on a file there.
 *
 * @throws ConfigError naming the field, the path and the file in the way.
 */
export function refuseFileInPath(path: string, field: string): void {
  let above = dirname(resolve(path));
  for (;;) {
    const stats = statOrUndefined(above);
    if (stats !== undefined) {
      if (stats.isDirectory()) return;
      throw new ConfigError(
        `${field} ${JSON.stringify(path)}: ${above} is a file, not a directory; give a path under a directory`,
        { field },
      );
    }
    const parent = dirname(above);
    if (parent === above) return;
    above = parent;
  }
}
