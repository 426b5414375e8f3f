/**
 * Lints what would be published: checks the packages' peer dependencies (an optional peer from outside the
 * workspace makes `npm install` fail beside another version of it), packs the packages as `npm pack` does
 * (their `prepack` builds `dist/`), then runs publint (package.json fields, `exports` targets, files left
 * out) and Are the Types Wrong (the types each entry resolves to under Node's ESM resolution and bundlers)
 * on the tarballs. The packages are ESM only: attw's `esm-only` profile leaves out `require()` from old
 * CommonJS resolution. `@mull/cli` is a command and its dependencies, with no entry to import: publint only.
 *
 * @example
 * npm run check:package
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type PeerManifest, peerDependencyProblems } from "./peer-dependency-problems.ts";

const root = path.resolve(import.meta.dirname, "..");
const packages = [
  { directory: "packages/mull", types: true },
  { directory: "packages/llama-cpp", types: true },
  { directory: "packages/cli", types: false },
];

/** The file a package's `bin` entry names, in this workspace's node_modules. */
function binary(packageName: string, command: string): string {
  const directory = path.join(root, "node_modules", packageName);
  const manifest = JSON.parse(readFileSync(path.join(directory, "package.json"), "utf8")) as {
    bin: Record<string, string>;
  };
  return path.join(directory, manifest.bin[command] as string);
}

let failed = false;
const manifests = packages.map(
  ({ directory }) =>
    JSON.parse(readFileSync(path.join(root, directory, "package.json"), "utf8")) as PeerManifest,
);
for (const problem of peerDependencyProblems(manifests)) {
  console.error(`check:package: ${problem}`);
  failed = true;
}
const destination = mkdtempSync(path.join(tmpdir(), "mull-check-package-"));
try {
  for (const { directory, types } of packages) {
    // `tsc --noEmit` has just checked these sources: the build only emits.
    const packed = execFileSync("npm", ["pack", "--json", "--pack-destination", destination], {
      cwd: path.join(root, directory),
      encoding: "utf8",
      env: { ...process.env, MULL_BUILD_NO_CHECK: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
    const tarball = path.join(destination, filename);
    const tools: [string, string[]][] = [[binary("publint", "publint"), ["run", tarball, "--strict"]]];
    if (types) {
      tools.push([
        binary("@arethetypeswrong/cli", "attw"),
        [tarball, "--profile", "esm-only", "--format", "ascii"],
      ]);
    }
    for (const [tool, args] of tools) {
      try {
        execFileSync(process.execPath, [tool, ...args], { encoding: "utf8", stdio: "pipe" });
      } catch (error) {
        const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
        process.stderr.write(`${stdout}${stderr}`);
        failed = true;
      }
    }
    console.log(`check:package: ${filename} packed and linted (${types ? "publint, attw" : "publint"})`);
  }
} finally {
  rmSync(destination, { recursive: true, force: true });
}
if (failed) {
  console.error("check:package: the peer dependencies, publint or attw found problems (above).");
  process.exitCode = 1;
}
