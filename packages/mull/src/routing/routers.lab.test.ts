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
import { massCascade } from "./mass-cascade.ts";

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

  it("glimp handing off keeps the large model from its first handed step to the end", async () => {
    let handedOff = 0;
    for (const problem of labDataset("lab:hard", { limit: 6, seed: 12 })) {
      const routed = await solve({
        problem,
        strategy: glimpseRouter({
          models: models(),
          threshold: 0.5159,
          glimpse: 12,
          hold: Number.POSITIVE_INFINITY,
        }),
        backend: large,
      });
      const kept = writers(routed.trace);
      const first = kept.findIndex((writer) => writer.endsWith(":lab-large"));
      if (first < 0) continue;
      handedOff += 1;
      expect(
        kept.slice(first).every((writer) => writer.endsWith(":lab-large")),
        kept.join(" "),
      ).toBe(true);
      expect(kept.slice(0, first).every((writer) => writer.endsWith(":lab-small"))).toBe(true);
      // Only the handed step was drafted by the small model after the handover: none of its later steps.
      const drafts = routed.trace.filter(
        (event): event is GenerationEvent => event.type === "generation" && event.model === "lab-small",
      );
      expect(drafts).toHaveLength(first + 1);
      expect(drafts.at(-1)?.finishReason).toBe("cut");
    }
    // At τ 0.5159 lab-small hands over in most lab:hard solutions (a 30% share of steps on a dev set).
    expect(handedOff).toBeGreaterThan(0);
  }, 120_000);

  it("cascade-mass answers with the small model only when its mass certified the leader", async () => {
    for (const problem of problems) {
      const result = await solve({
        problem,
        strategy: massCascade({ models: models(), small: 4, large: 4 }),
        backend: large,
      });
      const byModel = usageByModel(result.trace);
      const settled = result.trace.some(
        (event) => event.type === "note" && event.message.startsWith("cascade: lab-small settled"),
      );
      const smallSamples = result.trace.filter(
        (event) => event.type === "generation" && event.model === "lab-small",
      ).length;
      if (settled) {
        expect(Object.keys(byModel)).toEqual(["lab-small"]);
        expect(smallSamples).toBeLessThanOrEqual(4);
      } else {
        // Four small samples without a certificate, then the large model's own mass@4.
        expect(smallSamples).toBe(4);
        expect(Object.keys(byModel).sort()).toEqual(["lab-large", "lab-small"]);
      }
      expect(result.answer).toBeDefined();
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
