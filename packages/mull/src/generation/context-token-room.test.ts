import { describe, expect, it } from "vitest";
import type { Backend } from "../spec/index.ts";
import { contextTokenRoom } from "./context-token-room.ts";

/** A backend that tells a context of `contextLength` tokens, or none. */
function backendWith(contextLength: number | undefined): Pick<Backend, "describe"> {
  return {
    describe: () => ({
      kind: "scripted",
      model: "m",
      ...(contextLength === undefined
        ? {}
        : { architecture: { parameters: 1, layers: 1, embedding: 1, contextLength } }),
    }),
  };
}

describe("contextTokenRoom", () => {
  it("is the context less each request's least share of the prompt, and unknown without a context", () => {
    expect(contextTokenRoom(backendWith(256), 13, 1)).toBe(243);
    // 4 completions charged 52 prompt tokens: a request reads at least 13 of them.
    expect(contextTokenRoom(backendWith(256), 52, 4)).toBe(243);
    expect(contextTokenRoom(backendWith(256), 300, 1)).toBe(0);
    expect(contextTokenRoom(backendWith(undefined), 13, 1)).toBeUndefined();
  });

  it("rounds a share of the prompt that is no whole number of tokens down to the room it surely leaves", () => {
    // 2 completions charged 13 prompt tokens: 6.5 each, so 249.5 tokens of room, of which 249 are whole.
    expect(contextTokenRoom(backendWith(256), 13, 2)).toBe(249);
  });
});
