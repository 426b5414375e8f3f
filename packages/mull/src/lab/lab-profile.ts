import type { ModelProfile } from "../spec/index.ts";
import { labOutcomeChecker } from "./lab-outcome-checker.ts";
import { labProcessReward } from "./lab-process-reward.ts";
import { labPromptTemplate } from "./lab-prompt-template.ts";

/** What `labProfile` takes from a lab model's card. */
export interface LabProfileOptions {
  /** The card's sampling temperature; default 1. */
  readonly recommendedTemperature?: number | undefined;
}

/**
 * The profile of the lab models: `Q: … A:` prompts made from arithmetic chains only, checked exactly by
 * the lab's outcome and step checkers, and sampled at the card's temperature with top-k, top-p and min-p
 * off (pure temperature sampling leaves votes room to help; said explicitly, so that a server with other
 * defaults, such as llama.cpp's top-k 40 and min-p 0.05, samples as the embedded backend does) and at most
 * 192 tokens: twice the longest solution the lab models write (91 tokens over the 9,687 samples of an
 * `npm start` run), and with the prompt inside their 256-token context, so that a server which checks
 * prompt plus `max_tokens` against the window (`mull serve` does) accepts it.
 * Its answer cue is the final-answer line the models were trained to end with (`\n#### `, after the
 * partial step they were writing); its continue cue is a newline, the step delimiter, since the models
 * know no words such as "Wait" (after a finished solution it changes nothing: they end again, and the
 * lab's answer is the first `####`).
 *
 * @example
 * const card = (await labModels()).find((model) => model.name === "lab-large");
 * const profile = labProfile({ recommendedTemperature: card?.recommendedTemperature });
 * // profile.samplingDefaults → { temperature: 0.8, topK: 0, topP: 1, minP: 0, maxTokens: 192 } for a card saying 0.8
 */
export function labProfile(options: LabProfileOptions = {}): ModelProfile {
  return {
    name: "lab",
    promptTemplate: labPromptTemplate,
    answers: 'arithmetic chains such as "37+48-19=?"',
    outcomeScorer: labOutcomeChecker(),
    processReward: labProcessReward(),
    thinkingCues: { answerCue: "\n#### ", continueCue: "\n" },
    samplingDefaults: {
      temperature: options.recommendedTemperature ?? 1,
      topK: 0,
      topP: 1,
      minP: 0,
      maxTokens: 192,
    },
  };
}
