import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { describeValue, parseOptions } from "../runtime/index.ts";

/** A worked example shown to the model before the question (few-shot prompting). */
export interface PromptExample {
  /** The example's question, rendered with the template's `prompt` as the real question is. */
  readonly question: string;
  /** The answer the model is shown for it. */
  readonly answer: string;
}

/**
 * A prompt template as a file states it (JSON): which endpoint it is for, an optional system message,
 * the prompt text with a `{question}` placeholder, and optional few-shot examples.
 *
 * - `chat`: messages — the system message, then each example as a user message (its question through
 *   `prompt`) followed by an assistant message (its answer), then the question through `prompt`.
 * - `text` (completions endpoint): one text — each example as `prompt` with its question, then the
 *   answer (after a space unless `prompt` ends in whitespace), examples and question separated by a
 *   blank line. A text template has no system message.
 *
 * `stop` ends each completion of a prompt the template renders before any of its strings, so that a base
 * model that goes on to write the next question of a few-shot text is cut there (lm-eval's few-shot
 * tasks stop at `"\n\nQuestion:"`). The strings travel with the rendered prompt (`Prompt.stop`), and
 * every backend honours them besides a request's own.
 *
 * @example
 * const spec: PromptTemplateSpec = {
 *   endpoint: "text",
 *   prompt: "Question: {question}\nAnswer:",
 *   examples: [{ question: "2+2?", answer: "4" }],
 *   stop: ["\n\nQuestion:"],
 * };
 */
export interface PromptTemplateSpec {
  /** `chat` (messages) or `text` (one text for a completions endpoint). */
  readonly endpoint: "chat" | "text";
  /** The system message of a chat template; a text template has none. Default none. */
  readonly system?: string | undefined;
  /** The prompt text, with `{question}` where the question goes. */
  readonly prompt: string;
  /** Worked examples shown before the question, in order; default none. */
  readonly examples?: readonly PromptExample[] | undefined;
  /**
   * Strings that end a completion before them (not kept in its text): 1 to `maxPromptStopStrings`
   * non-empty strings; default none.
   */
  readonly stop?: readonly string[] | undefined;
}

/** The placeholder the question replaces in `prompt`. */
export const questionPlaceholder = "{question}";

/** The most stop strings a template holds: as many as OpenAI's API takes in one request. */
export const maxPromptStopStrings = 4;

const mustBe =
  (expected: string) =>
  (issue: { input?: unknown }): string =>
    `must be ${expected}, got ${issue.input === undefined ? "nothing" : JSON.stringify(issue.input)}`;

const text = (expected: string) => z.string({ error: mustBe(expected) });

const schema = z.strictObject(
  {
    endpoint: z.enum(["chat", "text"], { error: mustBe('"chat" or "text"') }),
    system: text("a string (the system message)").optional(),
    prompt: text(`a string containing ${questionPlaceholder}`).refine(
      (value) => value.includes(questionPlaceholder),
      { error: (issue) => `must contain ${questionPlaceholder}, got ${describeValue(issue.input)}` },
    ),
    examples: z
      .array(
        z.strictObject(
          {
            question: text("a string (the example's question)"),
            answer: text("a string (the example's answer)"),
          },
          { error: mustBe("an object with question and answer strings") },
        ),
        { error: mustBe("an array of {question, answer} objects") },
      )
      .optional(),
    stop: z
      .array(text("a non-empty string").min(1, { error: mustBe("a non-empty string") }), {
        error: mustBe(`an array of 1 to ${maxPromptStopStrings} non-empty strings`),
      })
      .min(1, {
        error: mustBe(`an array of 1 to ${maxPromptStopStrings} non-empty strings (omit it for none)`),
      })
      .max(maxPromptStopStrings, {
        error: mustBe(`an array of 1 to ${maxPromptStopStrings} non-empty strings, as OpenAI's API takes`),
      })
      .optional(),
  },
  { error: mustBe("an object with endpoint, prompt and optional system, examples and stop") },
);

/**
 * Checks a parsed JSON value as a prompt template.
 *
 * @throws ConfigError naming the field, the value and what was expected (`source: prompt: must contain
 * {question}, got "…"`, `source: stop must be an array of 1 to 4 non-empty strings, …, got "\n\n"`); a
 * `system` message on a `text` template is refused, since completions have none.
 * @example
 * const spec = parsePromptTemplateSpec(JSON.parse(contents), "qa.json");
 */
export function parsePromptTemplateSpec(value: unknown, source: string): PromptTemplateSpec {
  const parsed = parseOptions(schema, value, source);
  if (parsed.endpoint === "text" && parsed.system !== undefined) {
    throw new ConfigError(
      `${source}: system: a text (completions) template has no system message, got ${describeValue(parsed.system)}; ` +
        'remove it or use "endpoint": "chat"',
      { field: "system" },
    );
  }
  return {
    endpoint: parsed.endpoint,
    prompt: parsed.prompt,
    ...(parsed.system === undefined ? {} : { system: parsed.system }),
    ...(parsed.examples === undefined ? {} : { examples: parsed.examples }),
    ...(parsed.stop === undefined ? {} : { stop: parsed.stop }),
  };
}
