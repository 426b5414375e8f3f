import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFakePackage, writeVersionPackage } from "./fake-package.test-support.ts";

// The `mull` bin of @mull/cli in a project that holds hono 4.6: npm puts @mull/cli's hono under @mull/cli and
// hoists @hono/node-server (whose peer range, ^4, takes the project's hono) to the top level. The copy of a
// command's package that @mull/cli uses must import @mull/cli's versions of the others, as mull's code does;
// a package nested under it, and any other package, resolve as Node resolves them.

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../../../cli/bin/mull.js");

const mullCli = `import nodeServer from "@hono/node-server";
import bullmq from "bullmq";
import { hono as helper } from "helper";
export async function runCli() {
  console.log(JSON.stringify({
    ...nodeServer,
    bullmq,
    helper,
    parentAtStart: globalThis[Symbol.for("mull.parentAtStart")],
  }));
  return 0;
}
export async function endCliProcess(code) {
  process.exitCode = code;
}
`;

const nodeServer = `import { version as hono } from "hono";
import { hono as nested } from "nested";
export default { hono, nested };
`;

/** What each import must find. */
const expected = {
  // Imported by the hoisted @hono/node-server, @mull/cli's dependency: @mull/cli's hono, not the project's.
  hono: "4.13.19",
  // Imported by a package nested under @hono/node-server: as Node resolves it, the project's.
  nested: "4.6.0",
  // Required by the hoisted bullmq (CommonJS), @mull/cli's dependency: @mull/cli's ioredis.
  bullmq: { ioredis: "6.1.0" },
  // Imported by a package that is not the command's: the project's.
  helper: "4.6.0",
};

describe("the mull bin's resolution of the imports of the command's packages", () => {
  let project = "";

  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), "mull-command-dependency-resolution-"));
    const modules = path.join(project, "node_modules");
    await writeVersionPackage(path.join(modules, "hono"), "hono", "4.6.0");
    await writeFakePackage(
      path.join(modules, "ioredis"),
      { name: "ioredis", version: "5.4.0", type: "commonjs", main: "index.js" },
      { "index.js": 'exports.version = "5.4.0";\n' },
    );
    await writeVersionPackage(
      path.join(modules, "helper"),
      "helper",
      "1.0.0",
      'export { version as hono } from "hono";\n',
    );
    const server = path.join(modules, "@hono/node-server");
    await writeFakePackage(
      server,
      {
        name: "@hono/node-server",
        version: "2.1.11",
        exports: "./index.js",
        peerDependencies: { hono: "^4" },
      },
      { "index.js": nodeServer },
    );
    await writeVersionPackage(
      path.join(server, "node_modules/nested"),
      "nested",
      "1.0.0",
      'export { version as hono } from "hono";\n',
    );
    await writeFakePackage(
      path.join(modules, "bullmq"),
      { name: "bullmq", version: "6.7.6", type: "commonjs", main: "index.js" },
      { "index.js": 'exports.ioredis = require("ioredis").version;\n' },
    );
    await writeFakePackage(
      path.join(modules, "mull"),
      {
        name: "mull",
        version: "0.1.0",
        exports: { "./cli": "./cli.js", "./package.json": "./package.json" },
      },
      { "cli.js": mullCli },
    );
    const cli = path.join(modules, "@mull/cli");
    await writeFakePackage(cli, {
      name: "@mull/cli",
      version: "0.1.0",
      bin: { mull: "bin/mull.js" },
      dependencies: {
        "@hono/node-server": "^2.1.8",
        bullmq: "^6.7.6",
        hono: "^4.13.19",
        ioredis: "^6.1.0",
        mull: "0.1.0",
      },
    });
    await mkdir(path.join(cli, "bin"));
    await copyFile(bin, path.join(cli, "bin/mull.js"));
    await writeVersionPackage(path.join(cli, "node_modules/hono"), "hono", "4.13.19");
    await writeFakePackage(
      path.join(cli, "node_modules/ioredis"),
      { name: "ioredis", version: "6.1.0", type: "commonjs", main: "index.js" },
      { "index.js": 'exports.version = "6.1.0";\n' },
    );
  });

  afterAll(async () => {
    if (project !== "") await rm(project, { recursive: true, force: true });
  });

  it("gives the command's hoisted packages @mull/cli's versions through module.registerHooks", async () => {
    const { stdout } = await run(process.execPath, ["node_modules/@mull/cli/bin/mull.js"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ ...expected, parentAtStart: process.pid });
  });

  it("does the same for import through module.register where Node has no registerHooks (before 22.15)", async () => {
    const withoutHooks =
      'data:text/javascript,import module from "node:module"; delete module.registerHooks;';
    const { stdout } = await run(
      process.execPath,
      ["--import", withoutHooks, "node_modules/@mull/cli/bin/mull.js"],
      { cwd: project },
    );
    // There the loader's hooks see import only: bullmq's require() finds the project's copy.
    expect(JSON.parse(stdout)).toEqual({
      ...expected,
      bullmq: { ioredis: "5.4.0" },
      parentAtStart: process.pid,
    });
  });
});
