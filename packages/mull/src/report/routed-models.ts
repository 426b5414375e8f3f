import type { RunManifest, RunRoutes } from "../bench/index.ts";

/** A model a run's routes name besides its backend's own, with the routing strategies that use it. */
export interface RoutedModelUse {
  /** The name the routes give it. */
  readonly name: string;
  /** Hash of its weights, where its backend knew it. */
  readonly modelHash: string | undefined;
  /** Where it was served, for a model over HTTP. */
  readonly baseUrl: string | undefined;
  /** The routing strategies whose route names it, in the run's order. */
  readonly strategies: readonly string[];
}

/**
 * The models a run's routing strategies generated with besides the backend's own model (`--model`), in
 * the order the routes name them; empty for a run without routes.
 *
 * @example
 * routedModels(run.manifest, run.routes); // [{ name: "lab-v2-small", modelHash: "sha256:901c…", strategies: ["cascade@8"] }]
 */
export function routedModels(manifest: RunManifest, routes: RunRoutes | undefined): RoutedModelUse[] {
  if (routes === undefined) return [];
  const main = manifest.backend.model;
  const uses = new Map<string, string[]>();
  for (const [strategy, route] of Object.entries(routes.byStrategy)) {
    for (const name of route.split(">")) {
      const described = routes.models[name];
      if (name === main || described?.model === main) continue;
      uses.set(name, [...(uses.get(name) ?? []), strategy]);
    }
  }
  return [...uses].map(([name, strategies]) => ({
    name,
    modelHash: routes.models[name]?.modelHash,
    baseUrl: routes.models[name]?.baseUrl,
    strategies: [...new Set(strategies)],
  }));
}
