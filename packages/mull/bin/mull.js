#!/usr/bin/env node
// The `mull` command. Runs the TypeScript sources directly on Node >= 22.18 / 24 (type stripping), or the
// compiled `dist/` when a build is present (published packages).
import { existsSync } from "node:fs";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `mull needs Node >= 22.12 (found ${process.versions.node}). Run it through npx or npm scripts, which use ` +
      "the Node pinned in node_modules/.bin, or install Node 24.",
  );
  process.exit(1);
}
const compiled = new URL("../dist/cli/main.js", import.meta.url);
const { runCli } = await import(
  existsSync(compiled) ? compiled.href : new URL("../src/cli/main.ts", import.meta.url).href
);
process.exitCode = await runCli(process.argv);
