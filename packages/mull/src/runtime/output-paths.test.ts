import { execFileSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOutputFile, refuseSymlinkedOutput, writeFileAtomically } from "./output-paths.ts";
import { thrownConfigError } from "./rejection.test-support.ts";

/** Root writes through any mode bits, so a read-only folder proves nothing when the tests run as root. */
const runsAsRoot = process.getuid?.() === 0;
/** A kernel file system where a new directory fails (and a recursive mkdir spins). */
const procMounted = existsSync("/proc/self");
if (runsAsRoot)
  console.log("output-paths: the read-only folder case is skipped: root writes through mode bits");
if (!procMounted) console.log("output-paths: the /proc case is skipped: this system has no /proc");
/** sysfs, where creating a file is refused even to root. */
const sysMounted = existsSync("/sys/kernel");
if (!sysMounted) console.log("output-paths: the /sys case is skipped: this system has no sysfs at /sys");

const folder = mkdtempSync(join(tmpdir(), "mull-output-paths-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A file in the test folder holding `content`. */
function file(name: string, content: string | Uint8Array): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

describe("checkOutputFile", () => {
  it("accepts a new path, an empty file, a device, and an earlier output of the same kind", () => {
    expect(() =>
      checkOutputFile(join(folder, "new", "deeper", "report.html"), "--out", "html"),
    ).not.toThrow();
    expect(() => checkOutputFile(file("empty.html", ""), "--out", "html")).not.toThrow();
    expect(() => checkOutputFile("/dev/null", "--trace", "trace")).not.toThrow();
    const earlier: [string, string | Uint8Array, "html" | "svg" | "png" | "trace"][] = [
      ["report.html", "\uFEFF\n<!doctype html>\n<html lang='en'>", "html"],
      ["bare.html", "<HTML><body></body></HTML>", "html"],
      ["plot.svg", '<svg xmlns="http://www.w3.org/2000/svg"></svg>', "svg"],
      ["declared.svg", '<?xml version="1.0"?>\n<svg></svg>', "svg"],
      ["plot.png", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), "png"],
      ["trace.json", '{\n  "strategy": "sc@8",\n  "events": []\n}\n', "trace"],
    ];
    for (const [name, content, kind] of earlier) {
      expect(() => checkOutputFile(file(name, content), "--out", kind), name).not.toThrow();
    }
  });

  it("refuses an existing file of other content, saying what it holds", () => {
    const database = file(
      "bench.sqlite",
      Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(84)]),
    );
    const error = thrownConfigError(() => checkOutputFile(database, "--out", "html"));
    expect(error.field).toBe("--out");
    expect(error.message).toBe(
      `--out ${JSON.stringify(database)}: the file exists and holds a SQLite database, not an HTML document; ` +
        "mull replaces only its own earlier output: give another path",
    );
    const manifest = file("manifest.json", '{\n  "runId": "run-1"\n}\n');
    expect(thrownConfigError(() => checkOutputFile(manifest, "--trace", "trace")).message).toContain(
      "holds JSON, not a mull solve trace",
    );
    const html = file("page.html", "<!doctype html><p>mine</p>");
    expect(thrownConfigError(() => checkOutputFile(html, "--svg", "svg")).message).toContain(
      "holds an HTML document, not an SVG image",
    );
    const notes = file("notes.txt", "keep me");
    expect(thrownConfigError(() => checkOutputFile(notes, "--out", "html")).message).toContain(
      "holds something else",
    );
  });

  it("refuses an empty path, which would name the working directory", () => {
    const error = thrownConfigError(() => checkOutputFile("", "--out", "html"));
    expect(error.message).toBe('--out "": expected a path, got an empty one');
    expect(error.field).toBe("--out");
  });

  it("refuses a directory, and a path with a file where a folder would be", () => {
    const directory = join(folder, "a-directory");
    mkdirSync(directory);
    expect(thrownConfigError(() => checkOutputFile(directory, "--trace", "trace")).message).toBe(
      `--trace ${JSON.stringify(directory)}: that is a directory; give the path of the file to write, e.g. ${join(directory, "trace.json")}`,
    );
    const blocker = file("blocker", "x");
    const under = join(blocker, "sub", "report.html");
    expect(thrownConfigError(() => checkOutputFile(under, "--out", "html")).message).toBe(
      `--out ${JSON.stringify(under)}: ${blocker} is a file, not a directory; give a path under a directory`,
    );
  });
});

