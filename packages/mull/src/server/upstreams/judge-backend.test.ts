import { describe, expect, it } from "vitest";
import type { Backend, GenerationRequest } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { createJudgeBackend } from "./judge-backend.ts";

const request = (text: string): GenerationRequest => ({ prompt: { kind: "text", text }, n: 1 });

/** A watch that writes `tag: prompt` into `seen` for each call, as a request's meter sees its calls. */
function tagging(seen: string[], tag: string) {
  return (upstream: Backend): Backend => ({
    describe: () => upstream.describe(),
    capabilities: (options) => upstream.capabilities(options),
    generate(generation, options) {
      seen.push(`${tag}: ${generation.prompt.kind === "text" ? generation.prompt.text : "chat"}`);
      return upstream.generate(generation, options);
    },
  });
}

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe("createJudgeBackend", () => {
  it("sends a call made outside any request's work straight to the upstream", async () => {
    const upstream = createScriptedBackend({ responses: ["Score: 7/10"] });
    const judge = createJudgeBackend(upstream);
    const seen: string[] = [];
    await judge.watching(tagging(seen, "first"), async () => undefined);
    const result = await judge.backend.generate(request("alone"));
    expect(result.completions[0]?.text).toBe("Score: 7/10");
    expect(upstream.calls).toHaveLength(1);
    expect(seen).toEqual([]);
  });

  it("sends each request's judge calls through its own watch, however concurrent requests interleave", async () => {
    const upstream = createScriptedBackend({ responses: ["Score: 7/10"], delayMilliseconds: 2 });
    const judge = createJudgeBackend(upstream);
    const seen: string[] = [];
    const work = (tag: string, wait: number) => async () => {
      await pause(wait);
      await judge.backend.generate(request(`${tag} 1`));
      // Calls in parallel, each after a pause of its own: continuations keep their request.
      await Promise.all(
        [2, 3].map(async (index) => {
          await pause(wait * index);
          return judge.backend.generate(request(`${tag} ${index}`));
        }),
      );
      return tag;
    };
    const answers = await Promise.all([
      judge.watching(tagging(seen, "a"), work("a", 3)),
      judge.watching(tagging(seen, "b"), work("b", 1)),
    ]);
    expect(answers).toEqual(["a", "b"]);
    expect(upstream.calls).toHaveLength(6);
    expect(seen.filter((line) => line.startsWith("a:")).sort()).toEqual(["a: a 1", "a: a 2", "a: a 3"]);
    expect(seen.filter((line) => line.startsWith("b:")).sort()).toEqual(["b: b 1", "b: b 2", "b: b 3"]);
  });

  it("describes itself as the upstream does, with the upstream's optional methods and no others", async () => {
    const upstream = createScriptedBackend({ responses: ["ok"], model: "judge-model" });
    const judge = createJudgeBackend(upstream);
    expect(judge.backend.describe()).toEqual(upstream.describe());
    expect(await judge.backend.capabilities()).toEqual(await upstream.capabilities());
    expect(typeof judge.backend.score).toBe(typeof upstream.score);
    expect(typeof judge.backend.countTokens).toBe(typeof upstream.countTokens);
    expect("dispose" in judge.backend).toBe(false);
  });
});
