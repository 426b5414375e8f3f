/**
 * One layer of an inference architecture (Archon, Saad-Falcon et al. 2024): each layer takes the pool of
 * candidates the layers before it left and returns a new pool. A layer that names a `model` runs on that
 * model (resolved by name, as a route's models are); without one, on the run's backend.
 */
export type ArchitectureLayer =
  /** Samples `samples` solutions and adds them to the pool (several generate layers make an ensemble). */
  | {
      readonly kind: "generate";
      readonly samples: number;
      /** Sampling temperature; default the run's, else 0.7. */
      readonly temperature?: number | undefined;
      readonly model?: string | undefined;
    }
  /** Writes one critique (strengths and weaknesses) of each candidate, for a later `fuse` to read. */
  | { readonly kind: "critique"; readonly model?: string | undefined }
  /**
   * Replaces the pool with `samples` new solutions, each written with every candidate of the pool (and its
   * critique) in the prompt: the model is asked to keep what they get right and fix what they get wrong.
   */
  | {
      readonly kind: "fuse";
      readonly samples: number;
      /** Sampling temperature; default the run's, else 0.7. */
      readonly temperature?: number | undefined;
      readonly model?: string | undefined;
    }
  /**
   * Keeps the `keep` best candidates, ranked by the outcome scorer (`scorer`), the process reward model's
   * weakest step (`prm`), or the mean token log-probability (`logprob`); ties keep the pool's order.
   */
  | { readonly kind: "rank"; readonly keep: number; readonly by: "scorer" | "prm" | "logprob" }
  /**
   * Keeps the candidates the outcome scorer accepts (score ≥ `threshold`); when it accepts none, the pool
   * stays as it was (a trace note says so).
   */
  | { readonly kind: "verify"; readonly threshold: number }
  /**
   * Unit tests of each step: keeps the candidates every step of which the process reward model passes
   * (reward ≥ `threshold`); when none passes, the pool stays as it was (a trace note says so).
   */
  | { readonly kind: "test"; readonly threshold: number }
  /** The answer: a majority vote over the pool (the default last layer). */
  | { readonly kind: "vote" }
  /** The answer: the pool's first candidate (after a `rank`, the best ranked). */
  | { readonly kind: "first" };

/** The kinds of layer that choose the answer; only the last layer may be one. */
export const answeringLayerKinds: readonly ArchitectureLayer["kind"][] = ["vote", "first"];
