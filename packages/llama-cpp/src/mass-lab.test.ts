import { existsSync } from "node:fs";
import path from "node:path";
import { answerMass, type Candidate, massConsistency, massLead, numericAnswerFormat, solve } from "mull";
import { labDataset, labProfile, labPromptTemplate } from "mull/lab";
import { describe, expect, it } from "vitest";
import { createLlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";

const file = path.join(labModelsDirectory, "lab-v2-large.gguf");
const missing = !existsSync(file);
if (missing) process.stderr.write(`mass lab test skipped: no lab model at ${file}\n`);

/** Stop rules over mass read no spending. */
const idle = {
  usage: { promptTokens: 0, completionTokens: 0, calls: 0 },
  scoreCalls: 0,
  elapsedMilliseconds: 0,
  costUsd: undefined,
};

/** The certificate over these traces: the leader's mass beats the runner-up's plus the unseen mass. */
function certified(candidates: readonly Candidate[], keys: readonly (string | undefined)[]): boolean {
  return massLead({ candidates, keys, votes: {}, spent: idle }) > 0;
}

describe.skipIf(missing)("mass@N on the embedded lab model", () => {
  it("settles an easy problem with one trace and keeps sampling only while the leader is uncertified", async () => {
    await using backend = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1, sequences: 4 });
    const profile = labProfile();
    const run = (problem: (typeof easy)[number], seed: number) =>
      solve({
        problem,
        strategy: massConsistency({ n: 8 }),
        backend,
        sampling: { ...profile.samplingDefaults, temperature: 1 },
        answerFormat: numericAnswerFormat,
        seed,
      });
    const easy = labDataset("lab:1", { limit: 1, seed: 11 });
    const settled = await run(easy[0]!, 1);
    expect(settled.stoppedBy).toBe("condition:mass-certified");
    expect(settled.candidates).toHaveLength(1);
    expect(Math.exp(settled.candidates[0]!.logprob!)).toBeGreaterThan(0.5);
    expect(numericAnswerFormat.equivalent(settled.answer!, easy[0]!.gold!)).toBe(true);

    // On hard problems, each run either proves its leader from the traces it drew or draws all eight.
    const hard = labDataset("lab:6", { limit: 4, seed: 11 });
    const drawn: number[] = [];
    for (const [index, problem] of hard.entries()) {
      const result = await run(problem, 20 + index);
      drawn.push(result.candidates.length);
      const keys = result.candidates.map((candidate) =>
        candidate.answer === undefined ? undefined : numericAnswerFormat.key(candidate.answer),
      );
      if (result.stoppedBy === "condition:mass-certified") {
        expect(certified(result.candidates, keys)).toBe(true);
        // One trace fewer would not have proved it: the stop came at the first certificate.
        expect(certified(result.candidates.slice(0, -1), keys.slice(0, -1))).toBe(false);
      } else {
        expect(result.stoppedBy).toBe("complete");
        expect(result.candidates).toHaveLength(8);
      }
      // The answer is the leader by mass over distinct traces.
      const { ranked } = answerMass({ candidates: result.candidates, keys, votes: {}, spent: idle });
      expect(keys[result.candidates.findIndex((candidate) => candidate.answer === result.answer)]).toBe(
        ranked[0]?.[0],
      );
      expect(result.usage.completionTokens).toBe(
        result.candidates.reduce((sum, candidate) => sum + (candidate.completionTokens ?? 0), 0),
      );
    }
    // Level-6 chains spread the model's mass: some need more than one trace before a stop, or all eight.
    expect(Math.max(...drawn)).toBeGreaterThan(1);
  });

  it("mass@Ng opens with the greedy trace, credited with its probability under the sampled distribution", async () => {
    await using backend = await createLlamaCppBackend({ model: "lab-v2-large", threads: 1, sequences: 4 });
    const sampling = { ...labProfile().samplingDefaults, temperature: 1 };
    const problems = labDataset("lab:mixed", { limit: 12, seed: 5 });
    let settledAlone = 0;
    for (const [index, problem] of problems.entries()) {
      const greedy = await backend.generate({
        prompt: labPromptTemplate(problem),
        temperature: 0,
        logprobs: true,
        maxTokens: sampling.maxTokens,
      });
      const result = await solve({
        problem,
        strategy: massConsistency({ n: 4, greedyFirst: true }),
        backend,
        sampling,
        answerFormat: numericAnswerFormat,
        seed: 30 + index,
      });
      const [first] = result.candidates;
      const completion = greedy.completions[0]!;
      // The first trace is the greedy one, its log-probability the raw model's (the end token included; the
      // engine's batches move logits in their last bits).
      expect(first?.text).toBe(completion.text);
      const logprob = (completion.tokens ?? []).reduce((sum, token) => sum + token.logprob, 0);
      expect(first?.logprob).toBeCloseTo(logprob + (completion.endLogprob ?? 0), 2);
      // A greedy trace holding more than half the mass settles its problem alone; one holding less cannot.
      expect(result.candidates.length === 1).toBe(Math.exp(first!.logprob!) > 0.5);
      if (result.candidates.length === 1) settledAlone += 1;
    }
    expect(settledAlone).toBeGreaterThan(0);
    expect(settledAlone).toBeLessThan(problems.length);
  });
});
