import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { manualClock, seededRng } from "../runtime/index.ts";
import type { Candidate } from "../spec/index.ts";
import { createTracer } from "../trace/index.ts";
import { topK } from "./top-k.ts";

const scored = (id: string, value?: number): Candidate => ({
  id,
  text: "",
  answer: id,
  finishReason: "stop",
  completionTokens: 1,
  scores: value === undefined ? [] : [{ scorer: "rm", kind: "outcome", value }],
});

describe("topK", () => {
  it("keeps the k best, ties earlier first, unscored last, and records the selection", () => {
    const tracer = createTracer(manualClock());
    const context = {
      answerFormat: { name: "p", extract: (t: string) => t, key: (a: string) => a, equivalent: () => true },
      tracer,
      rng: seededRng(0),
    };
    const pool = [scored("a", 0.2), scored("b"), scored("c", 0.9), scored("d", 0.2), scored("e", 0.5)];
    const { kept, dropped } = topK({ k: 3 })(pool, context);
    expect(kept.map((candidate) => candidate.id)).toEqual(["c", "e", "a"]);
    expect(dropped.map((candidate) => candidate.id)).toEqual(["d", "b"]);
    expect(tracer.events()[0]).toMatchObject({
      type: "selection",
      method: "top-3",
      chosen: ["c", "e", "a"],
      dropped: ["d", "b"],
      weights: [0.9, 0.5, 0.2],
    });
    expect(topK({ k: 10 })(pool, context).kept).toHaveLength(5);
    expect(() => topK({ k: 0 })).toThrow(ConfigError);
  });

  it("ranks an unscored candidate below a negatively scored one, whichever comes first", () => {
    const context = {
      answerFormat: { name: "p", extract: (t: string) => t, key: (a: string) => a, equivalent: () => true },
      tracer: createTracer(manualClock()),
      rng: seededRng(0),
    };
    for (const pool of [
      [scored("n", -1), scored("u")],
      [scored("u"), scored("n", -1)],
    ]) {
      const { kept, dropped } = topK({ k: 1 })(pool, context);
      expect(kept.map((candidate) => candidate.id)).toEqual(["n"]);
      expect(dropped.map((candidate) => candidate.id)).toEqual(["u"]);
    }
  });
});
