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
 * The packages from outside the workspace that may be required peers, each with why its one copy must be
 * the host's: `@opentelemetry/api` keeps the tracer provider the application registers, and a library
 * holding its own copy would trace into another (OpenTelemetry asks instrumented libraries to take the API
 * as a peer, over the whole 1.x range, which every SDK release accepts).
 */
export const hostInstancePeers: Readonly<Record<string, string>> = {
  "@opentelemetry/api": "the tracer provider the application registers lives in its copy",
};

/**
 * The peer dependencies of the published packages that name a package outside the workspace, one sentence
 * each. npm enforces a peer's range against the project's own copy, so a project that already has another
 * version of it cannot install the package at all (ERESOLVE), and under `--legacy-peer-deps` the package
 * runs against the project's version: a required peer `zod@^4` met by the project's zod 3 fails at the
 * first schema (`keyValidator._parse is not a function`). Optional peers are enforced whenever the package
 * is present, and `--legacy-peer-deps` also drops the required ones. A package that some code of the
 * workspace needs belongs in the dependencies of the package that runs that code (as `@mull/cli` holds the
 * command's), or is reached through a workspace package that depends on it (`@mull/llama-cpp` takes zod
 * from `mull/runtime`). Only the workspace's own packages, pinned together, may be peers, required or
 * optional, and the packages of {@link hostInstancePeers} required peers.
 *
 * @example
 * peerDependencyProblems([{ name: "@mull/llama-cpp", peerDependencies: { mull: "0.1.0", zod: "^4.6.7" } }]);
 * // ['@mull/llama-cpp: the peer zod (^4.6.7) is not a package of this workspace: …']
 */
export function peerDependencyProblems(manifests: readonly PeerManifest[]): string[] {
  const workspace = new Set(manifests.map((manifest) => manifest.name));
  const problems: string[] = [];
  for (const manifest of manifests) {
    for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
      if (workspace.has(name)) continue;
      const optional = manifest.peerDependenciesMeta?.[name]?.optional === true;
      if (!optional && Object.hasOwn(hostInstancePeers, name)) continue;
      const consequence = optional
        ? ""
        : `, and under --legacy-peer-deps ${manifest.name} runs against the project's ${name}`;
      problems.push(
        `${manifest.name}: the ${optional ? "optional peer" : "peer"} ${name} (${range}) is not a package of ` +
          `this workspace: npm refuses to install ${manifest.name} beside another version of ${name} ` +
          `(ERESOLVE)${consequence}; make ${name} a dependency of the package whose code needs it`,
      );
    }
  }
  return problems;
}
