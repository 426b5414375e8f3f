import { describe, expect, it } from "vitest";
import { BackendCallError } from "../errors/index.ts";
import type { GenerationRequest, GenerationResult } from "../spec/index.ts";
import { generateUncappedIfRefused } from "./generate-uncapped-if-refused.ts";

const request: GenerationRequest = {
  prompt: { kind: "text", text: "Q: 17+5=? A:" },
  n: 1,
  maxTokens: 19_987,
};
const result: GenerationResult = {
  completions: [{ index: 0, text: "22", finishReason: "stop", completionTokens: 1 }],
  usage: { promptTokens: 13, completionTokens: 1, calls: 1 },
  model: "m",
};

/** A backend call that fails with `error` while `maxTokens` is set, and answers without it. */
function refusingWhileCapped(error: Error) {
  const made: (number | undefined)[] = [];
  const generate = async (sent: GenerationRequest) => {
    made.push(sent.maxTokens);
    if (sent.maxTokens !== undefined) throw error;
    return result;
  };
  return { made, generate };
}

const windowRefusal = new BackendCallError(
  "POST http://h/v1/completions failed with status 400 Bad Request: the prompt (13 tokens) plus max_tokens (19987) is 20000 tokens, over the context window of 256",
  { status: 400 },
);

describe("generateUncappedIfRefused", () => {
  it("makes a call whose maxTokens only the budget set once more without it, when the backend refuses that number", async () => {
    const { made, generate } = refusingWhileCapped(windowRefusal);
    const said: string[] = [];
    await expect(generateUncappedIfRefused(generate, request, true, (note) => said.push(note))).resolves.toBe(
      result,
    );
    expect(made).toEqual([19_987, undefined]);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain("refused max_tokens 19987");
  });

  it("finds the refusal among the causes, and takes 422 as one (TGI)", async () => {
    const wrapped = new Error("call failed", {
      cause: new BackendCallError("`inputs` tokens + `max_new_tokens` must be <= 256. Given: 13 and 19987", {
        status: 422,
      }),
    });
    const { made, generate } = refusingWhileCapped(wrapped);
    await expect(generateUncappedIfRefused(generate, request, true, () => {})).resolves.toBe(result);
    expect(made).toEqual([19_987, undefined]);
  });

  it("passes the failure on where the caller asked the maxTokens, or the refusal names another number or status", async () => {
    const cases: [Error, boolean][] = [
      [windowRefusal, false],
      [new BackendCallError("max_tokens (199870) is too large", { status: 400 }), true],
      [new BackendCallError("19987 tokens: server overloaded", { status: 503 }), true],
      [
        new BackendCallError("max_tokens (19987): stream broke", {
          status: 400,
          usage: { calls: 1, promptTokens: 13, completionTokens: 4 },
        }),
        true,
      ],
      [new Error("max_tokens (19987) is too large"), true],
    ];
    for (const [error, budgetSet] of cases) {
      const { made, generate } = refusingWhileCapped(error);
      await expect(generateUncappedIfRefused(generate, request, budgetSet, () => {})).rejects.toBe(error);
      expect(made).toEqual([19_987]);
    }
  });

  it("passes on a refusal that says it wrote tokens, though it counts no request", async () => {
    const wrote = new BackendCallError("max_tokens (19987) is too large", {
      status: 400,
      usage: { calls: 0, promptTokens: 13, completionTokens: 4 },
    });
    const { made, generate } = refusingWhileCapped(wrote);
    await expect(generateUncappedIfRefused(generate, request, true, () => {})).rejects.toBe(wrote);
    expect(made).toEqual([19_987]);
  });

  it("quotes at most 200 characters of the refusal in its note", async () => {
    const refusal = new BackendCallError(`max_tokens (19987) is too large: ${"x".repeat(400)}`, {
      status: 400,
    });
    const { made, generate } = refusingWhileCapped(refusal);
    const said: string[] = [];
    await generateUncappedIfRefused(generate, request, true, (note) => said.push(note));
    expect(made).toEqual([19_987, undefined]);
    expect(said[0]).toContain(`(${refusal.message.slice(0, 200)})`);
    expect(said[0]).not.toContain(refusal.message.slice(0, 201));
  });
});
