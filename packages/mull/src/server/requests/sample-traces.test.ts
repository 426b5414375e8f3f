import { describe, expect, it } from "vitest";
import type { Prompt } from "../../spec/index.ts";
import { createSampleTraces } from "./sample-traces.ts";

const question = "Q: 6 * 7? A:";
/** A chat prompt whose last message is the assistant's `written`, continued or not. */
const chat = (written: string, continueFinalMessage: boolean): Prompt => ({
  kind: "chat",
  messages: [
    { role: "user", content: "6 * 7?" },
    { role: "assistant", content: written },
  ],
  continueFinalMessage,
});

describe("createSampleTraces", () => {
  it("finds a sample whose first call sent its thinking apart by that thinking, not by its text", () => {
    const traces = createSampleTraces();
    const trace = traces.start({ text: "#### 42", reasoning: "six sevens" }, undefined);
    expect(trace.start).toBe("six sevens");
    expect(traces.find("six sevens\n#### ")).toBe(trace);
    expect(traces.find("#### 42")).toBeUndefined();
  });

  it("finds a sample a continuing call started by what that call continued and then wrote", () => {
    const traces = createSampleTraces();
    const trace = traces.start({ text: " is 42" }, "6 * 7");
    expect(trace.start).toBe("6 * 7 is 42");
    expect(traces.find("6 * 7 is 42\n#### ")).toBe(trace);
    // What the call continued alone is not yet this sample.
    expect(traces.find("6 * 7\n#### ")).toBeUndefined();
  });

  it("finds no sample whose first call wrote nothing, whatever a later call continues", () => {
    const traces = createSampleTraces();
    traces.start({ text: "" }, undefined);
    expect(traces.find("6 * 7 is 42")).toBeUndefined();
  });

  it("takes a chat prompt's final assistant message as continued only where the prompt continues it", () => {
    const traces = createSampleTraces();
    expect(traces.continued(chat("6 * 7 is", true))).toBe("6 * 7 is");
    expect(traces.continued(chat("6 * 7 is", false))).toBeUndefined();
  });

  it("takes what a text prompt adds after the request's first one as continued, and nothing for that one", () => {
    const traces = createSampleTraces();
    expect(traces.continued({ kind: "text", text: question })).toBeUndefined();
    expect(traces.continued({ kind: "text", text: question })).toBeUndefined();
    expect(traces.continued({ kind: "text", text: `${question} 6 * 7 is` })).toBe(" 6 * 7 is");
  });
});
