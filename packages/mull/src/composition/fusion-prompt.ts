import type { ChatMessage, Prompt } from "../spec/index.ts";

/** A candidate as a fusing model reads it: its text, and the critique a `critique` layer wrote of it. */
export interface FusedCandidate {
  /** The candidate's solution text, as the model wrote it. */
  readonly text: string;
  /** The critique a `critique` layer wrote of it; absent without such a layer. */
  readonly critique?: string | undefined;
}

/** The instruction and the numbered candidates, as the fuser's system text (Mixture-of-Agents style). */
function fusionInstruction(candidates: readonly FusedCandidate[]): string {
  const numbered = candidates.map((candidate, index) => {
    const critique =
      candidate.critique === undefined
        ? ""
        : `\nCritique of solution ${index + 1}:\n${candidate.critique.trim()}`;
    return `Solution ${index + 1}:\n${candidate.text.trim()}${critique}`;
  });
  return (
    `You have been given ${candidates.length} candidate solution${candidates.length === 1 ? "" : "s"} to the problem below, ` +
    "written by other models" +
    (candidates.some((candidate) => candidate.critique !== undefined) ? ", each with a critique" : "") +
    ". Some may be wrong. Check them critically, keep what is right, fix what is wrong, and write one " +
    "correct, complete solution of your own, ending with the final answer in the form the problem asks for. " +
    "Do not mention the candidates.\n\n" +
    numbered.join("\n\n")
  );
}

/**
 * The prompt of a fuse layer (Archon's fuser, as in Mixture-of-Agents): the problem's own prompt, so the
 * answer keeps the form it asks for, with the candidates (and their critiques) put before it: in a chat
 * prompt as a system message (added to the first one when there is one); in a text prompt as a preamble.
 * The fuser writes a solution of the same problem where the problem's prompt leaves off (a few-shot text
 * template's last `Answer:`), so the prompt's `stop` strings are kept, lest it go on to a made-up next
 * question.
 *
 * @example
 * const prompt = fusionPrompt(promptTemplate(problem), [{ text: "17+25=42\n#### 42" }, { text: "#### 41" }]);
 */
export function fusionPrompt(original: Prompt, candidates: readonly FusedCandidate[]): Prompt {
  const instruction = fusionInstruction(candidates);
  if (original.kind === "text") {
    return { ...original, text: `${instruction}\n\nProblem:\n${original.text}` };
  }
  const [first, ...rest] = original.messages;
  const messages: ChatMessage[] =
    first?.role === "system"
      ? [{ ...first, content: `${first.content}\n\n${instruction}` }, ...rest]
      : [{ role: "system", content: instruction }, ...original.messages];
  return { ...original, messages };
}

/**
 * The prompt of a critique layer (Archon's critic): the problem and one candidate solution, asking for its
 * strengths and weaknesses step by step, without writing a new solution. It asks a different question in
 * its own chat format, so it has no `stop` strings: a problem prompt's (a few-shot template's next
 * question) would have no place in a critique.
 *
 * @example
 * const prompt = critiquePrompt("What is 17+25?", "17+25=41\n#### 41");
 */
export function critiquePrompt(question: string, solution: string): Prompt {
  return {
    kind: "chat",
    messages: [
      {
        role: "system",
        content: "You are a careful reviewer of solutions to problems. You check every step.",
      },
      {
        role: "user",
        content:
          `Problem:\n${question}\n\nProposed solution:\n${solution.trim()}\n\n` +
          "List the solution's strengths and weaknesses: check each step, and name the first wrong step, if " +
          "any, and why it is wrong. Do not write a new solution.",
      },
    ],
  };
}
