import { describe, expect, it } from "vitest";
import { labPromptTemplate } from "../lab/index.ts";
import { renderProblemPrompts } from "./render-problem-prompts.ts";
import { UsageError } from "./usage-error.ts";

describe("renderProblemPrompts", () => {
  it("renders every problem with the template", () => {
    const prompts = renderProblemPrompts(
      [{ id: "a", question: "1+2=?" }, { question: "30-4" }],
      labPromptTemplate,
      { flag: "--dataset", dataset: "lab:1" },
    );
    expect(prompts).toEqual([
      { kind: "text", text: "Q: 1+2=? A:" },
      { kind: "text", text: "Q: 30-4=? A:" },
    ]);
  });

  it("refuses a problem the template cannot render, naming the flag, the dataset and the problem", () => {
    let refusal: unknown;
    try {
      renderProblemPrompts([{ id: "g1", question: "How many apples?" }], labPromptTemplate, {
        flag: "--problems",
        dataset: "gsm8k",
      });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(UsageError);
    expect((refusal as UsageError).field).toBe("--problems");
    expect((refusal as UsageError).message).toMatch(
      /^--problems gsm8k: the prompt format cannot render problem g1: question "How many apples\?" is not a lab chain/,
    );
  });

  it("lets other failures through as they are", () => {
    const failure = new Error("boom");
    expect(() =>
      renderProblemPrompts(
        [{ question: "x" }],
        () => {
          throw failure;
        },
        { flag: "--dataset", dataset: "d" },
      ),
    ).toThrow(failure);
  });
});
