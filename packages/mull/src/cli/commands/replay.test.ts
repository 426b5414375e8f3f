import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseReplayStrategy, replayDatasetFromRun, replayStrategyKinds } from "../../bench/replay/index.ts";
import { loadRun, openRunStore } from "../../bench/store/index.ts";
import { strategyCatalog } from "../../strategies/index.ts";
import { syntheticRun } from "../../testing/index.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-replay-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const samples = join(folder, "samples.jsonl");
writeFileSync(
  samples,
  [
    {
      id: "a",
      gold: "1",
      samples: [
        { answer: "1", reward: 0.9, tokens: 10 },
        { answer: "2", reward: 0.1, tokens: 30 },
        { answer: "2", reward: 0.2, tokens: 20 },
      ],
    },
    {
      id: "b",
      gold: "5",
      samples: [
        { answer: "5", reward: 0.4, tokens: 10 },
        { answer: "5", reward: 0.3, tokens: 10 },
        { answer: "6", reward: 0.8, tokens: 10 },
      ],
    },
  ]
    .map((line) => JSON.stringify(line))
    .join("\n"),
);

const larger = join(folder, "larger.jsonl");
writeFileSync(
  larger,
  [
    {
      id: "b",
      gold: "5",
      samples: [
        { answer: "5", tokens: 8 },
        { answer: "6", tokens: 8 },
      ],
    },
    {
      id: "a",
      gold: "1",
      samples: [
        { answer: "1", tokens: 7 },
        { answer: "1", tokens: 7 },
      ],
    },
  ]
    .map((line) => JSON.stringify(line))
    .join("\n"),
);

function run(...argv: string[]) {
  return runCliCaptured("replay", ...argv);
}

