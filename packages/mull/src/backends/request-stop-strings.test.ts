import { describe, expect, it } from "vitest";
import { requestStopStrings } from "./request-stop-strings.ts";

describe("requestStopStrings", () => {
  it("adds the prompt's stop strings after the request's, each once", () => {
    expect(
      requestStopStrings({
        prompt: { kind: "text", text: "Q: 1+1?\nA:", stop: ["\n\nQ:", "</s>"] },
        stop: ["</s>"],
      }),
    ).toEqual(["</s>", "\n\nQ:"]);
    expect(requestStopStrings({ prompt: { kind: "chat", messages: [], stop: ["</answer>"] } })).toEqual([
      "</answer>",
    ]);
  });

  it("is the request's own, or none, when the prompt has none", () => {
    expect(requestStopStrings({ prompt: { kind: "text", text: "Q:" }, stop: ["\n"] })).toEqual(["\n"]);
    expect(requestStopStrings({ prompt: { kind: "text", text: "Q:" } })).toEqual([]);
  });
});
