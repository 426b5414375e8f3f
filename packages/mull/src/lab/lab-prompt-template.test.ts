import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { generateLabProblems } from "./generate-lab-problems.ts";
import { labPromptTemplate } from "./lab-prompt-template.ts";

describe("labPromptTemplate", () => {
  it("renders a question, with or without =?, as the training prompt", () => {
    expect(labPromptTemplate({ question: "37+48-19=?" })).toEqual({ kind: "text", text: "Q: 37+48-19=? A:" });
    expect(labPromptTemplate({ question: "37 + 48 - 019" })).toEqual({
      kind: "text",
      text: "Q: 37+48-19=? A:",
    });
  });

  it("gives the same prompt as the generator for its problems", () => {
    for (const problem of generateLabProblems({ level: 5, count: 20, seed: 8 })) {
      expect(labPromptTemplate({ question: problem.question })).toEqual(problem.prompt);
    }
  });

  it("rejects a question that is not a lab chain", () => {
    expect(() => labPromptTemplate({ question: "What is 2+2?" })).toThrow(ConfigError);
    expect(() => labPromptTemplate({ question: "3-7" })).toThrow(/outside 0-999/);
  });
});
