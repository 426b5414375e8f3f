import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultDataDir, describeDefaultDataDir, projectDataDir, sharedDataDir } from "./default-data-dir.ts";

/** The workspace root: the nearest folder above this one whose package.json lists workspaces. */
function workspaceRoot(): string {
  for (let folder = import.meta.dirname; folder !== dirname(folder); folder = dirname(folder)) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest) && "workspaces" in JSON.parse(readFileSync(manifest, "utf8"))) return folder;
  }
  throw new Error(`no workspace root above ${import.meta.dirname}`);
}

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-data-dir-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe("defaultDataDir", () => {
  it("is ../shared/data/benchmarks under the working directory when that folder exists", () => {
    const project = join(directory, "project");
    mkdirSync(project);
    mkdirSync(join(directory, "shared/data/benchmarks"), { recursive: true });
    expect(defaultDataDir(project)).toBe(join(directory, "shared/data/benchmarks"));
  });

  it("falls back to ../shared/data/benchmarks beside the repository, as from a package folder", () => {
    const project = join(directory, "project");
    mkdirSync(project);
    expect(defaultDataDir(project)).toBe(projectDataDir);
    expect(projectDataDir).toBe(join(dirname(workspaceRoot()), "shared/data/benchmarks"));
    // packages/mull has no ../shared beside it: the repository's folder is found all the same.
    expect(defaultDataDir(join(workspaceRoot(), "packages/mull"))).toBe(projectDataDir);
  });

  it("is described with both places, for the help text and errors", () => {
    expect(sharedDataDir).toBe("../shared/data/benchmarks");
    expect(describeDefaultDataDir()).toBe(
      `../shared/data/benchmarks under the working directory when it exists, else ${projectDataDir}`,
    );
  });
});
