import { ConfigError } from "../errors/index.ts";
import type { Problem, Prompt, PromptTemplate } from "../spec/index.ts";
import { UsageError } from "./usage-error.ts";

/** Where a command's problems came from, for its messages: the flag and the dataset it named. */
export interface ProblemSource {
  /** `--dataset` (`mull tune`), `--problems` (`mull fidelity`). */
  readonly flag: string;
  /** The dataset as given: `gsm8k`, `lab:mixed`, a file. */
  readonly dataset: string;
}

/**
 * Each problem's prompt as `render` writes it. A problem the template refuses (a lab template given
 * another dataset's questions) is bad usage of the flag that chose the dataset, said in one line.
 *
 * @throws UsageError naming `source.flag`, the dataset and the problem, with the template's reason.
 * @example
 * renderProblemPrompts(dataset.problems, labPromptTemplate, { flag: "--dataset", dataset: "gsm8k" });
 * // throws: --dataset gsm8k: the prompt format cannot render problem gsm8k-0: question "…" is not a lab chain…
 */
export function renderProblemPrompts(
  problems: readonly Problem[],
  render: PromptTemplate,
  source: ProblemSource,
): Prompt[] {
  return problems.map((problem) => {
    try {
      return render(problem);
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      throw new UsageError(
        `${source.flag} ${source.dataset}: the prompt format cannot render problem ${problem.id ?? "?"}: ${error.message}`,
        source.flag,
        { cause: error },
      );
    }
  });
}