describe("mull replay", () => {
  it("prints accuracy, samples and tokens per strategy", async () => {
    const { code, stdout } = await run(
      "--samples",
      samples,
      "--strategies",
      "maj@3,rm@3,mean@1",
      "--answer-format",
      "exact",
    );
    expect(code).toBe(0);
    expect(stdout).toContain("generic: 2 problems, 3 samples each; answers graded as exact");
    // maj@3: "2" wins on a (wrong), "5" on b (right); rm@3: a right, b wrong ("6").
    expect(stdout).toMatch(/^maj@3\s+50\.0\s+\S+\s+1\/2\s+3\.0\s+45\s+unknown$/m);
    expect(stdout).toMatch(/^rm@3\s+50\.0\s+\S+\s+1\/2\s+3\.0\s+45\s+unknown$/m);
    expect(stdout).toMatch(/^mean@1\s+100\.0\s+\S+\s+2\/2\s+1\.0\s+10\s+unknown$/m);
  });

  it("prints JSON with --json, and random draws with --shuffles", async () => {
    const { code, stdout } = await run(
      "--samples",
      samples,
      "--strategies",
      "pass@2,wv@3",
      "--shuffles",
      "5",
      "--seed",
      "3",
      "--json",
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.seed).toBe(3);
    expect(report.evaluations.map((evaluation: { strategy: string }) => evaluation.strategy)).toEqual([
      "pass@2",
      "wv@3",
    ]);
    // pass@2 from (n, c) = (3, 1) and (3, 2): 2/3 and 1, exactly.
    expect(report.evaluations[0].accuracy.accuracy).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(report.evaluations[0].budget).toBe("random");
  });

  it("breaks --json results down by problem: each strategy's answer, correctness, samples and tokens", async () => {
    const { code, stdout } = await run(
      "--samples",
      samples,
      "--strategies",
      "maj@3,esc@3w2,mean@1",
      "--json",
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.problemResults[0]).toEqual({
      id: "a",
      gold: "1",
      strategies: {
        "maj@3": { answer: "2", correct: 0, samples: 3, tokens: 60, escalated: null },
        // No unanimous window of two: esc uses all three.
        "esc@3w2": { answer: "2", correct: 0, samples: 3, tokens: 60, escalated: null },
        "mean@1": { answer: null, correct: 1, samples: 1, tokens: 10, escalated: null },
      },
    });
    const second = report.problemResults[1];
    expect([second.id, second.gold]).toEqual(["b", "5"]);
    // "5", "5": the first window is unanimous, so esc stops after two samples (10 + 10 tokens).
    expect(second.strategies["esc@3w2"]).toEqual({
      answer: "5",
      correct: 1,
      samples: 2,
      tokens: 20,
      escalated: null,
    });
    expect(second.strategies["maj@3"].tokens).toBe(30);
    expect(report.evaluations[1].meanCompletionTokens).toBe(40);
    expect(report.evaluations[1].outcomes).toBeUndefined();
  });

  it("exits with 2 and names the flag and value on bad usage", async () => {
    const shuffles = await run("--samples", samples, "--shuffles", "zero");
    expect(shuffles.code).toBe(2);
    expect(shuffles.stderr).toMatch(/--shuffles <count>.*'zero'/);
    // One resample would make every interval a point: the report's minimum holds here too.
    const few = await run("--samples", samples, "--resamples", "1");
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/--resamples <count>.*'1'.*expected an integer from 100 to 1000000, got "1"/);
    const strategy = await run("--samples", samples, "--strategies", "maj@3,vote@2");
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toContain('--strategies: "vote@2" is not a replay strategy');
    const format = await run("--samples", samples, "--format", "csv");
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format <name>.*'csv'.*generic, faithful-cot, qwen-rm-maj/);
    const gold = await run("--samples", samples, "--format", "faithful-cot");
    expect(gold.code).toBe(2);
    expect(gold.stderr).toContain("--gold is required with --format faithful-cot");
    const missing = await run("--samples", join(folder, "absent.jsonl"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("absent.jsonl: cannot read");
    const tooMany = await run("--samples", samples, "--strategies", "maj@4");
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain("maj@4 needs 4 samples per problem, but no problem has more than 3");
  });
  it("names the flag of a sample file it cannot read, of each of the four, and refuses an empty path", async () => {
    const absent = join(folder, "absent.jsonl");
    for (const flag of ["--samples", "--escalate-samples", "--greedy-samples", "--escalate-greedy-samples"]) {
      const given = flag === "--samples" ? [flag, absent] : ["--samples", samples, flag, absent];
      const missing = await run(...given);
      expect(missing).toMatchObject({ code: 2, stdout: "" });
      expect(missing.stderr).toBe(`mull: ${flag} ${absent}: cannot read the dataset (no such file)\n`);
      const empty = await run(...given.slice(0, -1), "");
      expect(empty).toMatchObject({ code: 2, stdout: "" });
      expect(empty.stderr).toBe(`mull: ${flag}: empty path; expected a file of recorded samples (JSONL)\n`);
    }
    // A bad line is said naming the flag, the file and the line.
    const broken = join(folder, "broken.jsonl");
    writeFileSync(broken, "{not json\n");
    const bad = await run("--samples", samples, "--greedy-samples", broken);
    expect(bad.code).toBe(2);
    expect(bad.stderr.startsWith(`mull: --greedy-samples ${broken}:1: `)).toBe(true);
  });

  it("says in --help that --strategies takes architectures, and which layers replay", async () => {
    const { code, stdout } = await run("--help");
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, " ");
    expect(help).toContain("architectures gen@<k>+… run over the k recorded samples");
    expect(help).toContain("rank-lp@<K> (by mean token log-probability), then vote or first");
  });

  it("lists in --help every live wrapper spelling that --strategies reads", async () => {
    const { code, stdout } = await run("--help");
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, " ");
    // Every live wrapper form around every family a spec may name, live or replay's own, tried on replay.
    const forms = strategyCatalog.flatMap((entry) => entry.forms);
    const wrappers = forms.filter((form) => form.includes("(INNER)"));
    const families = new Set([
      ...replayStrategyKinds,
      ...forms.filter((form) => !form.includes("(")).map((form) => form.split("@")[0]!),
    ]);
    const accepted: string[] = [];
    for (const wrapper of wrappers) {
      for (const family of families) {
        const spec = wrapper.replace("INNER", `${family}@8`).replace(/T$/, "0.9").replace(/W$/, "4");
        try {
          parseReplayStrategy(spec);
        } catch {
          continue;
        }
        accepted.push(spec);
        expect(help, `${spec} is read by replay but not in its --help`).toContain(
          `${wrapper.slice(0, wrapper.indexOf("("))}(${family}@<k>)`,
        );
      }
    }
    expect(accepted).toEqual(expect.arrayContaining(["asc(sc@8)", "asc(maj@8)dt0.9", "esc(rs@8)w4"]));
    expect(help).toContain(
      "esc(sc@<k>)w<window>, esc(maj@<k>)w<window> and esc(rs@<k>)w<window> are esc@<k>w<window>",
    );
  });

  it("reads a threshold spelt as in the strategy specs (asc@3t0.6) like its colon alias (asc@3:t0.6)", async () => {
    const { code, stdout } = await run(
      "--samples",
      samples,
      "--strategies",
      "asc@3t0.6,asc@3:t0.6,accept@3t0.85,accept@3:t0.85",
      "--json",
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const evaluations = report.evaluations.map(({ strategy, ...figures }: { strategy: string }) => ({
      strategy,
      figures,
    }));
    expect(evaluations.map(({ strategy }: { strategy: string }) => strategy)).toEqual([
      "asc@3t0.6",
      "asc@3:t0.6",
      "accept@3t0.85",
      "accept@3:t0.85",
    ]);
    expect(evaluations[0].figures).toEqual(evaluations[1].figures);
    expect(evaluations[2].figures).toEqual(evaluations[3].figures);
    // At 0.6 one vote is enough (P = 0.75 under Beta(2, 1)): "1" on a, after its first 10 tokens.
    expect(report.problemResults[0].strategies["asc@3t0.6"]).toEqual({
      answer: "1",
      correct: 1,
      samples: 1,
      tokens: 10,
      escalated: null,
    });
    const malformed = await run("--samples", samples, "--strategies", "asc@3t");
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--strategies: "asc@3t" is not a replay strategy; expected');
    expect(malformed.stderr).toContain("asc@<k>[d][t<threshold>]");
  });

  it("reads live spellings: sc@k and rs@k as maj@k, any case and surrounding spaces", async () => {
    const { code, stdout } = await run(
      "--samples",
      samples,
      "--strategies",
      "maj@3, sc@3,RS@3 , MAJ@3,rm@3",
      "--json",
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const names = report.evaluations.map(({ strategy }: { strategy: string }) => strategy);
    expect(names).toEqual(["maj@3", "sc@3", "RS@3", "MAJ@3", "rm@3"]);
    const figures = report.evaluations.map(({ strategy: _name, ...rest }: { strategy: string }) => rest);
    expect(figures[1]).toEqual(figures[0]);
    expect(figures[2]).toEqual(figures[0]);
    expect(figures[3]).toEqual(figures[0]);
    // maj@3 answers "2" on a and "5" on b; rm@3 answers otherwise on both, so the figures tell them apart.
    expect(figures[4]).not.toEqual(figures[0]);
    expect(report.problemResults[0].strategies["sc@3"].answer).toBe("2");
    expect(report.problemResults[1].strategies["RS@3"].answer).toBe("5");
  });

  it("refuses an unknown spec with exit 2, naming it, and live probing's probe@NkK with what replay takes", async () => {
    const unknown = await run("--samples", samples, "--strategies", "sc@3,Vote@3");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--strategies: "Vote@3" is not a replay strategy; expected');
    expect(unknown.stdout).toBe("");
    const probing = await run("--samples", samples, "--strategies", "probe@3k32");
    expect(probing.code).toBe(2);
    expect(probing.stderr).toContain(
      "--strategies: \"probe@3k32\" is not a replay strategy; replay's probe takes m<agreement>, not live probing's k<tokens>",
    );
    expect(probing.stderr).toContain("(e.g. probe@3m2)");
  });

  it("replays the log-probability methods on recorded confidences, and names a missing field", async () => {
    const confident = join(folder, "confident.jsonl");
    writeFileSync(
      confident,
      `${JSON.stringify({
        id: "c",
        gold: "7",
        samples: [
          { answer: "3", tokens: 10, tokenConfidences: [2, 2], selfCertainty: 0.1, meanLogprob: -1 },
          { answer: "3", tokens: 10, tokenConfidences: [2, 2], selfCertainty: 0.2, meanLogprob: -1 },
          { answer: "7", tokens: 10, tokenConfidences: [5, 5], selfCertainty: 3, meanLogprob: -0.1 },
        ],
      })}\n`,
    );
    const { code, stdout } = await run(
      "--samples",
      confident,
      "--strategies",
      "maj@3,deepconf@3:e30,rpc@3,certainty@3:p2",
      "--answer-format",
      "exact",
    );
    expect(code).toBe(0);
    // The majority says 3; the confident trace says 7, and each method is charged the three samples.
    expect(stdout).toMatch(/^maj@3\s+0\.0\s+\S+\s+0\/1\s+3\.0\s+30\s/m);
    expect(stdout).toMatch(/^deepconf@3:e30\s+100\.0\s+\S+\s+1\/1\s+3\.0\s+30\s/m);
    expect(stdout).toMatch(/^rpc@3\s+100\.0\s+\S+\s+1\/1\s+3\.0\s+30\s/m);
    expect(stdout).toMatch(/^certainty@3:p2\s+100\.0\s+\S+\s+1\/1\s+3\.0\s+30\s/m);
    const missing = await run("--samples", samples, "--strategies", "certainty@3");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `certainty@3 needs samples[0].selfCertainty for every sample, but sample 0 of problem "a" (${samples}:1) has none`,
    );
  });

  it("replays a cascade between two models' samples with --escalate-samples", async () => {
    const { code, stdout } = await run(
      "--samples",
      samples,
      "--escalate-samples",
      larger,
      "--strategies",
      "maj@3,cascade@3x2t1",
      "--answer-format",
      "exact",
    );
    expect(code).toBe(0);
    expect(stdout).toContain("cascades escalate to 2 problems' samples (generic)");
    // Neither problem is unanimous on the first model: both escalate, and the larger model's maj@2 is right
    // on both ("1", and "5" ahead of "6" by order); tokens (60 + 14 + 30 + 16) / 2, 15 of them the larger's.
    expect(stdout).toMatch(/^cascade@3x2t1\s+100\.0\s+\S+\s+2\/2\s+5\.0\s+60\s+unknown\s+100\.0\s+15$/m);
    expect(stdout).toMatch(/^maj@3\s+50\.0\s+\S+\s+1\/2\s+3\.0\s+45\s+unknown$/m);
  });

  it("replays mass@kg with each problem's greedy trace from --greedy-samples", async () => {
    const traces = join(folder, "traces.jsonl");
    const greedy = join(folder, "greedy.jsonl");
    writeFileSync(
      traces,
      `${JSON.stringify({
        id: "t",
        gold: "5",
        samples: [
          { text: "x #### 6", logprob: Math.log(0.3), tokens: 20 },
          { text: "y #### 5", logprob: Math.log(0.25), tokens: 30 },
        ],
      })}\n`,
    );
    writeFileSync(
      greedy,
      `${JSON.stringify({ id: "t", gold: "5", samples: [{ text: "g #### 5", logprob: Math.log(0.6), tokens: 11 }] })}\n`,
    );
    const { code, stdout } = await run(
      "--samples",
      traces,
      "--greedy-samples",
      greedy,
      "--strategies",
      "mass@2,mass@2g",
      "--answer-format",
      "exact",
    );
    expect(code).toBe(0);
    expect(stdout).toContain("greedy traces of 1 problems (generic)");
    // The greedy trace holds 0.6: it settles the problem alone, right, for its 11 tokens; the samples do not.
    expect(stdout).toMatch(/^mass@2g\s+100\.0\s+\S+\s+1\/1\s+1\.0\s+11\s/m);
    expect(stdout).toMatch(/^mass@2\s+0\.0\s+\S+\s+0\/1\s+2\.0\s+50\s/m);
    const without = await run("--samples", traces, "--strategies", "mass@2g");
    expect(without.code).toBe(2);
    expect(without.stderr).toContain("mass@2g opens with each problem's greedy trace");
    const both = await run("--samples", traces, "--greedy-samples", greedy, "--greedy-strategy", "greedy");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give either --greedy-samples or --greedy-strategy, not both");
    const strategy = await run("--samples", traces, "--greedy-strategy", "greedy", "--strategies", "mass@2g");
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toContain("--greedy-strategy applies to --run only");
  });

  it("replays accept@k against a verifier's rewards, with each strategy's utility under --wrong-cost", async () => {
    const verified = join(folder, "verified.jsonl");
    const rows = [
      // A false positive first (6 accepted), the vote right.
      {
        id: "f",
        gold: "5",
        samples: [
          { text: "#### 6", reward: 0.9 },
          { text: "#### 5", reward: 0.8 },
          { text: "#### 5", reward: 0.7 },
        ],
      },
      // Nothing accepted: accept abstains; the vote is right.
      {
        id: "n",
        gold: "3",
        samples: [
          { text: "#### 3", reward: 0.1 },
          { text: "#### 3", reward: 0.2 },
          { text: "#### 4", reward: 0.3 },
        ],
      },
    ];
    writeFileSync(verified, rows.map((row) => JSON.stringify(row)).join("\n"));
    const flags = ["--samples", verified, "--answer-format", "exact", "--strategies", "accept@3,maj@3"];
    const { code, stdout } = await run(...flags, "--wrong-cost", "3");
    expect(code).toBe(0);
    expect(stdout).toContain("utility per problem: right 1, wrong -3, no answer 0");
    // accept: one wrong answer (−3), one abstention (0); maj: two right.
    expect(stdout).toMatch(/^accept@3\s+0\.0\s.*\s50\.0\s+-1\.500$/m);
    expect(stdout).toMatch(/^maj@3\s+100\.0\s.*\s100\.0\s+1\.000$/m);
    const negative = await run(...flags, "--wrong-cost", "-1");
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain("--wrong-cost");
  });

  it("replays cascade-mass@NxMg with each model's greedy traces from their files", async () => {
    const write = (name: string, samples: readonly { text: string; p: number; tokens: number }[]) => {
      const file = join(folder, name);
      const recorded = samples.map(({ text, p, tokens }) => ({ text, logprob: Math.log(p), tokens }));
      writeFileSync(file, `${JSON.stringify({ id: "t", gold: "5", samples: recorded })}\n`);
      return file;
    };
    // The small model settles nothing (0.3 against 0.2 and 0.5 unseen); the larger one's greedy trace
    // (0.6 for "5") settles the problem alone.
    const small = write("small.jsonl", [
      { text: "a #### 6", p: 0.3, tokens: 20 },
      { text: "d #### 7", p: 0.1, tokens: 5 },
    ]);
    const smallGreedy = write("small-greedy.jsonl", [{ text: "g #### 5", p: 0.2, tokens: 10 }]);
    const big = write("big.jsonl", [
      { text: "b #### 6", p: 0.3, tokens: 40 },
      { text: "c #### 5", p: 0.1, tokens: 40 },
    ]);
    const bigGreedy = write("big-greedy.jsonl", [{ text: "h #### 5", p: 0.6, tokens: 50 }]);
    const files = ["--samples", small, "--greedy-samples", smallGreedy, "--escalate-samples", big];
    const format = ["--answer-format", "exact"];
    const { code, stdout } = await run(
      ...files,
      "--escalate-greedy-samples",
      bigGreedy,
      "--strategies",
      "cascade-mass@2x2g,cascade-mass@2x2",
      ...format,
    );
    expect(code).toBe(0);
    expect(stdout).toContain("the larger model's greedy traces of 1 problems (generic)");
    // Opened: 10 + 20 small tokens, then the larger greedy trace alone (50), right. Plain: 20 + 5 small,
    // then both larger samples (80), whose leader by mass is "6", wrong.
    expect(stdout).toMatch(/^cascade-mass@2x2g\s+100\.0\s+\S+\s+1\/1\s+3\.0\s+80\s/m);
    expect(stdout).toMatch(/^cascade-mass@2x2\s+0\.0\s+\S+\s+0\/1\s+4\.0\s+105\s/m);
    const missing = await run(...files, "--strategies", "cascade-mass@2x2g", ...format);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--escalate-greedy-samples or --escalate-greedy-strategy");
    const misplaced = await run(...files, "--escalate-greedy-strategy", "greedy", "--strategies", "maj@1");
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain("--escalate-greedy-strategy applies to --escalate-run only");
  });

  it("says what a cascade needs when the larger model's samples are missing or the flags do not fit", async () => {
    const none = await run("--samples", samples, "--strategies", "cascade@3");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("cascade@3 escalates to a larger model");
    const both = await run("--samples", samples, "--escalate-samples", larger, "--escalate-run", folder);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give either --escalate-samples or --escalate-run, not both");
    const strategy = await run("--samples", samples, "--escalate-strategy", "sc@8", "--strategies", "maj@3");
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toContain("--escalate-strategy applies to --escalate-run only");
    const nowhere = join(folder, "no-such-run");
    const missing = await run("--samples", samples, "--escalate-run", nowhere, "--strategies", "maj@3");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--escalate-run: no run in ${nowhere}`);
    const missingRun = await run("--run", nowhere, "--strategies", "maj@3");
    expect(missingRun.code).toBe(2);
    expect(missingRun.stderr).toContain(`--run: no run in ${nowhere}`);
  });

  it("replays compute-optimal allocation alloc@S over a bench run's problems beside maj@S, with tokens", async () => {
    const directory = join(folder, "lab-run");
    const lab = await runCliCaptured("lab", "--problems", "8", "--strategies", "sc@8", "--out", directory);
    expect(lab.code).toBe(0);
    const { code, stdout } = await run("--run", directory, "--strategies", "maj@4,alloc@4");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^maj@4\s+\d+\.\d\s+\S+\s+\d+\/8\s+4\.0\s+\d+\s+\d+$/m);
    // The samples its plan gave beyond those recorded, when any, follow in an "unrecorded" column.
    const row = /^alloc@4\s+\d+\.\d\s+\S+\s+\d+\/8\s+(\d+\.\d)\s+(\d+)\s+\d+(\s+\d+\.\d)?$/m.exec(stdout);
    expect(row).not.toBeNull();
    expect(Number(row![1])).toBeLessThanOrEqual(4);
    const json = await run("--run", directory, "--strategies", "maj@4,alloc@4", "--json");
    const report = JSON.parse(json.stdout);
    const recorded = replayDatasetFromRun(await loadRun(directory), undefined, directory).problems;
    // Each problem is charged the tokens of exactly its first `samples` recorded samples, at most 4 × 8 in all.
    let used = 0;
    for (const [index, result] of report.problemResults.entries()) {
      const { samples, tokens } = result.strategies["alloc@4"];
      const own = recorded[index]!.samples.slice(0, samples);
      expect(tokens).toBe(own.reduce((sum, sample) => sum + sample.completionTokens!, 0));
      used += samples;
    }
    const allocation = report.evaluations[1];
    expect(allocation).toMatchObject({ strategy: "alloc@4", kind: "alloc" });
    expect(used / 8).toBeCloseTo(allocation.meanSamples, 12);
    expect(used + allocation.unrecorded * 8).toBeLessThanOrEqual(32);
  });
});

describe("mull replay --run with --escalate-run of lab models", () => {
  const small = join(folder, "lab-small-run");
  const large = join(folder, "lab-large-run");
  beforeAll(async () => {
    for (const [model, out] of [
      ["lab-v2-small", small],
      ["lab-v2-large", large],
    ] as const) {
      const lab = await runCliCaptured(
        "lab",
        "--problems",
        "4",
        "--model",
        model,
        "--strategies",
        "sc@8",
        "--out",
        out,
      );
      expect(lab.code).toBe(0);
    }
  }, 120_000);
  const runs = ["--run", small, "--escalate-run", large, "--strategies"];

  it("refuses the smaller model's run as --escalate-run, with both models' sizes (exit 2)", async () => {
    const swapped = await run("--run", large, "--escalate-run", small, "--strategies", "cascade@4x8t1");
    expect(swapped).toMatchObject({ code: 2, stdout: "" });
    expect(swapped.stderr).toMatch(
      new RegExp(
        `^mull: --escalate-run ${small} recorded lab-v2-small(\\.gguf)? \\(117,952 parameters\\), smaller than ` +
          "--run's lab-v2-large(\\.gguf)? \\([\\d,]+ parameters\\); .*: swap --run and --escalate-run\n$",
      ),
    );
  });

  it("says to drop a cascade's live route, and what esc and probe lack, before the list of forms", async () => {
    const routed = await run(...runs, "cascade@4x8:lab-v2-small>lab-v2-large");
    expect(routed.code).toBe(2);
    expect(routed.stderr).toContain(
      'is not a replay strategy; replay takes its models from --run and --escalate-run: drop ":lab-v2-small>lab-v2-large" (cascade@4x8); expected',
    );
    const window = await run(...runs, "esc@64");
    expect(window.code).toBe(2);
    expect(window.stderr).toContain(
      '"esc@64" is not a replay strategy; esc@<k> needs w<window> (e.g. esc@64w8);',
    );
    const agreement = await run(...runs, "probe@64");
    expect(agreement.stderr).toContain("probe@<k> needs m<agreement> (e.g. probe@64m2);");
  });

  it("checks an alloc route against the models the runs' manifests record", async () => {
    for (const spec of ["alloc@4p2:foo>bar", "alloc@4p2:lab-v2-large>lab-v2-small"]) {
      const refused = await run(...runs, spec);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        `--strategies: ${JSON.stringify(spec)} routes ${spec.slice(spec.indexOf(":") + 1)}, but --run recorded lab-v2-small and --escalate-run lab-v2-large`,
      );
    }
    const routed = await run(...runs, "alloc@4p2:lab-v2-small>lab-v2-large", "--json");
    expect(routed.code).toBe(0);
    expect(JSON.parse(routed.stdout).evaluations[0]).toMatchObject({
      strategy: "alloc@4p2:lab-v2-small>lab-v2-large",
      kind: "alloc",
    });
  });
});

/**
 * Stores `run` in `directory` with the results and samples of the strategies in `strategies` on its first
 * `problems` problems only, as a bench killed part-way leaves them; every pair without `problems`.
 */
async function storeRun(
  directory: string,
  run: ReturnType<typeof syntheticRun>,
  kept?: { readonly strategies: readonly string[]; readonly problems: number },
): Promise<void> {
  const store = await openRunStore(directory);
  await store.createRun(
    run.manifest,
    { synthetic: true },
    run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
  );
  const first = new Set(run.problems.slice(0, kept?.problems).map((problem) => problem.id));
  for (const result of run.results) {
    if (!first.has(result.problemId) || (kept !== undefined && !kept.strategies.includes(result.strategy)))
      continue;
    const samples = run.samples.filter(
      (sample) => sample.problemId === result.problemId && sample.strategy === result.strategy,
    );
    await store.recordResult({ ...result, seed: 1 }, samples);
  }
  await store.close();
}

describe("mull replay --run on a partial run", () => {
  const synthetic = syntheticRun({ seed: 5, problems: 30 });
  const partial = join(folder, "partial-run");
  const complete = join(folder, "complete-run");
  const statement =
    "The run is partial: 20 of 120 pairs are recorded (greedy 10 of 30, sc@4 10 of 30, sc@8 0 of 30, bon@8 0 of 30). " +
    "sc@4 has samples of 10 of the 30 problems; replay reads those alone. " +
    "Unless its bench is still running, continue it with the command that started it and --resume " +
    "(mull bench --dataset synthetic --strategies greedy,sc@4,sc@8,bon@8 … --resume).";
  // The larger model's run, partial as `partial` is: another run of another model.
  const largerPartial = join(folder, "larger-partial-run");
  const largerSynthetic = {
    ...synthetic,
    manifest: {
      ...synthetic.manifest,
      runId: "synthetic-larger",
      backend: { ...synthetic.manifest.backend, model: "synthetic-larger" },
    },
  };
  beforeAll(async () => {
    await storeRun(partial, synthetic, { strategies: ["greedy", "sc@4"], problems: 10 });
    await storeRun(complete, synthetic);
    await storeRun(largerPartial, largerSynthetic, { strategies: ["greedy", "sc@4"], problems: 10 });
  });

  it("says on stderr, in the title and in --json that the run is partial, with pairs recorded of planned", async () => {
    const argv = ["--run", partial, "--strategy", "sc@4", "--strategies", "maj@4"];
    const text = await run(...argv);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe(`replay: ${statement}\n`);
    expect(text.stdout).toContain(
      "mull-run: 10 problems of the partial run's 30 (20 of 120 pairs recorded), 4 samples each;",
    );
    const json = await run(...argv, "--json");
    expect(json.code).toBe(0);
    expect(json.stderr).toBe(`replay: ${statement}\n`);
    const printed = JSON.parse(json.stdout);
    expect(printed.problems).toBe(10);
    expect(printed.partial).toEqual({
      recorded: 20,
      planned: 120,
      problems: 30,
      strategies: [
        { strategy: "greedy", recorded: 10 },
        { strategy: "sc@4", recorded: 10 },
        { strategy: "sc@8", recorded: 0 },
        { strategy: "bon@8", recorded: 0 },
      ],
      statement,
    });
  });

  it("refuses --format with --run unless a file of samples is read too, naming --format and --samples", async () => {
    const argv = ["--run", complete, "--strategy", "sc@8", "--strategies", "maj@8"];
    const refused = await run(...argv, "--format", "qwen-rm-maj");
    expect(refused).toMatchObject({ code: 2, stdout: "" });
    expect(refused.stderr).toBe(
      "mull: --format qwen-rm-maj applies to --samples (and --escalate-samples, --greedy-samples, " +
        "--escalate-greedy-samples) only, and none was given: --run reads the samples of a bench run as it " +
        "recorded them; drop --format\n",
    );
    // Given explicitly at its default, it is still a flag that does nothing here.
    expect((await run(...argv, "--format", "generic")).code).toBe(2);
    expect((await run(...argv)).code).toBe(0);
    // The larger model's samples from a file are read in the layout --format names.
    const escalated = await run(...argv, "--escalate-samples", samples, "--format", "qwen-rm-maj");
    expect(escalated.stderr).not.toContain("--format qwen-rm-maj applies");
  });

  it("grades a faithful-cot file of the larger model's samples with --gold beside --run, and refuses --gold alone", async () => {
    const predictions = join(folder, "larger.predictions.jsonl");
    const gold = join(folder, "larger.gold.jsonl");
    const lines = (row: (problem: (typeof synthetic.problems)[number]) => object) =>
      synthetic.problems.map((problem) => JSON.stringify(row(problem))).join("\n");
    // The larger model answers every problem right, twice.
    writeFileSync(
      predictions,
      lines(({ id, gold }) => ({ id, completions: [`so #### ${gold}`, `so #### ${gold}`] })),
    );
    writeFileSync(
      gold,
      lines(({ id, gold }) => ({ id, answer: `#### ${gold}` })),
    );
    const argv = ["--run", complete, "--strategy", "sc@4", "--strategies", "cascade@4x2t1", "--json"];
    const larger = ["--escalate-samples", predictions, "--format", "faithful-cot"];
    const graded = await run(...argv, ...larger, "--gold", gold);
    expect(graded).toMatchObject({ code: 0, stderr: "" });
    const results = JSON.parse(graded.stdout).problemResults.map(
      (result: { strategies: Record<string, { correct: number; escalated: boolean }> }) =>
        result.strategies["cascade@4x2t1"]!,
    );
    const escalated = results.filter((result: { escalated: boolean }) => result.escalated);
    expect(escalated.length).toBeGreaterThan(0);
    expect(escalated.every((result: { correct: number }) => result.correct === 1)).toBe(true);
    // The file alone has no gold answers to grade it by.
    const goldless = await run(...argv, ...larger);
    expect(goldless.code).toBe(2);
    expect(goldless.stderr).toContain("--gold is required with --format faithful-cot");
    // With no file of samples, the run's own gold answers are the ones read: --gold would be ignored.
    const alone = await run("--run", complete, "--strategy", "sc@4", "--strategies", "maj@4", "--gold", gold);
    expect(alone).toMatchObject({ code: 2, stdout: "" });
    expect(alone.stderr).toBe(
      `mull: --gold ${gold}: --run reads the gold answers its bench run recorded; --gold applies only to the ` +
        "files of samples --format faithful-cot reads (with --run: --escalate-samples, --greedy-samples, " +
        "--escalate-greedy-samples), and none was given; drop --gold\n",
    );
  });

  it("says nothing of a complete run, and names --escalate-run when the larger model's run is partial", async () => {
    const whole = await run("--run", complete, "--strategy", "sc@4", "--strategies", "maj@4", "--json");
    expect(whole.code).toBe(0);
    expect(whole.stderr).toBe("");
    expect(JSON.parse(whole.stdout)).not.toHaveProperty("partial");
    const cascade = await run(
      ...[
        "--run",
        partial,
        "--strategy",
        "sc@4",
        "--escalate-run",
        largerPartial,
        "--escalate-strategy",
        "sc@4",
      ],
      ...["--strategies", "maj@4,cascade@4t1", "--json"],
    );
    expect(cascade.code).toBe(0);
    expect(cascade.stderr).toBe(`replay: ${statement}\nreplay: --escalate-run: ${statement}\n`);
    expect(JSON.parse(cascade.stdout).escalation).toMatchObject({
      problems: 10,
      partial: { recorded: 20, planned: 120, problems: 30 },
    });
    // A cascade refuses problems the larger model's partial run lacks, after saying that run is partial.
    const lacking = await run(
      ...[
        "--run",
        complete,
        "--strategy",
        "sc@4",
        "--escalate-run",
        largerPartial,
        "--escalate-strategy",
        "sc@4",
      ],
      ...["--strategies", "cascade@4t1"],
    );
    expect(lacking.code).toBe(2);
    expect(lacking.stderr).toContain(`replay: --escalate-run: ${statement}\nmull: escalation:`);
  });

  it("refuses the run of --run, or another run of its model, as --escalate-run (exit 2)", async () => {
    const strategies = ["--strategy", "sc@4", "--escalate-strategy", "sc@4", "--strategies", "cascade@4t1"];
    const same = await run("--run", complete, "--escalate-run", complete, ...strategies);
    expect(same).toMatchObject({ code: 2, stdout: "" });
    expect(same.stderr).toBe(
      `mull: --escalate-run ${complete} is the run of --run (synthetic-5); expected a run of a larger model ` +
        "than --run's, which cascades escalate to\n",
    );
    const twin = join(folder, "twin-run");
    await storeRun(twin, { ...synthetic, manifest: { ...synthetic.manifest, runId: "synthetic-twin" } });
    const repeated = await run("--run", complete, "--escalate-run", twin, ...strategies);
    expect(repeated).toMatchObject({ code: 2, stdout: "" });
    expect(repeated.stderr).toBe(
      `mull: --escalate-run ${twin} recorded the model of --run (synthetic, the same model synthetic as run ` +
        "synthetic-5); expected a run of a larger model than --run's, which cascades escalate to\n",
    );
  });
});

