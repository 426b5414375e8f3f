import { addUsage, emptyUsage } from "../budget/index.ts";
import { checkInteger, mapInParallel } from "../runtime/index.ts";
import type { Backend, OutcomeScorer, Problem, Prompt, Score, ScoredSolution, Usage } from "../spec/index.ts";
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

/** The default judge prompt: the problem, the solution, and the verdict line to end with. */
function defaultJudgeTemplate(problem: Problem, solution: ScoredSolution): Prompt {
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
          `Problem:\n${problem.question}\n\nProposed solution:\n${solution.text}\n\n` +
          "Is the proposed solution correct, in its reasoning and its final answer? Explain briefly, then end " +
          'with a last line of the form "Score: N/10", where 10 means certainly correct and 0 certainly wrong.',
      },
    ],
  };
}

/**
 * An outcome scorer that asks a model to grade each solution (LLM-as-a-judge): one call per solution at
 * temperature 0, the verdict read from the reply (`Score: 7/10` → 0.7, `YES` → 1). A reply without a
 * verdict scores 0 and says so in the score's `detail`. Calls and usage are counted.
 *
 * @example
 * const judge = llmJudgeScorer({ backend: createOpenAiCompatibleBackend({ baseUrl, model: "gpt-4o-mini" }) });
 * const result = await solve({ problem, strategy: "bon@8", backend, scorer: judge });
 */
export function llmJudgeScorer(options: LlmJudgeScorerOptions): OutcomeScorer {
  const { backend } = options;
  const name = options.name ?? `judge:${backend.describe().model}`;
  const template = options.template ?? defaultJudgeTemplate;
  const parse = options.parse ?? ((reply: string) => parseJudgeVerdict(reply)?.value);
  const concurrency = checkInteger("llmJudgeScorer", "concurrency", options.concurrency ?? 4, { minimum: 1 });
  return {
    name,
    async score(problem, solutions, callOptions) {
      const judged = await mapInParallel(solutions, concurrency, async (solution) => {
        const result = await backend.generate(
          {
            prompt: template(problem, solution),
            n: 1,
            temperature: options.temperature ?? 0,
            maxTokens: options.maxTokens ?? 512,
          },
          { signal: callOptions?.signal },
        );
        const reply = result.completions[0]?.text ?? "";
        const value = parse(reply);
        const score: Score =
          value === undefined || Number.isNaN(value)
            ? {
                scorer: name,
                kind: "judge",
                value: 0,
                detail: `no verdict in the judge's reply: ${reply.slice(-200)}`,
              }
            : { scorer: name, kind: "judge", value, detail: reply.slice(-200) };
        return { score, usage: result.usage };
      });
      const usage: Usage = judged.length === 0 ? emptyUsage : addUsage(...judged.map((entry) => entry.usage));
      return { scores: judged.map((entry) => entry.score), calls: usage.calls, usage };
    },
  };
}
