#!/usr/bin/env node
// The `mull` command; its code is `mull/cli`, the CLI entry of the `mull` package. Installed from a tarball or
// the registry (under node_modules) it runs the compiled `dist/`. In its own repository it runs the TypeScript
// sources (type stripping) and adds the `mull-source` export condition, so that `mull` and `@mull/llama-cpp`
// resolve to their sources: a stale `dist/` left by a build can never shadow them.

import { existsSync, realpathSync } from "node:fs";
import module, { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// The parent that started the command, before mull's code loads (seconds on a slow disk): a parent that exits
// meanwhile (npx stopped early) is still told apart from it. mull's `parentAtStart()` reads this key.
globalThis[Symbol.for("mull.parentAtStart")] = process.ppid;

const installed = fileURLToPath(import.meta.url)
  .split(/[\\/]/)
  .includes("node_modules");

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
// Sources need type stripping (22.12 with the flag, 22.18 without); the build needs node:sqlite unflagged.
const [needMajor, needMinor] = installed ? [22, 13] : [22, 12];
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  console.error(
    `mull needs Node >= ${needMajor}.${needMinor} (found ${process.versions.node}).` +
      (installed
        ? " Install Node 22 (22.13 or later) or 24."
        : " Run it through npx or npm scripts, which use the Node pinned in node_modules/.bin, or install Node 24."),
  );
  process.exit(1);
}

// The command's own packages (commander, hono, vega, …) are dependencies of this package, not of `mull`, whose
// code imports them: `mull` does not declare them (as optional peers, npm would refuse to install it beside a
// project's older copy). A bare import of one of them from `mull`'s code resolves from here first, so that
// this package's versions win over an older copy hoisted for the project, then as usual. So does one made by
// the copy of a command's package that this package itself uses, where npm hoisted it beside the project's
// older copy of another: @hono/node-server at the top level, whose peer range takes the project's hono 4.6,
// imports @mull/cli's hono. Any other bare import that finds nothing is resolved from here too.
const commandRequire = createRequire(import.meta.url);
const manifest = commandRequire("../package.json");
const commandPackages = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }).filter(
  (name) => name !== "mull",
);
/**
 * The folder URL of the copy of `name` that an import from here finds (the first `node_modules/<name>` up
 * the tree, as Node looks), its links resolved as Node resolves module URLs; undefined where none is installed.
 */
const packageURL = (name) => {
  for (const folder of commandRequire.resolve.paths(name) ?? []) {
    if (path.basename(folder) !== "node_modules") continue;
    const candidate = path.join(folder, name);
    if (existsSync(path.join(candidate, "package.json"))) {
      return pathToFileURL(`${realpathSync(candidate)}${path.sep}`).href;
    }
  }
  return undefined;
};
const settings = {
  conditions: installed ? [] : ["mull-source"],
  commandURL: import.meta.url,
  commandPackages,
  // The code whose imports of the command's packages resolve from here first: mull's, then that of the
  // command's packages as this package finds them.
  commandCodeURLs: [
    new URL(".", import.meta.resolve("mull/package.json")).href,
    ...commandPackages.map(packageURL).filter((url) => url !== undefined),
  ],
};
/** The contexts to resolve a specifier in, in order: the next one is tried when a module is not found. */
const attempts = (specifier, context, settings) => {
  const adjusted = { ...context, conditions: [...context.conditions, ...settings.conditions] };
  const fromCommand = { ...adjusted, parentURL: settings.commandURL };
  if (/^(\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier)) return [adjusted];
  const name = specifier.split("/", specifier.startsWith("@") ? 2 : 1).join("/");
  const parent = context.parentURL ?? "";
  // A package's own code, not that of a package nested in its node_modules.
  const fromCommandCode = settings.commandCodeURLs.some(
    (url) => parent.startsWith(url) && !/(^|\/)node_modules\//.test(parent.slice(url.length)),
  );
  return fromCommandCode && settings.commandPackages.includes(name)
    ? [fromCommand, adjusted]
    : [adjusted, fromCommand];
};
const resolve = (specifier, context, nextResolve) => {
  const tried = attempts(specifier, context, settings);
  for (const [index, attempt] of tried.entries()) {
    try {
      // Node resolves a require() from its caller whatever the parentURL says: resolve it from here.
      if (attempt.parentURL !== context.parentURL && context.conditions.includes("require")) {
        return { url: pathToFileURL(commandRequire.resolve(specifier)).href, shortCircuit: true };
      }
      return nextResolve(specifier, attempt);
    } catch (error) {
      const missing = error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "MODULE_NOT_FOUND";
      if (!missing || index === tried.length - 1) throw error;
    }
  }
};
if (typeof module.registerHooks === "function") {
  module.registerHooks({ resolve });
} else {
  // Node < 22.15: the same hook, asynchronous and run off-thread by the loader, which hooks import only.
  const source = `const settings = ${JSON.stringify(settings)};
const attempts = ${String(attempts)};
export async function resolve(specifier, context, nextResolve) {
  const tried = attempts(specifier, context, settings);
  for (const [index, attempt] of tried.entries()) {
    try {
      return await nextResolve(specifier, attempt);
    } catch (error) {
      if (error?.code !== "ERR_MODULE_NOT_FOUND" || index === tried.length - 1) throw error;
    }
  }
}`;
  module.register(`data:text/javascript,${encodeURIComponent(source)}`);
}
const { runCli, endCliProcess } = await import("mull/cli");
// Sets the exit code, or exits at once (once stdout and stderr are written) when an exporter's request
// that the flush at the end stopped waiting for would keep the process alive.
await endCliProcess(await runCli(process.argv));