describe("refuseSymlinkedOutput", () => {
  it("refuses a file path that is a link (to a file, or dangling) or lies in a linked folder", () => {
    const directory = join(folder, "links");
    mkdirSync(directory);
    const target = join(directory, "target.json");
    writeFileSync(target, "kept");
    const toFile = join(directory, "to-file.json");
    symlinkSync(target, toFile);
    const dangling = join(directory, "dangling.json");
    symlinkSync(join(directory, "nowhere.json"), dangling);
    const linkedFolder = join(folder, "linked-folder");
    symlinkSync(directory, linkedFolder);
    for (const [path, link] of [
      [toFile, toFile],
      [dangling, dangling],
      [join(linkedFolder, "trace.json"), linkedFolder],
    ] as const) {
      const error = thrownConfigError(() => refuseSymlinkedOutput(path, "--trace", "file"));
      expect(error.field).toBe("--trace");
      expect(error.message).toBe(
        `--trace ${JSON.stringify(path)}: ${link} is a symbolic link; mull does not write through links, give the real path`,
      );
    }
    expect(thrownConfigError(() => refuseSymlinkedOutput(linkedFolder, "--svg", "directory")).field).toBe(
      "--svg",
    );
    expect(readFileSync(target, "utf8")).toBe("kept");
  });

  it("passes a new path, a real file, and the name of one of this process's descriptors", () => {
    expect(() => refuseSymlinkedOutput(join(folder, "fresh", "trace.json"), "--trace", "file")).not.toThrow();
    expect(() => refuseSymlinkedOutput(file("real.json", "{}"), "--trace", "file")).not.toThrow();
    // `/dev/stdout` and `/dev/fd/N` are links the kernel keeps: written at the descriptor, not through.
    for (const name of ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]) {
      expect(() => refuseSymlinkedOutput(name, "--trace", "file"), name).not.toThrow();
    }
    // Another process's descriptor (its parent's, same user) is a link into whatever that process opened.
    if (procMounted) {
      expect(() => refuseSymlinkedOutput(`/proc/${process.ppid}/fd/1`, "--trace", "file")).toThrow(
        /is a symbolic link/,
      );
    }
  });
});

describe("checkOutputFile, whether the path can be written", () => {
  it("creates and removes a new file and the folders missing above it, leaving nothing behind", () => {
    const parent = join(folder, "probed");
    mkdirSync(parent);
    checkOutputFile(join(parent, "report.html"), "--out", "html");
    checkOutputFile(join(parent, "new", "deeper", "trace.json"), "--trace", "trace");
    expect(readdirSync(parent)).toEqual([]);
    const earlier = join(parent, "kept.html");
    writeFileSync(earlier, "<!doctype html><p>earlier</p>");
    checkOutputFile(earlier, "--out", "html");
    expect(readdirSync(parent)).toEqual(["kept.html"]);
    expect(readFileSync(earlier, "utf8")).toBe("<!doctype html><p>earlier</p>");
  });

  it.skipIf(runsAsRoot)("refuses a file in a read-only folder, new or to be replaced, saying why", () => {
    const readOnly = join(folder, "read-only");
    mkdirSync(readOnly);
    const earlier = file("read-only/report.html", "<!doctype html>");
    chmodSync(readOnly, 0o555);
    try {
      const fresh = join(readOnly, "trace.json");
      const error = thrownConfigError(() => checkOutputFile(fresh, "--trace", "trace"));
      expect(error.field).toBe("--trace");
      expect(error.message).toBe(
        `--trace ${JSON.stringify(fresh)}: cannot create ${fresh} (permission denied); give a file path you can write to`,
      );
      // Replacing renames a temporary file into the folder, which takes none.
      expect(thrownConfigError(() => checkOutputFile(earlier, "--out", "html")).message).toBe(
        `--out ${JSON.stringify(earlier)}: cannot write into ${readOnly} (permission denied); give a file path you can write to`,
      );
      expect(
        thrownConfigError(() => checkOutputFile(join(readOnly, "sub", "r.html"), "--out", "html")).message,
      ).toBe(
        `--out ${JSON.stringify(join(readOnly, "sub", "r.html"))}: cannot create the directory ${join(readOnly, "sub")} ` +
          "(permission denied); give a directory you can write to",
      );
    } finally {
      chmodSync(readOnly, 0o755);
    }
  });

  it.skipIf(!sysMounted)("refuses a new file on sysfs, where even root creates none", () => {
    const error = thrownConfigError(() => checkOutputFile("/sys/mull-nope.json", "--trace", "trace"));
    expect(error.field).toBe("--trace");
    expect(error.message).toBe(
      '--trace "/sys/mull-nope.json": cannot create /sys/mull-nope.json (permission denied); ' +
        "give a file path you can write to",
    );
  });

  it.skipIf(!procMounted)(
    "refuses a file on /proc, new, under a new folder, or replacing an empty one",
    () => {
      expect(thrownConfigError(() => checkOutputFile("/proc/mull-nope.html", "--out", "html")).message).toBe(
        '--out "/proc/mull-nope.html": cannot create /proc/mull-nope.html (the file system there takes no new ' +
          "entries); give a file path you can write to",
      );
      expect(
        thrownConfigError(() => checkOutputFile("/proc/mull-nope/r.html", "--out", "html")).message,
      ).toBe(
        '--out "/proc/mull-nope/r.html": cannot create the directory /proc/mull-nope (the file system there ' +
          "takes no new entries); give a directory you can write to",
      );
      // /proc/version reads as an empty regular file, which mull may replace, but /proc takes no temporary file.
      expect(thrownConfigError(() => checkOutputFile("/proc/version", "--out", "html")).message).toBe(
        '--out "/proc/version": cannot write into /proc (the file system there takes no new entries); ' +
          "give a file path you can write to",
      );
    },
  );
});

