import { lstatSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../errors/index.ts";

const plainName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Checks a name that becomes one file inside a directory mull writes to (a report's name): letters,
 * digits, `.`, `_` and `-`, starting with a letter or digit, at most 128 characters — so no separator,
 * no `..` and no absolute path can lead the file out of its directory.
 *
 * @throws ConfigError naming the field and the value.
 * @example
 * checkPlainFileName("sc-vs-pf", "--name"); // ok
 * checkPlainFileName("../../x", "--name"); // throws
 */
export function checkPlainFileName(name: string, field: string): void {
  if (!plainName.test(name) || name.includes("..")) {
    throw new ConfigError(
      `${field} ${JSON.stringify(name)}: expected a plain file name (letters, digits, '.', '_', '-'; no path, no '..'), e.g. "report"`,
      { field },
    );
  }
}

function symlinkAt(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Refuses an output directory that is a symbolic link (or a file path whose directory or the file itself
 * is one): writing through it would land wherever the link points. Paths that do not exist yet pass.
 *
 * @throws ConfigError naming the field and the link.
 * @example
 * refuseSymlinkedOutput("runs/lab", "--out");
 */
export function refuseSymlinkedOutput(path: string, field: string, kind: "directory" | "file"): void {
  const candidates = kind === "file" ? [dirname(path), path] : [path];
  for (const candidate of candidates) {
    if (symlinkAt(candidate)) {
      throw new ConfigError(
        `${field} ${JSON.stringify(path)}: ${candidate} is a symbolic link; mull does not write through links, give the real path`,
        { field },
      );
    }
  }
}

/**
 * Writes a file whole or not at all: into a temporary file beside it, then renamed over it (a rename
 * replaces a link at the path rather than writing where it points).
 *
 * @example
 * writeFileAtomically("runs/lab/report.html", html);
 */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
