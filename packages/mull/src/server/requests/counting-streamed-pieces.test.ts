import { describe, expect, it } from "vitest";
import type { Backend, CallOptions, GenerationResult, Usage } from "../../spec/index.ts";
import { countingStreamedPieces } from "./counting-streamed-pieces.ts";

// A backend's call that an abort cuts after it streamed pieces is told used at least those pieces, a
// token a piece; one whose backend tells its own counts keeps them.

/** How the stubbed backend ends once its pieces are streamed. */
type Ending = "rejects telling nothing" | "tells no token count" | "tells its counts" | "fails";

/** A backend that streams `pieces` (one reasoning piece first, then text), then ends as `ending` says. */
function streamingBackend(pieces: readonly string[], ending: Ending): Backend {
  return {
    describe: () => ({ kind: "streaming", model: "m" }),
    capabilities: () => Promise.reject(new Error("not asked")),
    async generate(_request, options?: CallOptions): Promise<GenerationResult> {
      const [first, ...rest] = pieces;
      if (first !== undefined) options?.onReasoning?.(first, 0);
      for (const piece of rest) options?.onText?.(piece, 0);
      if (ending === "fails") throw new Error("stream broke");
      const usage: Usage =
        ending === "tells its counts"
          ? { promptTokens: 11, completionTokens: 40, calls: 1 }
          : { promptTokens: undefined, completionTokens: undefined, calls: 1 };
      if (ending !== "rejects telling nothing") {
        options?.onAborted?.({
          completions: [{ index: 0, text: "", finishReason: "abort", completionTokens: undefined }],
          usage,
          model: "m",
        });
      }
      throw new DOMException("aborted", "AbortError");
    },
  };
}

/** Calls `backend` counted, its signal already aborted unless `aborted` is false; returns what was told. */
async function told(backend: Backend, aborted = true) {
  const controller = new AbortController();
  if (aborted) controller.abort();
  const partials: GenerationResult[] = [];
  const relayed: string[] = [];
  await expect(
    countingStreamedPieces(backend).generate(
      { prompt: { kind: "text", text: "Q" } },
      {
        signal: controller.signal,
        onText: (piece) => relayed.push(piece),
        onReasoning: (piece) => relayed.push(`(${piece})`),
        onAborted: (partial) => partials.push(partial),
      },
    ),
  ).rejects.toBeDefined();
  return { partials, relayed };
}

describe("countingStreamedPieces", () => {
  it("tells a call cut without a word what it had streamed, a token a non-empty piece", async () => {
    const { partials, relayed } = await told(
      streamingBackend(["think", " one", "", " two", " three"], "rejects telling nothing"),
    );
    expect(relayed).toEqual(["(think)", " one", "", " two", " three"]);
    expect(partials).toEqual([
      {
        completions: [
          {
            index: 0,
            text: " one two three",
            finishReason: "abort",
            completionTokens: 4,
            reasoning: "think",
          },
        ],
        usage: { promptTokens: undefined, completionTokens: 4, calls: 1 },
        model: "m",
      },
    ]);
  });

  it("takes completion tokens a backend could not count as the pieces streamed", async () => {
    const { partials } = await told(streamingBackend(["a", "b", "c"], "tells no token count"));
    expect(partials.map((partial) => partial.usage)).toEqual([
      { promptTokens: undefined, completionTokens: 3, calls: 1 },
    ]);
  });

  it("keeps the counts a backend tells", async () => {
    const { partials } = await told(streamingBackend(["a", "b", "c"], "tells its counts"));
    expect(partials.map((partial) => partial.usage)).toEqual([
      { promptTokens: 11, completionTokens: 40, calls: 1 },
    ]);
  });

  it("tells each completion of a call cut without a word what it had streamed, under its own index", async () => {
    const interleaved: Backend = {
      describe: () => ({ kind: "streaming", model: "m" }),
      capabilities: () => Promise.reject(new Error("not asked")),
      async generate(_request, options?: CallOptions): Promise<GenerationResult> {
        options?.onText?.("a", 0);
        options?.onReasoning?.("hm", 2);
        options?.onText?.("x", 2);
        options?.onText?.("b", 0);
        options?.onText?.("y", 2);
        throw new DOMException("aborted", "AbortError");
      },
    };
    const { partials, relayed } = await told(interleaved);
    expect(relayed).toEqual(["a", "(hm)", "x", "b", "y"]);
    expect(partials).toEqual([
      {
        completions: [
          { index: 0, text: "ab", finishReason: "abort", completionTokens: 2 },
          { index: 2, text: "xy", finishReason: "abort", completionTokens: 3, reasoning: "hm" },
        ],
        usage: { promptTokens: undefined, completionTokens: 5, calls: 1 },
        model: "m",
      },
    ]);
  });

  it("tells nothing of a call that streamed nothing, or that failed without an abort", async () => {
    expect((await told(streamingBackend([], "rejects telling nothing"))).partials).toEqual([]);
    expect((await told(streamingBackend(["a", "b"], "fails"), false)).partials).toEqual([]);
  });
});
