/** The fields of a package.json that the peer dependency rule reads. */
export interface PeerManifest {
  /** Package name, e.g. `mull`. */
  readonly name: string;
  /** Peer dependency ranges by package name. */
  readonly peerDependencies?: Readonly<Record<string, string>>;
  /** Per peer, whether it is optional. */
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
}

/**
 * The optional peer dependencies of the published packages that name a package outside the workspace, one
 * sentence each. npm enforces an optional peer's range whenever that package is present, so a project that
 * already has another version of it cannot install the package at all (ERESOLVE), and `--legacy-peer-deps`
 * also drops the required peers. A package that some code of the workspace needs belongs in the dependencies
 * of the package that runs that code (as `@mull/cli` holds the command's); only the workspace's own packages,
 * pinned together, may be optional peers.
 *
 * @example
 * peerDependencyProblems([{ name: "mull", peerDependencies: { pino: "^10" }, peerDependenciesMeta: { pino: { optional: true } } }]);
 * // ['mull: the optional peer pino (^10) is not a package of this workspace: …']
 */
export function peerDependencyProblems(manifests: readonly PeerManifest[]): string[] {
  const workspace = new Set(manifests.map((manifest) => manifest.name));
  const problems: string[] = [];
  for (const manifest of manifests) {
    for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
      if (manifest.peerDependenciesMeta?.[name]?.optional !== true || workspace.has(name)) continue;
      problems.push(
        `${manifest.name}: the optional peer ${name} (${range}) is not a package of this workspace: npm ` +
          `refuses to install ${manifest.name} beside another version of ${name} (ERESOLVE); make ${name} a ` +
          "dependency of the package whose code needs it, or a required peer",
      );
    }
  }
  return problems;
}
