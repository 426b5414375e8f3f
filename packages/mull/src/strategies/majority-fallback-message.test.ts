import { describe, expect, it } from "vitest";
import { solve } from "../solve.ts";
import { createScriptedBackend, type ScriptedCompletion } from "../testing/scripted-backend.ts";
import { majorityFallbackMessage } from "./majority-fallback-message.ts";

const answers = ["#### 1", "#### 2", "#### 1", "#### 2"];

/** Traces with log-probabilities but no top alternatives: no confidence or self-certainty to vote by. */
const withoutAlternatives: ScriptedCompletion[] = answers.map((text) => ({
  text,
  tokens: [{ token: text, logprob: -1 }],
}));

/** Traces whose log-probability is no number: no path can be weighed. */
const unweighable: ScriptedCompletion[] = answers.map((text) => ({ text, logprob: Number.NaN }));

describe("majorityFallbackMessage", () => {
  it("names the strategy, then why, then the fallback", () => {
    expect(majorityFallbackMessage("wv@3", "no candidate could be weighed")).toBe(
      "wv@3: no candidate could be weighed; falling back to a majority vote",
    );
  });

  it.each([
    {
      inner: "deepconf@4",
      responses: withoutAlternatives,
      note: "deepconf@4: no trace had a confidence; falling back to a majority vote",
    },
    {
      inner: "certainty@4",
      responses: withoutAlternatives,
      note: "certainty@4: no trace had a self-certainty; falling back to a majority vote",
    },
    {
      inner: "rpc@4",
      responses: unweighable,
      note: "rpc@4: no candidate could be weighed; falling back to a majority vote",
    },
  ])("$inner wrapped notes the majority fallback once, over every round's traces", async ({
    inner,
    responses,
    note,
  }) => {
    for (const spec of [`esc(${inner})w2`, `asc(${inner})`]) {
      const result = await solve({
        problem: "q",
        strategy: spec,
        backend: createScriptedBackend({ responses }),
      });
      const runs = result.trace.filter((event) => event.type === "run-start");
      expect(runs.length, spec).toBeGreaterThan(2);
      const notes = result.trace.filter((event) => event.type === "note");
      expect(
        notes.map((event) => event.message),
        spec,
      ).toEqual([note]);
      // Said by the wrapper's own run, over its final pick.
      expect(notes[0]!.parentId, spec).toBe(runs[0]!.id);
    }
  });
});
