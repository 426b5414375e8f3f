import type { PromptTemplate } from "./problem.ts";
import type { OutcomeScorer, ProcessRewardModel } from "./scorer.ts";
import type { SamplingSettings } from "./strategy.ts";
import type { ThinkingCues } from "./thinking-cues.ts";

/**
 * What a model comes with: the prompt format it was trained on, the checkers that suit its problems and
 * the sampling that suits it. Surfaces (CLI, server, bench) read these fields instead of asking which
 * model they run. A model nothing is known about has a profile with none of the optional parts.
 */
export interface ModelProfile {
  /**
   * Names the profile, e.g. `lab` or `default`. A bench run that renders prompts with the profile's
   * template stores this name as the template's, so a resumed run can tell whether it changed.
   */
  readonly name: string;
  /**
   * The prompt format the model was trained on, rendered from a problem's question alone (the lab's
   * `Q: 37+48-19=? A:`). It throws a `ConfigError` for a question the model cannot answer. Absent when
   * the model reads the run's usual prompts (chat messages).
   */
  readonly promptTemplate?: PromptTemplate | undefined;
  /**
   * What the model answers, for messages that refuse other questions, e.g.
   * `arithmetic chains such as "37+48-19=?"`. Set when `promptTemplate` accepts only some questions.
   */
  readonly answers?: string | undefined;
  /**
   * The outcome scorer that checks the model's solutions (for `bon@N`, `wv@N`), and the checker that
   * `--scorer lab` names and `--scorer noisy:FP,FN` perturbs; absent: none comes with it, and those forms
   * are refused.
   */
  readonly outcomeScorer?: OutcomeScorer | undefined;
  /**
   * The process reward model that checks the model's steps: the one step-level searches (`pf@N`,
   * `beam@NxM`, …) use when none is named, and the checker that `--prm exact` names and
   * `--prm noisy:FP,FN` perturbs. Absent: a search must be given one, and those forms are refused. Set
   * only when it can check every question the model answers (the lab's checker for the lab models, which
   * answer nothing else).
   */
  readonly processReward?: ProcessRewardModel | undefined;
  /**
   * What budget forcing and live probing append to the model's partial solutions: the cue that makes it
   * answer now and the cue that makes it think on.
   */
  readonly thinkingCues: ThinkingCues;
  /** Sampling that suits the model, applied under the user's settings (which win field by field). */
  readonly samplingDefaults: SamplingSettings;
}
