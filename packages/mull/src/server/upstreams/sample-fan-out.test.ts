import { describe, expect, it } from "vitest";
import { createScriptedBackend } from "../../testing/index.ts";
import { createSampleFanOut } from "./sample-fan-out.ts";

describe("createSampleFanOut", () => {
  it("passes a token watcher to each single call, which hears its sample's index", async () => {
    const upstream = createScriptedBackend({ responses: ["a b c", "d e f", "g h i"] });
    const fanOut = createSampleFanOut(upstream);
    const heard: string[] = [];
    const result = await fanOut.backend.generate(
      { prompt: { kind: "text", text: "q" }, n: 3, seed: 1 },
      {
        watch: (index, token) => {
          heard.push(`${index}${token.token.trim()}`);
          return index === 1 && token.token.trim() === "e" ? "stop" : "continue";
        },
      },
    );
    expect(upstream.calls.map((call) => call.request.n)).toEqual([1, 1, 1]);
    expect(result.completions.map((completion) => completion.text)).toEqual(["a b c", "d e", "g h i"]);
    expect(result.completions[1]?.finishReason).toBe("cut");
    expect([...heard].sort()).toEqual(["0a", "0b", "0c", "1d", "1e", "2g", "2h", "2i"]);
  });
});
