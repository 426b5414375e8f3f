#!/usr/bin/env node
// The `mull` command. Installed from a tarball or the registry (under node_modules) it runs the compiled
// `dist/`. In its own repository it runs the TypeScript sources (type stripping) and adds the `mull-source`
// export condition, so that `@mull/llama-cpp` and `mull` resolve to their sources as well: a stale `dist/`
// left by a build can never shadow them.
import { existsSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";

const sources = new URL("../src/cli/main.ts", import.meta.url);
const installed = fileURLToPath(import.meta.url)
  .split(/[\\/]/)
  .includes("node_modules");
const fromSources = !installed && existsSync(sources);

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
// Sources need type stripping (22.12 with the flag, 22.18 without); the build needs node:sqlite unflagged.
const [needMajor, needMinor] = fromSources ? [22, 12] : [22, 13];
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  console.error(
    `mull needs Node >= ${needMajor}.${needMinor} (found ${process.versions.node}).` +
      (fromSources
        ? " Run it through npx or npm scripts, which use the Node pinned in node_modules/.bin, or install Node 24."
        : " Install Node 22 (22.13 or later) or 24."),
  );
  process.exit(1);
}

if (fromSources) {
  const addCondition = (specifier, context, nextResolve) =>
    nextResolve(specifier, { ...context, conditions: [...context.conditions, "mull-source"] });
  if (typeof module.registerHooks === "function") {
    module.registerHooks({ resolve: addCondition });
  } else {
    // Node < 22.15: the same hook, run off-thread by the loader.
    module.register(
      `data:text/javascript,export const resolve = ${encodeURIComponent(String(addCondition))};`,
    );
  }
}
const { runCli } = await import(
  fromSources ? sources.href : new URL("../dist/cli/main.js", import.meta.url).href
);
process.exitCode = await runCli(process.argv);
