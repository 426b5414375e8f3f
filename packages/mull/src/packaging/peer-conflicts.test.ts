import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFakePackage } from "./fake-package.test-support.ts";
import { npmEnvironment } from "./npm-environment.test-support.ts";

// npm checks an optional peer's range whenever the project has that package: had mull declared the
// command's packages (commander, pino, ioredis, …) or the AI SDK's as optional peers, a project with an
// older copy could not install it (ERESOLVE). Here npm resolves mull's real peers, with stand-ins for the
// project's packages, offline: the tarballs are stand-ins with no dependencies of their own.

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../../..");

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly [field: string]: unknown;
}

/** Packages a project may hold in versions older than the ones mull's command and integrations use. */
const older: Readonly<Record<string, string>> = {
  commander: "12.1.0",
  pino: "9.0.0",
  ioredis: "5.0.0",
  "@ai-sdk/provider": "3.0.0",
  hono: "3.0.0",
  vega: "5.0.0",
};

describe("mull's peer dependencies beside a project's older packages", () => {
  let scratch = "";

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "mull-peers-"));
  });

  afterAll(async () => {
    if (scratch !== "") await rm(scratch, { recursive: true, force: true });
  });

  /** A tarball of a stand-in package, as `file:` specifier. */
  async function tarball(manifest: Manifest): Promise<string> {
    const folder = path.join(scratch, "packages", manifest.name.replace("/", "+"));
    await writeFakePackage(path.join(folder, "package"), manifest);
    const file = path.join(scratch, `${manifest.name.replace("/", "+")}-${manifest.version}.tgz`);
    await run("tar", ["-czf", file, "-C", folder, "package"]);
    return `file:${file}`;
  }

  it("lets npm install mull next to commander 12, pino 9, ioredis 5, @ai-sdk/provider 3, hono 3 and vega 5", async () => {
    const mull = JSON.parse(
      await readFile(path.join(root, "packages/mull/package.json"), "utf8"),
    ) as Manifest;
    const dependencies: Record<string, string> = {};
    for (const [name, version] of Object.entries(older)) {
      dependencies[name] = await tarball({ name, version });
    }
    // A required peer is the project's to install: the workspace's copy satisfies its range.
    for (const name of Object.keys(mull.peerDependencies ?? {})) {
      if (mull.peerDependenciesMeta?.[name]?.optional === true) continue;
      const installed = JSON.parse(
        await readFile(path.join(root, "node_modules", name, "package.json"), "utf8"),
      ) as Manifest;
      dependencies[name] = await tarball({ name, version: installed.version });
    }
    const project = path.join(scratch, "project");
    await writeFakePackage(project, { name: "project", version: "1.0.0", private: true, dependencies });
    const library = await tarball({
      name: mull.name,
      version: mull.version,
      ...(mull.peerDependencies === undefined ? {} : { peerDependencies: mull.peerDependencies }),
      ...(mull.peerDependenciesMeta === undefined ? {} : { peerDependenciesMeta: mull.peerDependenciesMeta }),
    });
    const args = ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", library];
    const outcome = await run("npm", args, { cwd: project, env: npmEnvironment() }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? "" }),
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    const lock = JSON.parse(await readFile(path.join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    expect(lock.packages["node_modules/mull"]?.version).toBe(mull.version);
    for (const [name, version] of Object.entries(older)) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    }
  }, 60_000);
});
