import { existsSync } from "node:fs";
import path from "node:path";
import { addUsage, cascade, solve, usageByModel } from "mull";
import { labDataset, labProfile } from "mull/lab";
import type { Candidate } from "mull/spec";
import { describe, expect, it } from "vitest";
import { createLlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";

/** The files of `names` that are not in the models folder, reported on standard error when any are missing. */
function missingModels(names: readonly string[]): string[] {
  const files = names.map((name) => path.join(labModelsDirectory, `${name}.gguf`));
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    process.stderr.write(`cascade lab test skipped: no lab model at ${missing.join(", ")}\n`);
  }
  return missing;
}

/** The most voted answer among candidates and its votes (`undefined` on a tie for the lead). */
function leaderOf(candidates: readonly Candidate[]): { answer: string | undefined; votes: number } {
  const votes = new Map<string, number>();
  for (const { answer } of candidates) {
    if (answer !== undefined) votes.set(answer, (votes.get(answer) ?? 0) + 1);
  }
  const top = Math.max(0, ...votes.values());
  const leaders = [...votes].filter(([, count]) => count === top).map(([answer]) => answer);
  return { answer: leaders.length === 1 ? leaders[0] : undefined, votes: top };
}

const missing = missingModels(["lab-small", "lab-large"]);
const secondMissing = missingModels(["lab-v2-small", "lab-v2-large"]);

describe.skipIf(missing.length > 0)("a cascade between the real lab models", () => {
  it("answers with lab-small when it agrees and escalates to lab-large when it splits", async () => {
    await using small = await createLlamaCppBackend({ model: "lab-small", threads: 1 });
    await using large = await createLlamaCppBackend({ model: "lab-large", threads: 1 });
    const models = [
      { name: "lab-small", backend: small },
      { name: "lab-large", backend: large },
    ];
    const profile = labProfile({ recommendedTemperature: 1.25 });
    const escalations = [];
    for (const problem of labDataset("lab:6", { limit: 4, seed: 3 })) {
      for (const threshold of [0, 1]) {
        const result = await solve({
          problem,
          strategy: cascade({ models, small: 4, threshold }),
          backend: small,
          sampling: profile.samplingDefaults,
          seed: 5,
        });
        const byModel = usageByModel(result.trace);
        const escalated = result.trace.some(
          (event) => event.type === "note" && event.message.includes("escalating to lab-large"),
        );
        // A threshold of 0 never escalates; the large model then writes nothing.
        if (threshold === 0) expect(Object.keys(byModel)).toEqual(["lab-small"]);
        else escalations.push(escalated);
        if (escalated) {
          expect(byModel["lab-large"]?.completionTokens).toBeGreaterThan(0);
          expect(result.candidates).toHaveLength(8);
        }
        expect(result.usage.completionTokens).toBe(
          (byModel["lab-small"]?.completionTokens ?? 0) + (byModel["lab-large"]?.completionTokens ?? 0),
        );
      }
    }
    // At temperature 1.25 the small model's four samples split on some of four level-6 problems.
    expect(escalations).toContain(true);
  });
});

describe.skipIf(secondMissing.length > 0)("a cascade between the second lab family's models", () => {
  it("answers with lab-v2-small where 3 of its 4 samples agree, else with lab-v2-large's vote", async () => {
    await using small = await createLlamaCppBackend({ model: "lab-v2-small", threads: 1 });
    await using large = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1 });
    const models = [
      { name: "lab-v2-small", backend: small },
      { name: "lab-v2-large", backend: large },
    ];
    const profile = labProfile({ recommendedTemperature: 1.0 });
    let settled = 0;
    let escalated = 0;
    // Levels 1 to 6 in turn: the small model agrees on some and splits on others.
    for (const problem of labDataset("lab:mixed", { limit: 6, seed: 3 })) {
      const result = await solve({
        problem,
        strategy: cascade({ models, small: 4, threshold: 0.75 }),
        backend: small,
        sampling: profile.samplingDefaults,
        seed: 5,
      });
      const smallCandidates = result.candidates.slice(0, 4);
      const largeCandidates = result.candidates.slice(4);
      expect(smallCandidates.map((candidate) => candidate.model)).toEqual(Array(4).fill("lab-v2-small"));
      const answered = smallCandidates.filter((candidate) => candidate.answer !== undefined).length;
      const smallLeader = leaderOf(smallCandidates);
      const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
      const byModel = usageByModel(result.trace);
      if (smallLeader.votes / answered >= 0.75) {
        settled += 1;
        expect(notes).toEqual([
          `cascade: lab-v2-small agreement ${(smallLeader.votes / answered).toFixed(2)} (${smallLeader.votes}/${answered}) ≥ 0.75: answering with lab-v2-small`,
        ]);
        expect(result.answer).toBe(smallLeader.answer);
        expect(largeCandidates).toEqual([]);
        expect(Object.keys(byModel)).toEqual(["lab-v2-small"]);
      } else {
        escalated += 1;
        expect(notes).toHaveLength(1);
        expect(notes[0]).toMatch(/^cascade: lab-v2-small agreement .* < 0\.75: escalating to lab-v2-large$/);
        // The large model's sc@4 answers alone: the small model's split votes are left out.
        expect(largeCandidates.map((candidate) => candidate.model)).toEqual(Array(4).fill("lab-v2-large"));
        const largeLeader = leaderOf(largeCandidates);
        if (largeLeader.answer !== undefined) expect(result.answer).toBe(largeLeader.answer);
        const largeGenerations = result.trace.filter(
          (event) => event.type === "generation" && event.model === "lab-v2-large",
        );
        expect(largeGenerations).toHaveLength(4);
        expect(byModel["lab-v2-large"]?.completionTokens).toBeGreaterThan(0);
      }
      // Usage per model sums to the run's.
      expect(addUsage(...Object.values(byModel))).toEqual(result.usage);
    }
    // On these six problems the small model settles half and escalates half (seeds fixed).
    expect(settled).toBeGreaterThan(0);
    expect(escalated).toBeGreaterThan(0);
  }, 60_000);
});
