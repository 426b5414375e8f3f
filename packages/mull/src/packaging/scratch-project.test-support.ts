import path from "node:path";

/** One entry of a package-lock.json `packages` map (only the fields read here are named). */
interface LockEntry {
  readonly link?: boolean;
  readonly resolved?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly [field: string]: unknown;
}

/** The parts of the workspace's package.json and package-lock.json a scratch project is derived from. */
export interface Workspace {
  /** Absolute path of the workspace root. */
  readonly root: string;
  /** Its package-lock.json. */
  readonly lock: { readonly packages: Readonly<Record<string, LockEntry>> };
  /** Its package.json `overrides` (values such as `file:./packages/llama-cpp/empty-gpu-binary`). */
  readonly overrides: Readonly<Record<string, string>>;
}

/** A workspace package installed into the scratch project from its packed tarball. */
export interface PackedPackage {
  /** Package name, e.g. `mull`. */
  readonly name: string;
  /** Its folder relative to the workspace root, e.g. `packages/mull`. */
  readonly directory: string;
  /** Absolute path of its `npm pack` tarball. */
  readonly tarball: string;
}

/**
 * The package.json and package-lock.json of a project outside the workspace that depends on packed
 * workspace packages, so that `npm install --offline` can install it from the npm cache `npm ci` filled.
 * The lock pins every dependency to the version, tarball and integrity the workspace's lock holds:
 * resolving version ranges afresh would need registry metadata that `npm ci` does not cache, and could
 * pick versions it never downloaded. The workspace's `file:` overrides (the stand-ins for
 * node-llama-cpp's GPU binaries) carry over with absolute paths.
 *
 * @example
 * const { manifest, lock } = scratchProject(workspace, [{ name: "mull", directory: "packages/mull", tarball }]);
 */
export function scratchProject(
  workspace: Workspace,
  packed: readonly PackedPackage[],
): { manifest: Record<string, unknown>; lock: Record<string, unknown> } {
  const entries = workspace.lock.packages;
  const workspaceNames = new Set(packed.map((entry) => entry.name));
  const dependencies = Object.fromEntries(packed.map((entry) => [entry.name, `file:${entry.tarball}`]));

  /** Where Node would find `name` when it is imported from the package at `from` (a lock key). */
  const resolve = (name: string, from: string): string | undefined => {
    for (let directory = from; ; ) {
      const candidate = `${directory === "" ? "" : `${directory}/`}node_modules/${name}`;
      if (entries[candidate] !== undefined) return candidate;
      if (directory === "") return undefined;
      const nested = directory.lastIndexOf("/node_modules/");
      directory =
        nested >= 0 ? directory.slice(0, nested) : path.posix.dirname(directory).replace(/^\.$/, "");
      if (directory === "node_modules") directory = "";
    }
  };
  /** The lock key a workspace location takes in the scratch project. */
  const placed = (location: string): string => {
    for (const entry of packed) {
      if (location === entry.directory || location.startsWith(`${entry.directory}/`)) {
        return `node_modules/${entry.name}${location.slice(entry.directory.length)}`;
      }
    }
    return location;
  };

  const packages: Record<string, unknown> = {};
  const queue = packed.map((entry) => entry.directory);
  const seen = new Set<string>();
  for (let location = queue.pop(); location !== undefined; location = queue.pop()) {
    if (seen.has(location)) continue;
    seen.add(location);
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = entries[location] as LockEntry;
    const needed = {
      ...entry.dependencies,
      ...entry.optionalDependencies,
      ...Object.fromEntries(
        Object.entries(entry.peerDependencies ?? {}).filter(
          ([name]) => !entry.peerDependenciesMeta?.[name]?.optional,
        ),
      ),
    };
    for (const name of Object.keys(needed)) {
      if (workspaceNames.has(name)) continue;
      const found = resolve(name, location);
      // Links are the workspace's overrides, which the manifest carries.
      if (found !== undefined && entries[found]?.link !== true) queue.push(found);
    }
    const own = packed.find((candidate) => candidate.directory === location);
    packages[placed(location)] = own === undefined ? entry : { ...entry, resolved: `file:${own.tarball}` };
  }

  const overrides = Object.fromEntries(
    Object.entries(workspace.overrides).map(([name, spec]) => [
      name,
      spec.startsWith("file:") ? `file:${path.resolve(workspace.root, spec.slice("file:".length))}` : spec,
    ]),
  );
  const manifest = { name: "mull-scratch", private: true, type: "module", dependencies, overrides };
  const lock = {
    name: "mull-scratch",
    lockfileVersion: 3,
    requires: true,
    packages: { "": { name: "mull-scratch", dependencies }, ...packages },
  };
  return { manifest, lock };
}