const aime24 = resolve(
  import.meta.dirname,
  "../../../../../../shared/data/replay/qwen3-1.7b-aime24-128.jsonl",
);
if (!existsSync(aime24)) console.warn(`skipping the mull replay --shuffle python check: ${aime24} is absent`);

describe.skipIf(!existsSync(aime24))(
  "mull replay --shuffle python (../shared/data/replay, skipped when absent)",
  () => {
    const argv = [
      "--format",
      "qwen3-probes",
      "--samples",
      aime24,
      "--strategies",
      "maj@64,asc@64,esc@64w8",
      "--shuffle",
      "python",
      "--shuffles",
      "20",
    ];

    it("prints the reference figures of ../shared/data/README.md on random.Random(0…19)'s draws", async () => {
      const { code, stdout } = await run(...argv);
      expect(code).toBe(0);
      expect(stdout).toContain("averaged over 20 shuffles by Python's random.Random(s), s = 0…19");
      // Accuracy % and mean tokens per problem: 72.50 / 1,026.6k, 72.33 / 469.6k, 72.50 / 908.1k.
      const reference = {
        "maj@64": ["72.5", "1026.6"],
        "asc@64": ["72.3", "469.6"],
        "esc@64w8": ["72.5", "908.1"],
      };
      for (const [strategy, [accuracy, thousands]] of Object.entries(reference)) {
        const row = new RegExp(`^${strategy}\\s+(\\S+)\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\d+)\\s`, "m").exec(
          stdout,
        );
        expect(row?.[1], `${strategy} accuracy`).toBe(accuracy);
        expect((Number(row?.[2]) / 1000).toFixed(1), `${strategy} tokens (k)`).toBe(thousands);
      }
      const json = JSON.parse((await run(...argv, "--json")).stdout);
      expect(json.shuffle).toBe("python");
      expect(
        json.evaluations.map((evaluation: { accuracy: { accuracy: number } }) =>
          (evaluation.accuracy.accuracy * 100).toFixed(2),
        ),
      ).toEqual(["72.50", "72.33", "72.50"]);
    });

    it("gives a strategy the same interval wherever it stands in --strategies", async () => {
      const alone = JSON.parse((await run(...argv.slice(0, 4), "--strategies", "maj@64", "--json")).stdout);
      const second = JSON.parse(
        (await run(...argv.slice(0, 4), "--strategies", "sc@64,maj@64", "--json")).stdout,
      );
      expect(second.evaluations[1].accuracy).toEqual(alone.evaluations[0].accuracy);
      expect(second.evaluations[0].accuracy).toEqual(alone.evaluations[0].accuracy);
    });

    it("refuses to pair two benchmarks' problems that share ids, for cascades and greedy traces", async () => {
      const aime25 = aime24.replace("aime24", "aime25");
      const cascade = await run(
        ...argv.slice(0, 4),
        "--escalate-samples",
        aime25,
        "--strategies",
        "cascade@4x8t1",
        "--json",
      );
      expect(cascade.code).toBe(2);
      expect(cascade.stdout).toBe("");
      expect(cascade.stderr).toContain(
        `escalation: problem "0" has gold "204" in ${aime24}:1 but gold "70" in ${aime25}:1 (and 29 more`,
      );
      const greedy = await run(...argv.slice(0, 4), "--greedy-samples", aime25, "--strategies", "mass@8g");
      expect(greedy.code).toBe(2);
      expect(greedy.stderr).toContain(`openings: problem "0" has gold "204" in ${aime24}:1 but gold "70"`);
    });

    it("refuses --greedy-samples with several samples per problem, naming the file, problem and count", async () => {
      const greedy = await run(...argv.slice(0, 4), "--greedy-samples", aime24, "--strategies", "mass@8g");
      expect(greedy.code).toBe(2);
      expect(greedy.stderr).toContain(
        `openings: problem "0" has 128 samples in ${aime24}:1, but the greedy trace is one sample per problem`,
      );
    });

    it("refuses --shuffle python without --shuffles, and an unknown shuffle", async () => {
      const alone = await run(...argv.slice(0, -2));
      expect(alone.code).toBe(2);
      expect(alone.stderr).toContain("--shuffle python draws at random: give the number of --shuffles too");
      const numpy = await run("--samples", samples, "--shuffle", "numpy", "--shuffles", "2");
      expect(numpy.code).toBe(2);
      expect(numpy.stderr).toMatch(/--shuffle <kind>.*'numpy'.*mull, python/);
    });
  },
);

