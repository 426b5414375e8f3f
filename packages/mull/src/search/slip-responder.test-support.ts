import { labChainValues, parseLabQuestion } from "../lab/index.ts";
import type { GenerationRequest, Rng } from "../spec/index.ts";
import type { ScriptedCompletion, ScriptedResponder } from "../testing/index.ts";

/** Options of `slipResponder`. */
export interface SlipResponderOptions {
  /** Probability that a step of arithmetic is wrong (an error of ±10 or ±100). */
  readonly slip: number;
  /** Probability that the final line misstates the running value; default 0. */
  readonly finalSlip?: number | undefined;
}

function promptText(request: GenerationRequest): string {
  const prompt = request.prompt;
  return prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("\n");
}

/**
 * A scripted policy for lab prompts (`Q: 30+444+273=? A:` plus the steps so far): it writes the next line
 * (or, without a newline stop, the rest of the solution) as the lab does, each operation wrong with
 * probability `slip` and later lines consistent with a wrong intermediate, like the real lab models. At
 * temperature 0 it never slips. A line's log-probability is log(1 − slip) when right, log(slip) when wrong.
 */
export function slipResponder(options: SlipResponderOptions): ScriptedResponder {
  const { slip } = options;
  const finalSlip = options.finalSlip ?? 0;
  return (request, _index, rng: Rng): ScriptedCompletion => {
    const text = promptText(request);
    const match = /Q: (.*?)=\? A:/.exec(text);
    if (match === null) throw new Error(`not a lab prompt: ${text}`);
    const chain = parseLabQuestion(match[1]!);
    const truth = labChainValues(chain);
    const after = text.slice((match.index ?? 0) + match[0].length);
    const written = after.split("\n").filter((line) => line.trim().length > 0);
    let current =
      written.length === 0 ? truth[0]! : Number(/=(-?\d+)$/.exec(written.at(-1)!)?.[1] ?? truth[0]);
    const greedy = request.temperature === 0;
    const lines: string[] = [];
    let logprob = 0;
    for (let index = written.length; index <= chain.operators.length; index += 1) {
      if (index === chain.operators.length) {
        const wrong = !greedy && rng.next() < finalSlip;
        lines.push(`#### ${wrong ? current + 1 : current}`);
        logprob += Math.log(wrong ? finalSlip : 1 - finalSlip);
        break;
      }
      const operator = chain.operators[index]!;
      const operand = chain.operands[index + 1]!;
      let result = operator === "+" ? current + operand : current - operand;
      const wrong = !greedy && rng.next() < slip;
      if (wrong) result += (rng.next() < 0.5 ? 1 : -1) * (rng.next() < 0.5 ? 10 : 100);
      logprob += Math.log(wrong ? slip : 1 - slip);
      lines.push(`${current}${operator}${operand}=${result}`);
      current = result;
      if (request.stop?.includes("\n")) break;
    }
    const opening = text.endsWith("\n") ? "" : "\n";
    const body = request.stop?.includes("\n") ? lines[0]! : opening + lines.join("\n");
    return { text: body, logprob };
  };
}