describe("writeFileAtomically", () => {
  it("writes a new file and replaces an existing one, leaving no temporary file", () => {
    const directory = join(folder, "atomic-write");
    mkdirSync(directory);
    const path = join(directory, "report.html");
    writeFileAtomically(path, "first");
    writeFileAtomically(path, new TextEncoder().encode("second"));
    expect(readFileSync(path, "utf8")).toBe("second");
    expect(readdirSync(directory)).toEqual(["report.html"]);
  });

  it("replaces a link at the path instead of writing where it points", () => {
    const directory = join(folder, "atomic-link");
    mkdirSync(directory);
    const target = join(directory, "target.txt");
    writeFileSync(target, "kept");
    const link = join(directory, "link.txt");
    symlinkSync(target, link);
    writeFileAtomically(link, "new");
    expect(readFileSync(target, "utf8")).toBe("kept");
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(link, "utf8")).toBe("new");
  });

  it.skipIf(process.platform === "win32")(
    "writes into a pipe where it is, instead of replacing it with a file",
    () => {
      const pipe = join(folder, "pipe");
      execFileSync("mkfifo", [pipe]);
      // A reader that does not block, so that opening the pipe to write does not wait for one.
      const reader = openSync(pipe, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        writeFileAtomically(pipe, "through the pipe");
        const received = Buffer.alloc(64);
        expect(received.toString("utf8", 0, readSync(reader, received))).toBe("through the pipe");
        expect(lstatSync(pipe).isFIFO()).toBe(true);
      } finally {
        closeSync(reader);
      }
    },
  );

  it.skipIf(!procMounted)(
    "writes at an open descriptor its name stands for (/proc/self/fd/N, as /dev/stdout), at its offset",
    () => {
      const target = join(folder, "descriptor-target.json");
      // As a shell's `> target` opens it: no append, one offset that every write moves on.
      const descriptor = openSync(target, "w");
      try {
        writeSync(descriptor, "before\n");
        // Renaming over the name would fail here (or, for /dev/stdout as root, replace the name itself);
        // opening it again would start at offset 0 and the next write would overwrite the trace.
        writeFileAtomically(`/proc/self/fd/${descriptor}`, "trace\n");
        writeSync(descriptor, "after\n");
        expect(readFileSync(target, "utf8")).toBe("before\ntrace\nafter\n");
        expect(() => checkOutputFile(`/proc/self/fd/${descriptor}`, "--trace", "trace")).not.toThrow();
      } finally {
        closeSync(descriptor);
      }
    },
  );

  it("removes its temporary file when the rename fails", () => {
    const directory = join(folder, "atomic-failure");
    mkdirSync(directory);
    // A non-empty directory at the path: the temporary file is written, the rename over it fails.
    const path = join(directory, "occupied");
    mkdirSync(path);
    writeFileSync(join(path, "inside.txt"), "x");
    expect(() => writeFileAtomically(path, "content")).toThrow();
    expect(readdirSync(directory)).toEqual(["occupied"]);
    expect(readdirSync(path)).toEqual(["inside.txt"]);
  });
});
