import { Option } from "@commander-js/extra-typings";
import { ConfigError } from "../errors/index.ts";
import {
  builtinPromptTemplate,
  builtinPromptTemplateNames,
  describePromptTemplate,
  loadPromptTemplate,
  type NamedPromptTemplate,
  type PromptFlags,
  withPromptFlags,
} from "../prompts/index.ts";
import type { ModelProfile } from "../spec/index.ts";

/** Help of `--prompt-template`. */
export const promptTemplateOptionHelp = `prompt template: ${builtinPromptTemplateNames.join(" | ")} | FILE.json (default: the model's)`;

/** Help of `--system`. */
export const systemOptionHelp = "system message of a chat template (sets or replaces the template's)";

/** The `--endpoint` option: which API the prompts are rendered for. */
export function endpointOption() {
  return new Option(
    "--endpoint <kind>",
    "render prompts for chat (/v1/chat/completions) or completions (/v1/completions); auto: as the template says (default auto)",
  ).choices(["chat", "completions", "auto"] as const);
}

/** A run's prompt template chosen by flags, and its description for configuration hashes. */
export interface ChosenPromptTemplate {
  readonly template: NamedPromptTemplate;
  readonly description: string;
}

/**
 * The template the prompt flags choose, or undefined when none is given (the run then keeps the model's
 * profile, exactly as before the flags existed). Without `--prompt-template`, `--system` and
 * `--endpoint` apply to the profile's template: `lab` for the lab's profile, `default` otherwise.
 *
 * @throws ConfigError for a bad template file or a flag the template cannot take.
 * @example
 * const chosen = await promptTemplateFromFlags(flags, profile);
 */
export async function promptTemplateFromFlags(
  flags: PromptFlags,
  profile: ModelProfile,
): Promise<ChosenPromptTemplate | undefined> {
  if (
    flags.promptTemplate === undefined &&
    flags.system === undefined &&
    (flags.endpoint === undefined || flags.endpoint === "auto")
  ) {
    return undefined;
  }
  const base =
    flags.promptTemplate !== undefined
      ? await loadPromptTemplate(flags.promptTemplate)
      : builtinPromptTemplate(profile.promptTemplate === undefined ? "default" : profile.name);
  if (base === undefined) {
    throw new ConfigError(
      `--system/--endpoint: the ${profile.name} model's prompt template cannot be changed; name one with --prompt-template`,
      { field: "--prompt-template" },
    );
  }
  const template = withPromptFlags(base, flags);
  return { template, description: describePromptTemplate(template) };
}
