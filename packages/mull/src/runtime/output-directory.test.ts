import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOutputDirectory, makeOutputDirectory, prepareOutputDirectory } from "./output-directory.ts";
import { thrownConfigError } from "./rejection.test-support.ts";

/** Root writes through any mode bits, so a read-only folder proves nothing when the tests run as root. */
const runsAsRoot = process.getuid?.() === 0;
/** A kernel file system where a new directory fails (and a recursive mkdir spins). */
const procMounted = existsSync("/proc/self");
if (runsAsRoot)
  console.log("output-directory: the read-only folder case is skipped: root writes through mode bits");
if (!procMounted) console.log("output-directory: the /proc case is skipped: this system has no /proc");

const folder = mkdtempSync(join(tmpdir(), "mull-output-directory-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A file in the test folder holding `content`. */
function file(name: string, content: string | Uint8Array): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

describe("checkOutputDirectory", () => {
  it("refuses an empty path, which would name the working directory", () => {
    const before = readdirSync(process.cwd());
    const error = thrownConfigError(() => checkOutputDirectory("", "--svg"));
    expect(error.message).toBe('--svg "": expected a path, got an empty one');
    expect(error.field).toBe("--svg");
    expect(() => makeOutputDirectory(" ", "--png")).toThrow('--png " ": expected a path, got an empty one');
    expect(readdirSync(process.cwd())).toEqual(before);
  });

  it("accepts an existing directory and leaves it as it was", () => {
    const existing = join(folder, "existing");
    mkdirSync(existing);
    writeFileSync(join(existing, "keep.txt"), "keep me");
    checkOutputDirectory(existing, "--out");
    expect(readdirSync(existing)).toEqual(["keep.txt"]);
    expect(readFileSync(join(existing, "keep.txt"), "utf8")).toBe("keep me");
  });

  it("accepts a new nested directory without leaving its missing folders behind", () => {
    const before = readdirSync(folder);
    checkOutputDirectory(join(folder, "runs", "lab", "new"), "--out");
    expect(existsSync(join(folder, "runs"))).toBe(false);
    expect(readdirSync(folder)).toEqual(before);
    // Under an existing folder, only the levels it made are removed.
    const parent = join(folder, "parent");
    mkdirSync(parent);
    checkOutputDirectory(join(parent, "a", "b"), "--out");
    expect(lstatSync(parent).isDirectory()).toBe(true);
    expect(readdirSync(parent)).toEqual([]);
  });

  it.skipIf(runsAsRoot)("refuses a directory under a read-only folder, naming the field and why", () => {
    const readOnly = join(folder, "read-only");
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    try {
      const run = join(readOnly, "run");
      const error = thrownConfigError(() => checkOutputDirectory(run, "--out"));
      expect(error.field).toBe("--out");
      expect(error.message).toBe(
        `--out ${JSON.stringify(run)}: cannot create the directory ${run} (permission denied); give a directory you can write to`,
      );
      expect(thrownConfigError(() => checkOutputDirectory(readOnly, "--out")).message).toBe(
        `--out ${JSON.stringify(readOnly)}: cannot write into ${readOnly} (permission denied); give a directory you can write to`,
      );
      expect(existsSync(run)).toBe(false);
    } finally {
      chmodSync(readOnly, 0o755);
    }
  });

  it.skipIf(!procMounted)(
    "refuses a directory where the file system takes none (/proc) at once, without spinning",
    // A guard against the spin that recursive mkdir falls into there, not a speed claim.
    { timeout: 10_000 },
    () => {
      const error = thrownConfigError(() => checkOutputDirectory("/proc/mull-nope/run", "--out"));
      expect(error.field).toBe("--out");
      expect(error.message).toBe(
        `--out "/proc/mull-nope/run": cannot create the directory /proc/mull-nope (the file system there takes ` +
          "no new entries); give a directory you can write to",
      );
      // An existing directory there takes no files either.
      expect(thrownConfigError(() => checkOutputDirectory("/proc/self", "--out")).message).toMatch(
        /^--out "\/proc\/self": cannot write into \/proc\/self \(/,
      );
    },
  );

  it("refuses a file, and a file where a parent folder would be", () => {
    const blocker = file("run-as-file", "x");
    const error = thrownConfigError(() => checkOutputDirectory(blocker, "--out"));
    expect(error.field).toBe("--out");
    expect(error.message).toBe(
      `--out ${JSON.stringify(blocker)}: that is a file, not a directory; give a directory (mull writes its files inside it)`,
    );
    expect(thrownConfigError(() => checkOutputDirectory(join(blocker, "run"), "--svg")).message).toContain(
      `${blocker} is a file, not a directory`,
    );
    expect(readFileSync(blocker, "utf8")).toBe("x");
  });
});

describe("prepareOutputDirectory", () => {
  it("makes a new nested directory and keeps it, for the writer about to write there", () => {
    const deep = join(folder, "prepared", "a", "b");
    prepareOutputDirectory(deep, "run directory");
    expect(lstatSync(deep).isDirectory()).toBe(true);
    // The write check's file is gone again.
    expect(readdirSync(deep)).toEqual([]);
  });

  it("refuses a file where a parent folder would be, as checkOutputDirectory does", () => {
    const blocker = file("prepared-blocker", "x");
    const error = thrownConfigError(() => prepareOutputDirectory(join(blocker, "run"), "run directory"));
    expect(error.field).toBe("run directory");
    expect(error.message).toBe(
      `run directory ${JSON.stringify(join(blocker, "run"))}: ${blocker} is a file, not a directory; give a path under a directory`,
    );
  });
});

describe("makeOutputDirectory", () => {
  it("makes every missing level, and takes a directory that exists", () => {
    const deep = join(folder, "made", "a", "b");
    makeOutputDirectory(deep, "--out");
    makeOutputDirectory(deep, "--out");
    expect(lstatSync(deep).isDirectory()).toBe(true);
  });

  it("refuses a file where a level would be, naming the field", () => {
    const blocker = file("made-blocker", "x");
    const error = thrownConfigError(() => makeOutputDirectory(join(blocker, "run"), "run directory"));
    expect(error.field).toBe("run directory");
    expect(error.message).toContain(`cannot create the directory ${join(blocker, "run")}`);
    expect(readFileSync(blocker, "utf8")).toBe("x");
  });
});