describe("mull replay --run: what it reads and says", () => {
  const synthetic = syntheticRun({ seed: 6, problems: 12 });
  const stored = join(folder, "read-run");
  beforeAll(async () => {
    await storeRun(stored, synthetic);
  });

  it("says the run's own grading stands and the answer format only groups the answers", async () => {
    const argv = ["--run", stored, "--strategy", "sc@4", "--strategies", "maj@4"];
    const plain = await run(...argv);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("; answers graded as the run recorded them, grouped as auto;");
    expect(plain.stdout).not.toContain("answers graded as auto");
    const exact = await run(...argv, "--answer-format", "exact");
    expect(exact.stdout).toContain("; answers graded as the run recorded them, grouped as exact;");
    // A file of samples beside the run is graded by the format: the title says so as before.
    const escalated = await run(...argv, "--escalate-samples", samples);
    expect(escalated.stdout).toContain("; answers graded as auto;");
  });

  it("refuses an empty --store rather than reading a directory of that name (exit 2)", async () => {
    for (const argv of [
      ["--run", stored, "--strategy", "sc@4"],
      ["--run", stored, "--strategy", "sc@4", "--escalate-run", stored, "--strategies", "cascade@4t1"],
    ]) {
      const refused = await run(...argv, "--store", "");
      expect(refused).toMatchObject({ code: 2, stdout: "" });
      expect(refused.stderr).toBe(
        'mull: --store "": expected a PostgreSQL URL such as postgres://user:password@host:5432/database ' +
          "(leave --store out for a run directory)\n",
      );
    }
  });

  it("names the runs of a --search output given to --run or --escalate-run (exit 2)", async () => {
    const search = join(folder, "replay-search");
    for (const stage of ["round-1", "holdout-1-1"]) mkdirSync(join(search, stage), { recursive: true });
    const stages = `${join(search, "round-1")}, ${join(search, "holdout-1-1")}`;
    const direct = await run("--run", search);
    expect(direct).toMatchObject({ code: 2, stdout: "" });
    expect(direct.stderr).toBe(
      `mull: --run ${JSON.stringify(search)} is a mull bench --search output, not a run; replay one of its runs: ${stages}\n`,
    );
    const escalated = await run(
      ...["--run", stored, "--strategy", "sc@4", "--escalate-run", search, "--strategies", "cascade@4t1"],
    );
    expect(escalated.code).toBe(2);
    expect(escalated.stderr).toContain(
      `mull: --escalate-run ${JSON.stringify(search)} is a mull bench --search output`,
    );
  });
});
