import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFakePackage, writeVersionPackage } from "./fake-package.test-support.ts";

// The `mull` bin of @mull/cli, installed in a project whose node_modules holds stand-ins: the project's own
// commander 12 hoisted, @mull/cli's commander 15 under @mull/cli, and a `mull/cli` entry that prints the
// version of each package it imports. The bin must make mull's code use @mull/cli's versions of the
// command's packages, and leave every other import as Node resolves it.

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../../../cli/bin/mull.js");

const mullCli = `import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { version as commander } from "commander";
import { version as pino } from "pino";
import { version as hono } from "hono";
import { version as zod } from "zod";
import { version as extra } from "extra";
import { commander as helper } from "helper";
const located = createRequire(import.meta.url).resolve("commander");
const required = JSON.parse(readFileSync(join(dirname(located), "package.json"), "utf8")).version;
export async function runCli() {
  console.log(JSON.stringify({ commander, pino, hono, zod, extra, helper, required }));
  return 0;
}
export async function endCliProcess(code) {
  process.exitCode = code;
}
`;

/** What each import of the stand-in `mull/cli` must find. */
const expected = {
  // @mull/cli's own, over the project's older copy.
  commander: "15.1.0",
  // @mull/cli's dependency, hoisted for both.
  pino: "10.4.0",
  // @mull/cli's dependency, but npm put a copy under mull only: found from mull.
  hono: "4.13.19",
  // mull's own dependency.
  zod: "4.6.7",
  // Not @mull/cli's dependency and not reachable from mull: found under @mull/cli, as before.
  extra: "1.0.0",
  // Imported by another package, not by mull's code: the project's copy.
  helper: "12.1.0",
  // require.resolve from mull's code: @mull/cli's, as for import.
  required: "15.1.0",
};

describe("the mull bin's resolution of mull's imports", () => {
  let project = "";

  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), "mull-command-resolution-"));
    const modules = path.join(project, "node_modules");
    await writeVersionPackage(path.join(modules, "commander"), "commander", "12.1.0");
    await writeVersionPackage(path.join(modules, "pino"), "pino", "10.4.0");
    await writeVersionPackage(
      path.join(modules, "helper"),
      "helper",
      "1.0.0",
      'export { version as commander } from "commander";\n',
    );
    const mull = path.join(modules, "mull");
    await writeFakePackage(
      mull,
      {
        name: "mull",
        version: "0.1.0",
        exports: { "./cli": "./cli.js", "./package.json": "./package.json" },
      },
      { "cli.js": mullCli },
    );
    await writeVersionPackage(path.join(mull, "node_modules/hono"), "hono", "4.13.19");
    await writeVersionPackage(path.join(mull, "node_modules/zod"), "zod", "4.6.7");
    const cli = path.join(modules, "@mull/cli");
    await writeFakePackage(cli, {
      name: "@mull/cli",
      version: "0.1.0",
      bin: { mull: "bin/mull.js" },
      dependencies: { commander: "^15.1.0", hono: "^4.13.19", mull: "0.1.0", pino: "^10.4.0" },
    });
    await mkdir(path.join(cli, "bin"));
    await copyFile(bin, path.join(cli, "bin/mull.js"));
    await writeVersionPackage(path.join(cli, "node_modules/commander"), "commander", "15.1.0");
    await writeVersionPackage(path.join(cli, "node_modules/extra"), "extra", "1.0.0");
  });

  afterAll(async () => {
    if (project !== "") await rm(project, { recursive: true, force: true });
  });

  it("gives mull's code @mull/cli's versions through module.registerHooks", async () => {
    const { stdout } = await run(process.execPath, ["node_modules/@mull/cli/bin/mull.js"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual(expected);
  });

  it("does the same for import through module.register where Node has no registerHooks (before 22.15)", async () => {
    const withoutHooks =
      'data:text/javascript,import module from "node:module"; delete module.registerHooks;';
    const { stdout } = await run(
      process.execPath,
      ["--import", withoutHooks, "node_modules/@mull/cli/bin/mull.js"],
      { cwd: project },
    );
    // There the loader's hooks see import only: require.resolve finds the project's copy.
    expect(JSON.parse(stdout)).toEqual({ ...expected, required: "12.1.0" });
  });
});
