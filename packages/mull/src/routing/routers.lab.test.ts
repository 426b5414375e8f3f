import { existsSync } from "node:fs";
import path from "node:path";
import { createLlamaCppBackend, type LlamaCppBackend, labModelsDirectory } from "@mull/llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDataset } from "../lab/index.ts";
import { solve } from "../solve.ts";
import type { GenerationEvent, TraceEvent } from "../spec/index.ts";
import { usageByModel } from "../trace/index.ts";
import { bigLittleDecoder } from "./big-little-decoder.ts";
import { glimpseRouter } from "./glimpse-router.ts";

const present = ["lab-small", "lab-large"].every((name) =>
  existsSync(path.join(labModelsDirectory, `${name}.gguf`)),
);
if (!present) {
  process.stderr.write(
    `routing lab tests skipped: lab-small and lab-large are not both in ${labModelsDirectory}\n`,
  );
}

/** Who wrote each step that was kept (cut drafts left out), as `step:model`. */
function writers(trace: readonly TraceEvent[]): string[] {
  return trace
    .filter((event): event is GenerationEvent => event.type === "generation" && event.finishReason !== "cut")
    .map((event) => `${event.step}:${event.model}`);
}

describe.skipIf(!present)("routers on the real lab models", () => {
  let small: LlamaCppBackend;
  let large: LlamaCppBackend;
  const problems = labDataset("lab:hard", { limit: 3, seed: 11 });

  beforeAll(async () => {
    small = await createLlamaCppBackend({ model: "lab-small", threads: 1 });
    large = await createLlamaCppBackend({ model: "lab-large", threads: 1 });
  });

  afterAll(async () => {
    await small?.dispose();
    await large?.dispose();
  });

  const models = () => [
    { name: "lab-small", backend: small },
    { name: "lab-large", backend: large },
  ];

  it("glimp with a τ above every entropy writes the small model's greedy solution", async () => {
    for (const problem of problems) {
      const greedy = await solve({ problem, strategy: "greedy", backend: small });
      const routed = await solve({
        problem,
        strategy: glimpseRouter({ models: models(), threshold: 1000 }),
        backend: large,
      });
      expect(routed.best?.text).toBe(greedy.best?.text);
      expect(routed.answer).toBe(greedy.answer);
      expect(Object.keys(usageByModel(routed.trace))).toEqual(["lab-small"]);
    }
  }, 120_000);

  it("glimp at τ = 0 hands every step to the large model and writes its greedy solution", async () => {
    for (const problem of problems) {
      const greedy = await solve({ problem, strategy: "greedy", backend: large });
      const routed = await solve({
        problem,
        strategy: glimpseRouter({ models: models(), threshold: 0 }),
        backend: large,
      });
      expect(routed.best?.text).toBe(greedy.best?.text);
      const steps = routed.best?.steps ?? [];
      expect(steps.length).toBeGreaterThan(2);
      expect(writers(routed.trace)).toEqual(steps.map((_, index) => `${index}:lab-large`));
      // Each step's draft was cut after one token of the small model, and that token counted.
      expect(usageByModel(routed.trace)["lab-small"]?.completionTokens).toBe(steps.length);
    }
  }, 120_000);

  it("bild with α = 0 never falls back, and with α = 1 the large model checks every stretch", async () => {
    const problem = problems[0]!;
    const greedy = await solve({ problem, strategy: "greedy", backend: small });
    const never = await solve({
      problem,
      strategy: bigLittleDecoder({ models: models(), fallback: 0 }),
      backend: large,
    });
    expect(never.best?.text).toBe(greedy.best?.text);
    const always = await solve({
      problem,
      strategy: bigLittleDecoder({ models: models(), fallback: 1, rollback: 1 }),
      backend: large,
    });
    // β = 1 rolls back every token the small model kept: the large model writes it all, greedily.
    const largeGreedy = await solve({ problem, strategy: "greedy", backend: large });
    expect(always.best?.text).toBe(largeGreedy.best?.text);
  }, 120_000);
});
