import { defaultModelProfile } from "../generation/index.ts";
import { labProfile } from "../lab/index.ts";
import type { ModelProfile, PromptTemplate } from "../spec/index.ts";
import { UsageError } from "./usage-error.ts";

/** What is known of an embedded model once it loaded, for choosing its profile. */
export interface EmbeddedModelFacts {
  /** The model as the flag gave it: a lab model's name or a `.gguf` path. */
  readonly model: string;
  /** The flag that gave it, named in a refusal (`--model`). */
  readonly flag: string;
  /**
   * The lab model it is: its card's name (`lab-v2-large`, a `lab-….gguf` file of the card), or the name a
   * lab-trained GGUF carries in its metadata (`readLabModelName`); `undefined` for any other model.
   */
  readonly labName: string | undefined;
  /** The model has a chat template (capability `chat`). */
  readonly chat: boolean;
  /** The lab's card: the temperature each lab model is best sampled at. */
  readonly cards: readonly { readonly name: string; readonly recommendedTemperature: number | undefined }[];
}

/**
 * The profile of an embedded model: the lab's for a lab model (at the temperature its card recommends, 1
 * for a lab-trained model the card does not list), the default profile for a model with a chat template.
 * A model with neither cannot take the default profile's chat prompts: its profile's prompt template
 * refuses, with a usage error naming the flag, as soon as a prompt is asked of it (before any sample), so
 * that a command that renders its prompts otherwise (`--prompt-template`, a dataset's ready prompts) runs.
 *
 * @example
 * embeddedProfile({ model: "/tmp/x.gguf", flag: "--model", labName: "lab", chat: false, cards: [] }); // the lab's
 */
export function embeddedProfile(facts: EmbeddedModelFacts): ModelProfile {
  if (facts.labName !== undefined) {
    const card = facts.cards.find((entry) => entry.name === facts.labName);
    return labProfile({ recommendedTemperature: card?.recommendedTemperature });
  }
  if (facts.chat) return defaultModelProfile;
  return { ...defaultModelProfile, promptTemplate: refusingChatPrompts(facts.model, facts.flag) };
}

/** A prompt template that refuses every problem: the model has no chat template to render chat prompts. */
function refusingChatPrompts(model: string, flag: string): PromptTemplate {
  return () => {
    throw new UsageError(
      `${flag}: ${model} has no chat template and is not a lab model, so it cannot take chat prompts; ` +
        "pass --prompt-template lab for a model trained by the lab recipe, or text prompts of another " +
        'template (--endpoint completions, or a --prompt-template FILE.json with "endpoint": "text")',
      flag,
    );
  };
}
