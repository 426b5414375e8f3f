import { z } from "zod";
import { addUsage, emptyUsage } from "../budget/index.ts";
import {
  checkInteger,
  checkNumber,
  mapInParallel,
  objectWithMethods,
  parseOptions,
} from "../runtime/index.ts";
// The file itself, not the folder's index: selection reads scores, so its index imports this folder.
import { canonicalArguments } from "../selection/tool-call-answer.ts";
import type {
  Backend,
  ChatMessage,
  CostRequest,
  ModelJudge,
  OutcomeScorer,
  Problem,
  Prompt,
  ScoredSolution,
  ToolCall,
  Usage,
} from "../spec/index.ts";
import { emptyJudgedProblems, judgePromptTokens } from "./judge-prompt-tokens.ts";
import { parseJudgeVerdict } from "./parse-judge-verdict.ts";

/** Options of `llmJudgeScorer`. */
export interface LlmJudgeScorerOptions {
  /** The judge: any backend (it may be the policy model itself). */
  readonly backend: Backend;
  /** Scorer name; default `judge:<model>`. */
  readonly name?: string | undefined;
  /** The judge's prompt for one solution; default: a chat prompt asking for a last line `Score: N/10`. */
  readonly template?: ((problem: Problem, solution: ScoredSolution) => Prompt) | undefined;
  /** Reads the verdict (in [0, 1]) from the reply; default `parseJudgeVerdict`. `undefined` = no verdict. */
  readonly parse?: ((reply: string) => number | undefined) | undefined;
  /** Judge sampling temperature; default 0. */
  readonly temperature?: number | undefined;
  /** Longest judge reply, in tokens; default 512. */
  readonly maxTokens?: number | undefined;
  /** Judge calls in flight at once; default 4. */
  readonly concurrency?: number | undefined;
}

/** A call as the judge reads it: the function's name and its arguments as canonical JSON. */
function callLine(call: ToolCall): string {
  return `${call.name}(${canonicalArguments(call.arguments)})`;
}

/** One message of a conversation as the judge reads it, with the calls an assistant turn made. */
function messageText(message: ChatMessage): string {
  const calls = (message.toolCalls ?? []).map((call) => `\n[calls ${callLine(call)}]`).join("");
  switch (message.role) {
    case "system":
      return `System: ${message.content}`;
    case "user":
      return `User: ${message.content}`;
    case "assistant":
      return `Assistant: ${message.content}${calls}`;
    case "tool":
      return `Tool result${message.toolCallId === undefined ? "" : ` (${message.toolCallId})`}: ${message.content}`;
  }
}

/**
 * The conversation the solution answers, when the problem's chat prompt is more than one user message:
 * earlier turns, the calls made and the tools' results, in order. `undefined` for a lone question (with or
 * without a system message), which the judge reads as the problem.
 */
function conversationOf(problem: Problem): string | undefined {
  const prompt = problem.prompt;
  if (prompt?.kind !== "chat") return undefined;
  const turns = prompt.messages.filter((message) => message.role !== "system");
  if (turns.length === 0 || (turns.length === 1 && turns[0]?.role === "user")) return undefined;
  return prompt.messages.map(messageText).join("\n\n");
}

/** What the judge is asked about a solution: its text, and the calls it ends in. */
function solutionText(solution: ScoredSolution): string {
  const calls = solution.toolCalls ?? [];
  if (calls.length === 0) return solution.text;
  const text = solution.text.trim() === "" ? "" : `${solution.text}\n\n`;
  return `${text}It ends its turn by calling:\n${calls.map((call) => `- ${callLine(call)}`).join("\n")}`;
}

/**
 * The default judge prompt: the problem (or the conversation so far, tool calls and results included), the
 * solution (with the function calls it ends in), and the verdict line to end with. It asks a question of
 * its own in its own format, so it takes no `stop` strings from the problem's prompt (a few-shot template's
 * next question would only cut the judge's explanation short).
 */
function defaultJudgeTemplate(problem: Problem, solution: ScoredSolution): Prompt {
  const conversation = conversationOf(problem);
  const calls = (solution.toolCalls ?? []).length > 0;
  const context =
    conversation === undefined ? `Problem:\n${problem.question}` : `Conversation so far:\n${conversation}`;
  const label = conversation === undefined ? "Proposed solution" : "Proposed next assistant turn";
  const question = calls
    ? "Is the proposed turn right: are these the right functions to call next, with the right arguments?"
    : "Is the proposed solution correct, in its reasoning and its final answer?";
  return {
    kind: "chat",
    messages: [
      {
        role: "system",
        content: "You are a careful, strict grader of solutions to problems. You check every step.",
      },
      {
        role: "user",
        content:
          `${context}\n\n${label}:\n${solutionText(solution)}\n\n` +
          `${question} Explain briefly, then end ` +
          'with a last line of the form "Score: N/10", where 10 means certainly correct and 0 certainly wrong.',
      },
    ],
  };
}

/**
 * Problems and solutions with empty text in every shape a template words differently: a lone question, a
 * conversation with earlier turns, a solution that ends in a function call.
 */
