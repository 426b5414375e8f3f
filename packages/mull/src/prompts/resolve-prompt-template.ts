import { readFile } from "node:fs/promises";
import { ConfigError } from "../errors/index.ts";
import { describeValue } from "../runtime/index.ts";
import {
  builtinPromptTemplate,
  builtinPromptTemplateNames,
  type NamedPromptTemplate,
} from "./builtin-prompt-templates.ts";
import { parsePromptTemplateSpec } from "./prompt-template-spec.ts";
import { promptTemplateFromSpec } from "./render-prompt-template.ts";

/** The API a run calls: as the template says (`auto`), or forced. */
export type EndpointChoice = "chat" | "completions" | "auto";

/** What the prompt flags (`--prompt-template`, `--system`, `--endpoint`) say. */
export interface PromptFlags {
  /** A built-in name or a JSON file. */
  readonly promptTemplate?: string | undefined;
  /** Sets or replaces the system message (chat only). */
  readonly system?: string | undefined;
  /** Renders for this endpoint; `auto` keeps the template's. */
  readonly endpoint?: EndpointChoice | undefined;
}

/**
 * Loads `--prompt-template` (or the setting `field` names): a built-in name, else a JSON file.
 *
 * @throws ConfigError (field `--prompt-template`, or `field`) for a file that cannot be read or is not
 * JSON, and the named-field errors of `parsePromptTemplateSpec` for a file that is not a template.
 * @example
 * const template = await loadPromptTemplate("templates/few-shot.json");
 */
export async function loadPromptTemplate(
  nameOrFile: string,
  field = "--prompt-template",
): Promise<NamedPromptTemplate> {
  const builtin = builtinPromptTemplate(nameOrFile);
  if (builtin !== undefined) return builtin;
  let contents: string;
  try {
    contents = await readFile(nameOrFile, "utf8");
  } catch (error) {
    throw new ConfigError(
      `${field}: ${JSON.stringify(nameOrFile)} is neither a built-in template ` +
        `(${builtinPromptTemplateNames.join(", ")}) nor a readable file (${(error as Error).message})`,
      { field, cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(contents);
  } catch (error) {
    throw new ConfigError(
      `${field}: ${nameOrFile} is not JSON (${(error as Error).message}); expected a template object`,
      { field, cause: error },
    );
  }
  const spec = parsePromptTemplateSpec(value, nameOrFile);
  return { name: `file:${nameOrFile}`, endpoint: spec.endpoint, render: promptTemplateFromSpec(spec), spec };
}

/**
 * Applies `--system` and `--endpoint` to a template: a spec template is re-rendered with the system
 * message and for the endpoint asked; a function template (`lab`) takes neither.
 *
 * @throws ConfigError (field `--system`) for a system message on a text (completions) template, and
 * (field `--endpoint`) for an endpoint a function template does not render for.
 * @example
 * withPromptFlags(builtinPromptTemplate("gsm8k")!, { system: "You are terse." });
 */
export function withPromptFlags(template: NamedPromptTemplate, flags: PromptFlags): NamedPromptTemplate {
  const endpoint =
    flags.endpoint === undefined || flags.endpoint === "auto"
      ? template.endpoint
      : flags.endpoint === "chat"
        ? "chat"
        : "text";
  if (endpoint === "text" && flags.system !== undefined) {
    throw new ConfigError(
      `--system: the ${template.name} template renders a text prompt for /v1/completions, which has no system ` +
        `message, got ${describeValue(flags.system)}; ${template.spec === undefined ? "name a chat template with --prompt-template" : "use a chat template or --endpoint chat"}`,
      { field: "--system" },
    );
  }
  if (endpoint === template.endpoint && flags.system === undefined) return template;
  const spec = template.spec;
  if (spec === undefined) {
    throw new ConfigError(
      `--endpoint: the ${template.name} template renders ${template.endpoint === "text" ? "text prompts (completions)" : "chat prompts"} only, ` +
        `got ${describeValue(flags.endpoint)}; use --endpoint ${template.endpoint === "text" ? "completions" : "chat"} or auto`,
      { field: "--endpoint" },
    );
  }
  if (endpoint === "text" && spec.system !== undefined) {
    throw new ConfigError(
      `--endpoint: the ${template.name} template has a system message, which /v1/completions cannot take, ` +
        `got "completions"; use --endpoint chat or auto`,
      { field: "--endpoint" },
    );
  }
  const changed = {
    ...spec,
    endpoint,
    ...(flags.system === undefined ? {} : { system: flags.system }),
  };
  return { name: template.name, endpoint, render: promptTemplateFromSpec(changed), spec: changed };
}
