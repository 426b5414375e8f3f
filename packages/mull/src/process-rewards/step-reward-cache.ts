/**
 * A bounded memo of step rewards keyed by (problem, steps up to and including the step): search asks for
 * the rewards of every prefix again at each step, and a model-based PRM should pay for each step once.
 * When full, the oldest entries go first.
 */
export interface StepRewardCache {
  get(problem: string, steps: readonly string[]): number | undefined;
  set(problem: string, steps: readonly string[], reward: number): void;
}

/** A fresh cache holding at most `capacity` rewards. */
export function createStepRewardCache(capacity = 50_000): StepRewardCache {
  const entries = new Map<string, number>();
  const keyOf = (problem: string, steps: readonly string[]) => `${problem}\u0003${steps.join("\u0004")}`;
  return {
    get: (problem, steps) => entries.get(keyOf(problem, steps)),
    set(problem, steps, reward) {
      const key = keyOf(problem, steps);
      entries.delete(key);
      entries.set(key, reward);
      if (entries.size > capacity) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
  };
}
