import type { Backend, OutcomeScorer, ProcessRewardModel } from "../spec/index.ts";

/** Thrown when building a strategy used a stand-in dependency rather than only holding it. */
class StandInUsedError extends Error {}

function unusable(what: string): never {
  throw new StandInUsedError(
    `${what} is a stand-in that only lets a spec's strategy be built before anything loads; it cannot be called`,
  );
}

/** A backend that a factory may hold but not call: any call throws (`isStandInUse`). */
export const standInBackend: Backend = {
  describe: () => unusable("backend"),
  capabilities: () => unusable("backend"),
  generate: () => unusable("backend"),
};

/** An outcome scorer that a factory may hold but not call. */
export const standInScorer: OutcomeScorer = { name: "stand-in", score: () => unusable("scorer") };

/** A process reward model that a factory may hold but not call. */
export const standInProcessReward: ProcessRewardModel = {
  name: "stand-in",
  score: () => unusable("process reward model"),
};

/**
 * The route a routing spec that names none is built on before a surface's default route is known: two
 * models, as every default route is (`--small-model`, then `--model`).
 */
export const standInRoute: readonly string[] = ["small", "large"];

/**
 * Whether `error` says that building a strategy called a stand-in dependency: the spec can then only be
 * built with its real dependencies, which is no refusal of the spec.
 *
 * @example
 * try { entry.create(values, { models: [{ name: "a", backend: standInBackend }] }, form); }
 * catch (error) { if (!isStandInUse(error)) throw error; }
 */
export function isStandInUse(error: unknown): boolean {
  return error instanceof StandInUsedError;
}
