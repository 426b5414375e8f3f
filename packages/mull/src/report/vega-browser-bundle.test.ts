import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFakePackage } from "../packaging/fake-package.test-support.ts";
import { vegaBrowserBundle } from "./vega-browser-bundle.ts";

// The `mull` bin of @mull/cli in a project that has its own older vega hoisted, @mull/cli's vega nested
// under @mull/cli, and a `mull` whose `dist/` holds this folder's vega-browser-bundle compiled as the build
// compiles it. The report must inline the bundle of the vega its plots import: @mull/cli's, whether the
// bin's resolve hooks are synchronous (Node 22.15 and later) or run off-thread (before).

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../../../cli/bin/mull.js");
const source = path.resolve(import.meta.dirname, "vega-browser-bundle.ts");

/** A stand-in `mull/cli` that prints the version of the vega it imports and the bundle mull inlines. */
const mullCli = `import { version } from "vega";
import { vegaBrowserBundle } from "../report/vega-browser-bundle.js";
export async function runCli() {
  console.log(JSON.stringify({ imported: version, inlined: vegaBrowserBundle().trim() }));
  return 0;
}
export async function endCliProcess(code) {
  process.exitCode = code;
}
`;

/** A stand-in vega whose entry exports its version and whose browser bundle names whose copy it is. */
async function writeVega(directory: string, version: string, owner: string, manifest: object) {
  await writeFakePackage(
    directory,
    { name: "vega", version, ...manifest },
    {
      "build/vega.module.js": `export const version = ${JSON.stringify(version)};\n`,
      "build/vega-node.js": `export const version = ${JSON.stringify(version)};\n`,
      "build/vega.min.js": `${owner} vega ${version}\n`,
    },
  );
}

/** `vega-browser-bundle.ts` as the build emits it: types stripped, relative `.ts` imports made `.js`. */
async function compiledSource(): Promise<string> {
  const compiled = ts.transpileModule(await readFile(source, "utf8"), {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      rewriteRelativeImportExtensions: true,
    },
  });
  return compiled.outputText;
}

describe("vegaBrowserBundle under the mull bin", () => {
  let project = "";

  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), "mull-vega-bundle-"));
    const modules = path.join(project, "node_modules");
    // The project's vega 5, as it is published: no exports map, a main entry for Node.
    await writeVega(path.join(modules, "vega"), "5.0.0", "project", { main: "build/vega-node.js" });
    const cli = path.join(modules, "@mull/cli");
    await writeFakePackage(cli, {
      name: "@mull/cli",
      version: "0.1.0",
      bin: { mull: "bin/mull.js" },
      dependencies: { mull: "0.1.0", vega: "^6.4.0" },
    });
    await mkdir(path.join(cli, "bin"));
    await copyFile(bin, path.join(cli, "bin/mull.js"));
    // vega 6's exports map, as it is published.
    await writeVega(path.join(cli, "node_modules/vega"), "6.4.0", "@mull/cli", {
      exports: { ".": { types: "./index.d.ts", default: "./build/vega.module.js" } },
    });
    await writeFakePackage(
      path.join(modules, "mull"),
      {
        name: "mull",
        version: "0.1.0",
        exports: { "./cli": "./dist/cli/main.js", "./package.json": "./package.json" },
      },
      {
        "dist/cli/main.js": mullCli,
        "dist/errors/index.js": "export class MullError extends Error {}\n",
        "dist/report/vega-browser-bundle.js": await compiledSource(),
      },
    );
  });

  afterAll(async () => {
    if (project !== "") await rm(project, { recursive: true, force: true });
  });

  const expected = { imported: "6.4.0", inlined: "@mull/cli vega 6.4.0" };

  it("inlines @mull/cli's vega, the one the plots import, through module.registerHooks", async () => {
    const { stdout } = await run(process.execPath, ["node_modules/@mull/cli/bin/mull.js"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual(expected);
  });

  it("inlines the same vega through module.register, where Node has no registerHooks (before 22.15)", async () => {
    const withoutHooks =
      'data:text/javascript,import module from "node:module"; delete module.registerHooks;';
    const { stdout } = await run(
      process.execPath,
      ["--import", withoutHooks, "node_modules/@mull/cli/bin/mull.js"],
      { cwd: project },
    );
    expect(JSON.parse(stdout)).toEqual(expected);
  });
});

describe("vegaBrowserBundle", () => {
  it("reads the installed vega's browser bundle, which defines the global vega, of the version imported", async () => {
    const bundle = vegaBrowserBundle();
    expect(bundle).toContain(").vega={}");
    const { version } = await import("vega");
    expect(bundle).toContain(`version="${version}"`);
  });
});