const emptyShapes: readonly (readonly [Problem, ScoredSolution])[] = (() => {
  const [question, conversation] = emptyJudgedProblems as [Problem, Problem];
  const called: ScoredSolution = {
    text: "",
    answer: undefined,
    toolCalls: [{ id: "", name: "", arguments: "{}" }],
  };
  return [
    [question, { text: "", answer: undefined }],
    [question, called],
    [conversation, called],
  ];
})();

/**
 * The tokens a judge template adds around the problem and the solution: its own text, rendered for each
 * of `emptyShapes` and the longest kept, at `charactersPerToken` (`judgePromptTokens`).
 */
function templateTokens(
  template: (problem: Problem, solution: ScoredSolution) => Prompt,
  charactersPerToken: number,
): number {
  return Math.max(
    ...emptyShapes.map(([problem, solution]) =>
      judgePromptTokens(template(problem, solution), charactersPerToken),
    ),
  );
}

/** The options the judge cannot do without; the rest are checked where they are read. */
const judgeScorerOptions = z.object({
  backend: objectWithMethods<Backend>({
    expected: "a backend",
    noun: "backend",
    methods: ["describe", "capabilities", "generate"],
  }),
});

/**
 * An outcome scorer that asks a model to grade each solution (LLM-as-a-judge): one call per solution at
 * temperature 0, the verdict read from the reply (`Score: 7/10` → 0.7, `YES` → 1). A reply without a
 * verdict scores 0 and says so in the score's `detail`. Calls and usage are counted. In a run its calls
 * go through the run (`OutcomeScorer.judge`, made by `scoreCandidates`): each asks no more tokens than
 * the budget leaves, one the budget cannot afford is not made, and a reply the budget cut or a call the
 * backend refused scores nothing, with a trace note. The default prompt
 * shows the judge the whole conversation when the problem's chat prompt has earlier turns or tool results,
 * and a solution that ends in function calls as those calls (name and canonical JSON arguments). Its
 * `worstCaseTokens` for one solution is the judge's prompt at its longest (the template's own text, at the
 * request's characters per token and a few tokens per chat message, plus the problem's prompt and the
 * solution's `maxTokens`) and its `maxTokens` reply; a conversation's role labels are not counted.
 *
 * @example
 * import { createOpenAICompatibleBackend, llmJudgeScorer, solve } from "mull";
 * const judgeModel = createOpenAICompatibleBackend({
 *   baseUrl: "https://api.openai.com/v1",
 *   model: "gpt-4o-mini",
 *   apiKeyEnv: "OPENAI_API_KEY",
 * });
 * const judge = llmJudgeScorer({ backend: judgeModel });
 * const result = await solve({ problem, strategy: "bon@8", backend, scorer: judge });
 */
export function llmJudgeScorer(options: LlmJudgeScorerOptions): OutcomeScorer {
  parseOptions(judgeScorerOptions, options, "llmJudgeScorer");
  const { backend } = options;
  const name = options.name ?? `judge:${backend.describe().model}`;
  const template = options.template ?? defaultJudgeTemplate;
  const parse = options.parse ?? ((reply: string) => parseJudgeVerdict(reply)?.value);
  const concurrency = checkInteger("llmJudgeScorer", "concurrency", options.concurrency ?? 4, { minimum: 1 });
  const maxTokens = checkInteger("llmJudgeScorer", "maxTokens", options.maxTokens ?? 512, { minimum: 1 });
  const judge: ModelJudge = {
    backend,
    concurrency,
    request: (problem, solution) => ({
      prompt: template(problem, solution),
      n: 1,
      temperature: options.temperature ?? 0,
      maxTokens,
    }),
    verdict(reply) {
      const value = parse(reply);
      return value === undefined || Number.isNaN(value)
        ? {
            scorer: name,
            kind: "judge",
            value: 0,
            detail: `no verdict in the judge's reply: ${reply.slice(-200)}`,
          }
        : { scorer: name, kind: "judge", value, detail: reply.slice(-200) };
    },
  };
  return {
    name,
    judge,
    // The judge reads the problem (within the prompt), the solution (within maxTokens) and its template.
    worstCaseTokens: (request: CostRequest) => {
      const perToken = checkNumber(
        "llmJudgeScorer.worstCaseTokens",
        "charactersPerToken",
        request.charactersPerToken ?? 1,
        {
          exclusiveMinimum: 0,
        },
      );
      return templateTokens(template, perToken) + request.promptTokens + request.maxTokens + maxTokens;
    },
    async score(problem, solutions, callOptions) {
      const judged = await mapInParallel(solutions, concurrency, async (solution) => {
        const result = await backend.generate(judge.request(problem, solution), {
          signal: callOptions?.signal,
        });
        return { score: judge.verdict(result.completions[0]?.text ?? ""), usage: result.usage };
      });
      const usage: Usage = judged.length === 0 ? emptyUsage : addUsage(...judged.map((entry) => entry.usage));
      return { scores: judged.map((entry) => entry.score), calls: usage.calls, usage };
    },
  };
}
