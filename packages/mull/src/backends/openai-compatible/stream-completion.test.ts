import { describe, expect, it } from "vitest";
import { streamCompletionOf } from "./stream-completion.ts";

describe("streamCompletionOf", () => {
  it("reads the choices asked for and whether usage was, from the body as sent", () => {
    expect(streamCompletionOf({ stream: true, stream_options: { include_usage: true } })).toEqual({
      choices: 1,
      usage: true,
    });
    expect(streamCompletionOf({ n: 3, stream: true })).toEqual({ choices: 3, usage: false });
    expect(streamCompletionOf({ n: 2, stream_options: { include_usage: false } })).toEqual({
      choices: 2,
      usage: false,
    });
    // What is not a count of choices counts one.
    expect(streamCompletionOf({ n: "2", stream_options: null })).toEqual({ choices: 1, usage: false });
  });
});
