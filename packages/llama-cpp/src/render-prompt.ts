import { CapabilityError, ConfigError } from "mull/errors";
import { checkOneOf, describeValue } from "mull/runtime";
import type { Prompt } from "mull/spec";
import {
  type ChatHistoryItem,
  type ChatWrapper,
  type LlamaModel,
  type LlamaText,
  resolveChatWrapper,
  SpecialToken,
  SpecialTokensText,
  type Token,
} from "node-llama-cpp";

/** A prompt as tokens, with the stop conditions its format brings (a chat template's end-of-turn markers). */
export interface RenderedPrompt {
  /** Every token to evaluate, beginning-of-sequence token included. */
  readonly tokens: readonly Token[];
  /** Stop strings implied by the format (none for text prompts). */
  readonly stopStrings: readonly string[];
  /** Single tokens that end generation besides the model's end-of-generation tokens. */
  readonly stopTokens: ReadonlySet<Token>;
}

/** Turns prompts into tokens: text through plain tokenization, chat through the model's own chat template. */
export interface PromptRenderer {
  /** Whether the model file carries a chat template. */
  readonly hasChatTemplate: boolean;
  render(prompt: Prompt): RenderedPrompt;
  /** Tokens of `continuation` as the model would generate them after `prompt`. */
  continuationTokens(prompt: Prompt, rendered: RenderedPrompt, continuation: string): Token[];
}

function startsWith(tokens: readonly Token[], prefix: readonly Token[]): boolean {
  if (tokens.length < prefix.length) return false;
  return prefix.every((token, index) => tokens[index] === token);
}

const promptKinds = ["text", "chat"] as const;
const chatRoles = ["system", "user", "assistant"] as const;

/** How a renderer names its model and backend in errors. */
export interface PromptRendererNames {
  /** The model, for the missing chat template: `lab-small`. */
  readonly modelName: string;
  /** The backend, starting messages about bad prompts: `the llama-cpp backend (lab-small)`. */
  readonly owner: string;
}

/**
 * Renders prompts for `model`.
 *
 * @example
 * const renderer = createPromptRenderer(model, { modelName: "lab-small", owner: "the llama-cpp backend (lab-small)" });
 * const { tokens } = renderer.render({ kind: "text", text: "Q: 2+2=? A:" });
 */
export function createPromptRenderer(model: LlamaModel, names: PromptRendererNames): PromptRenderer {
  const { modelName, owner } = names;
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  const hasChatTemplate = typeof template === "string" && template.length > 0;
  let chatWrapper: ChatWrapper | undefined;
  const beginning = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;

  const textTokens = (text: string): Token[] => {
    const tokens = model.tokenize(text, false);
    return beginning === null ? tokens : [beginning, ...tokens];
  };

  const renderChat = (prompt: Extract<Prompt, { kind: "chat" }>): RenderedPrompt => {
    if (!hasChatTemplate) {
      const error = new CapabilityError(
        "chat",
        "a chat prompt",
        `the llama-cpp backend (model ${modelName}, no chat template)`,
      );
      // solve's default template writes a chat prompt: say how to write a text prompt instead.
      error.message +=
        '; pass a prompt template that writes a text prompt: solve({ promptTemplate }), for a lab model labPromptTemplate from "mull/lab"';
      throw error;
    }
    const messages = prompt.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      throw new ConfigError(`prompt.messages must be a non-empty array, got ${describeValue(messages)}`, {
        field: "prompt.messages",
      });
    }
    const history: ChatHistoryItem[] = messages.map((message, index) => {
      if (typeof message?.content !== "string") {
        throw new ConfigError(`prompt.messages[${index}].content must be a string`, {
          field: `prompt.messages[${index}].content`,
        });
      }
      const role = checkOneOf(owner, `prompt.messages[${index}].role`, message.role, chatRoles);
      if (role === "assistant") return { type: "model", response: [message.content] };
      return { type: role, text: message.content };
    });
    if (prompt.continueFinalMessage === true) {
      if (messages.at(-1)?.role !== "assistant") {
        throw new ConfigError("prompt.continueFinalMessage needs the last message to be the assistant's", {
          field: "prompt.continueFinalMessage",
        });
      }
    } else {
      history.push({ type: "model", response: [] });
    }
    chatWrapper ??= resolveChatWrapper(model);
    const state = chatWrapper.generateContextState({ chatHistory: history });
    const stopStrings: string[] = [];
    const stopTokens = new Set<Token>();
    for (const trigger of state.stopGenerationTriggers as readonly LlamaText[]) {
      const tokens = trigger.tokenize(model.tokenizer);
      if (tokens.length === 1 && tokens[0] !== undefined && model.isSpecialToken(tokens[0])) {
        stopTokens.add(tokens[0]);
        continue;
      }
      // A marker the vocabulary spells out in ordinary tokens is matched as text; built-in special tokens
      // (end of sequence and the like) already end generation.
      if (trigger.values.some((value) => value instanceof SpecialToken)) continue;
      const text = trigger.values
        .map((value) => (value instanceof SpecialTokensText ? value.value : String(value)))
        .join("");
      if (text.length > 0) stopStrings.push(text);
    }
    return { tokens: state.contextText.tokenize(model.tokenizer), stopStrings, stopTokens };
  };

  return {
    hasChatTemplate,
    render(prompt) {
      const kind = checkOneOf(
        owner,
        "prompt.kind",
        (prompt as { kind?: unknown } | undefined)?.kind,
        promptKinds,
      );
      if (kind === "chat") return renderChat(prompt as Extract<Prompt, { kind: "chat" }>);
      const text = (prompt as Extract<Prompt, { kind: "text" }>).text;
      if (typeof text !== "string") {
        throw new ConfigError(`prompt.text must be a string, got ${describeValue(text)}`, {
          field: "prompt.text",
        });
      }
      const tokens = textTokens(text);
      if (tokens.length === 0) {
        throw new ConfigError(
          "prompt.text must not be empty for a model without a beginning-of-sequence token",
          {
            field: "prompt.text",
          },
        );
      }
      return { tokens, stopStrings: [], stopTokens: new Set() };
    },
    continuationTokens(prompt, rendered, continuation) {
      if (continuation.length === 0) return [];
      if (prompt.kind === "text") {
        // Tokenize prompt and continuation together when that keeps the prompt's tokens, as generation would.
        const joint = textTokens(prompt.text + continuation);
        if (startsWith(joint, rendered.tokens)) return joint.slice(rendered.tokens.length);
      }
      return model.tokenize(continuation, false, "trimLeadingSpace");
    },
  };
}
