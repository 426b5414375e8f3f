#!/usr/bin/env node
import module from "node:module";
// The `mull` command; its code is `mull/cli`, the CLI entry of the `mull` package. Installed from a tarball or
// the registry (under node_modules) it runs the compiled `dist/`. In its own repository it runs the TypeScript
// sources (type stripping) and adds the `mull-source` export condition, so that `mull` and `@mull/llama-cpp`
// resolve to their sources: a stale `dist/` left by a build can never shadow them.
import { fileURLToPath } from "node:url";

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

// The command's own packages (commander, hono, vega, …) are dependencies of this package and optional peers of
// `mull`, whose code imports them. npm places them where `mull` finds them unless another version is in the
// way; then they sit under this package, and a bare import that fails from `mull` is resolved from here.
const conditions = installed ? [] : ["mull-source"];
const fallbackParent = import.meta.url;
const isBare = (specifier) => !/^(\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
const resolve = (specifier, context, nextResolve) => {
  const adjusted = { ...context, conditions: [...context.conditions, ...conditions] };
  try {
    return nextResolve(specifier, adjusted);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !isBare(specifier)) throw error;
    return nextResolve(specifier, { ...adjusted, parentURL: fallbackParent });
  }
};
if (typeof module.registerHooks === "function") {
  module.registerHooks({ resolve });
} else {
  // Node < 22.15: the same hook, asynchronous and run off-thread by the loader.
  const source = `const conditions = ${JSON.stringify(conditions)};
const fallbackParent = ${JSON.stringify(fallbackParent)};
const isBare = ${String(isBare)};
export async function resolve(specifier, context, nextResolve) {
  const adjusted = { ...context, conditions: [...context.conditions, ...conditions] };
  try {
    return await nextResolve(specifier, adjusted);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !isBare(specifier)) throw error;
    return nextResolve(specifier, { ...adjusted, parentURL: fallbackParent });
  }
}`;
  module.register(`data:text/javascript,${encodeURIComponent(source)}`);
}
const { runCli, endCliProcess } = await import("mull/cli");
// Sets the exit code, or exits at once (once stdout and stderr are written) when an exporter's request
// that the flush at the end stopped waiting for would keep the process alive.
await endCliProcess(await runCli(process.argv));
