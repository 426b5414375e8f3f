export {
  builtinPromptTemplate,
  builtinPromptTemplateNames,
  describePromptTemplate,
  type NamedPromptTemplate,
} from "./builtin-prompt-templates.ts";
export {
  type PromptExample,
  type PromptTemplateSpec,
  parsePromptTemplateSpec,
  questionPlaceholder,
} from "./prompt-template-spec.ts";
export { promptTemplateFromSpec } from "./render-prompt-template.ts";
export {
  type EndpointChoice,
  loadPromptTemplate,
  type PromptFlags,
  withPromptFlags,
} from "./resolve-prompt-template.ts";
