import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configRefusal } from "../runtime/rejection.test-support.ts";
import { syntheticRun } from "../testing/index.ts";
import { writeReport } from "./write-report.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-write-report-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const run = syntheticRun({ seed: 2, problems: 6 });

describe("writeReport", () => {
  it("refuses to replace a file that is not an HTML document, and writes over an earlier report", async () => {
    const database = join(folder, "bench.sqlite");
    writeFileSync(database, Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(200)]));
    const before = readFileSync(database);
    const error = await configRefusal(() => writeReport(run, { out: database }));
    expect(error.field).toBe("out");
    expect(error.message).toContain("holds a SQLite database, not an HTML document");
    expect(readFileSync(database).equals(before)).toBe(true);
    const out = join(folder, "report.html");
    expect(await writeReport(run, { out })).toEqual([out]);
    expect(await writeReport(run, { out })).toEqual([out]);
    expect(readFileSync(out, "utf8").startsWith("<!doctype html>")).toBe(true);
  });

  it("checks every plot file before it writes anything", async () => {
    const plots = join(folder, "plots");
    mkdirSync(plots);
    // A file of the user's under a plot's name: the plot would replace it.
    writeFileSync(join(plots, "coverage.svg"), "my notes");
    const out = join(folder, "with-plots.html");
    const error = await configRefusal(() => writeReport(run, { out, svgDirectory: plots }));
    expect(error.field).toBe("svgDirectory");
    expect(error.message).toContain(`${JSON.stringify(join(plots, "coverage.svg"))}: the file exists`);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(join(plots, "coverage.svg"), "utf8")).toBe("my notes");
  });

  it("names the paths as `fields` says, the options' own names by default", async () => {
    const plots = join(folder, "named-plots");
    mkdirSync(plots);
    writeFileSync(join(plots, "coverage.png"), "not a png");
    const out = join(folder, "named.html");
    const error = await configRefusal(() =>
      writeReport(run, {
        out,
        pngDirectory: plots,
        fields: { out: "--out", svgDirectory: "--svg", pngDirectory: "--png" },
      }),
    );
    expect(error.field).toBe("--png");
    expect(error.message).toMatch(/^--png /);
    expect(error.message).not.toContain("pngDirectory");
    const notes = join(folder, "named-notes.txt");
    writeFileSync(notes, "keep me");
    const named = await configRefusal(() => writeReport(run, { out: notes, fields: { out: "--report" } }));
    expect(named.field).toBe("--report");
    expect(named.message).toMatch(/^--report /);
  });

  it("makes a new plot folder when it writes the plots, and leaves none after a refusal", async () => {
    const fresh = join(folder, "fresh-plots");
    const plots = join(fresh, "svg");
    const notes = join(folder, "notes.txt");
    writeFileSync(notes, "keep me");
    const out = join(folder, "fresh-plots.html");
    // The PNG folder is checked after the SVG folder: a file there is refused once that check has run.
    const error = await configRefusal(() =>
      writeReport(run, { out, svgDirectory: plots, pngDirectory: notes }),
    );
    expect(error.field).toBe("pngDirectory");
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(out)).toBe(false);
    const written = await writeReport(run, { out, svgDirectory: plots });
    expect(written).toContain(join(plots, "coverage.svg"));
    expect(readFileSync(join(plots, "coverage.svg"), "utf8")).toMatch(/<svg/);
  });

  it("refuses a directory as the HTML file and a file as a plot folder", async () => {
    expect((await configRefusal(() => writeReport(run, { out: folder }))).message).toContain(
      "that is a directory",
    );
    const file = join(folder, "not-a-folder");
    writeFileSync(file, "x");
    const error = await configRefusal(() =>
      writeReport(run, { out: join(folder, "png.html"), pngDirectory: file }),
    );
    expect(error.field).toBe("pngDirectory");
    expect(error.message).toContain("that is a file, not a directory");
  });
});
