import { ConfigError } from "../errors/index.ts";

/** Words for the errors that stop mull from creating or writing an output; other errors are not the path's fault. */
const unwritableReasons: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  // A kernel file system (`/proc`, `/sys`) answers a new name with ENOENT.
  ENOENT: "the file system there takes no new entries",
  ENOTDIR: "a file stands where a folder of the path would be",
  EEXIST: "a file of that name is in the way",
};

/**
 * The refusal of an output path that cannot be created or written, in one line naming the field, the
 * path, what failed and why, or `error` itself for a failure that is not the path's fault.
 *
 * @param action what could not be done, e.g. `create the directory /proc/x`
 * @param wanted what to give instead, e.g. `a directory` (the default) or `a file path`
 * @example
 * throw unwritableOutput("/proc/x", "--out", "create the directory /proc/x", error);
 */
export function unwritableOutput(
  path: string,
  field: string,
  action: string,
  error: unknown,
  wanted = "a directory",
): Error {
  const reason = unwritableReasons[(error as NodeJS.ErrnoException).code ?? ""];
  if (reason === undefined) return error as Error;
  return new ConfigError(
    `${field} ${JSON.stringify(path)}: cannot ${action} (${reason}); give ${wanted} you can write to`,
    { field, cause: error },
  );
}
