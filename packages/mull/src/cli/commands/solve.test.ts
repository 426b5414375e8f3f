import { execFile } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { labOutcomeChecker, labProcessReward } from "../../lab/index.ts";
import type { Strategy } from "../../spec/index.ts";
import { findStrategyEntry, parseStrategySpec, strategyCatalog } from "../../strategies/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";
import { checkCountAgrees, strategyWithCount } from "./solve.ts";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../../../cli/bin/mull.js", import.meta.url));

async function mull(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}

describe("mull solve against an OpenAI-compatible server", () => {
  let server: FakeOpenAIServer;

  beforeAll(async () => {
    // Five of eight samples answer 42: the majority answer is 42 whatever the order.
    const texts = ["#### 42", "#### 41", "#### 42", "#### 40", "#### 42", "#### 41", "#### 42", "#### 42"];
    server = await startFakeOpenAIServer({
      models: ["fake-model", "m", "lab-large"],
      handler: (request) => ({
        choices: texts.slice(0, request.n).map((text) => ({ tokens: ["The answer ", "is:\n", text] })),
        usage: { promptTokens: 17, completionTokens: 3 * request.n },
      }),
    });
  });
  afterAll(async () => server.close());

  /** `mull solve "What is 6 times 7?"` on the fake server's `fake-model`, with `flags`. */
  const solveOnFake = (...flags: string[]) =>
    mull(["solve", "What is 6 times 7?", "--base-url", server.url, "--model", "fake-model", ...flags]);

  it("returns the majority answer with usage summed over all samples", async () => {
    const result = await solveOnFake("--strategy", "sc@8", "--json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as {
      answer: string;
      strategy: string;
      stoppedBy: string;
      candidates: { answer: string }[];
      usage: { promptTokens: number; completionTokens: number; totalTokens: number; calls: number };
    };
    expect(output.answer).toBe("42");
    expect(output.strategy).toBe("sc@8");
    expect(output.stoppedBy).toBe("complete");
    expect(output.candidates.map((candidate) => candidate.answer).sort()).toEqual(
      ["40", "41", "41", "42", "42", "42", "42", "42"].sort(),
    );
    // The backend's one-token capability probe is not part of the run's usage.
    const calls = server.requests.filter(
      (request) => request.endpoint === "chat" && request.body?.max_tokens !== 1,
    );
    expect(output.usage.calls).toBe(calls.length);
    expect(output.usage.promptTokens).toBe(17 * calls.length);
    expect(output.usage.completionTokens).toBe(24);
    expect(output.usage.totalTokens).toBe(output.usage.promptTokens + 24);
  });

  it("warns when every sample ran out of tokens, since the answer was read from cut text", async () => {
    const cutServer = await startFakeOpenAIServer({
      handler: (request) => ({
        choices: Array.from({ length: request.n }, () => ({ tokens: ["\n305+"], finishReason: "length" })),
      }),
    });
    try {
      const cut = await mull(["solve", "305+512=?", "--base-url", cutServer.url, "--model", "fake-model"]);
      expect(cut.code).toBe(0);
      expect(cut.stdout).toBe("305\n");
      expect(cut.stderr).toContain(
        "mull: warning: all 8 samples stopped at the token limit before finishing (finish reason length)",
      );
    } finally {
      await cutServer.close();
    }
    // Samples that finished raise no warning (the first test checks that stderr is empty).
  });

  it("runs an adaptive wrapper around a probability-weighted vote, stopping a unanimous run early", async () => {
    const result = await solveOnFake("--strategy", "asc(wv-prob@8)", "--json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as {
      answer: string;
      strategy: string;
      stoppedBy: string;
      candidates: { answer: string }[];
    };
    // A round of one sample gets the server's first text, 42, every time: four agree and it stops.
    expect(output).toMatchObject({
      answer: "42",
      strategy: "asc(wv-prob@8)",
      stoppedBy: "condition:adaptive-consistency",
    });
    expect(output.candidates).toHaveLength(4);
  });

  it("exits with 2 and names the flag on bad usage", async () => {
    const result = await mull(["solve", "2+2?", "--base-url", server.url, "--model", "m", "--n", "zero"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--n/);
    expect(result.stderr).toMatch(/zero/);
    const unknownStrategy = await mull([
      "solve",
      "2+2?",
      "--base-url",
      server.url,
      "--model",
      "m",
      "-s",
      "best@3",
    ]);
    expect(unknownStrategy.code).toBe(2);
    expect(unknownStrategy.stderr).toMatch(/best@3/);
  });

  it("writes --trace, over an earlier trace too, and refuses a path it cannot write before any request", async () => {
    const folder = mkdtempSync(join(tmpdir(), "mull-solve-trace-"));
    try {
      const trace = join(folder, "new", "trace.json");
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const written = await solveOnFake("--strategy", "sc@2", "--trace", trace);
        expect(written.code).toBe(0);
        expect(JSON.parse(readFileSync(trace, "utf8"))).toMatchObject({ strategy: "sc@2" });
      }
      const requests = server.requests.length;
      const notes = join(folder, "notes.txt");
      writeFileSync(notes, "keep me");
      for (const [path, expected] of [
        [
          folder,
          `mull: --trace ${JSON.stringify(folder)}: that is a directory; give the path of the file to write, e.g. ${join(folder, "trace.json")}\n`,
        ],
        [
          notes,
          `mull: --trace ${JSON.stringify(notes)}: the file exists and holds something else, not a mull solve trace; mull replaces only its own earlier output: give another path\n`,
        ],
        [
          join(notes, "trace.json"),
          `mull: --trace ${JSON.stringify(join(notes, "trace.json"))}: ${notes} is a file, not a directory; give a path under a directory\n`,
        ],
      ] as const) {
        const refused = await solveOnFake("--strategy", "sc@2", "--trace", path);
        expect(refused.code, path).toBe(2);
        expect(refused.stdout).toBe("");
        expect(refused.stderr).toBe(expected);
      }
      expect(server.requests.length).toBe(requests);
      expect(readFileSync(notes, "utf8")).toBe("keep me");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("refuses a --trace that is a symbolic link (to a trace, or dangling) before any request, as report --out does", async () => {
    const folder = mkdtempSync(join(tmpdir(), "mull-solve-trace-link-"));
    try {
      const target = join(folder, "target.json");
      const earlier = '{\n  "strategy": "sc@8",\n  "events": []\n}\n';
      writeFileSync(target, earlier);
      const toTrace = join(folder, "to-trace.json");
      symlinkSync(target, toTrace);
      const dangling = join(folder, "dangling.json");
      symlinkSync(join(folder, "nowhere.json"), dangling);
      const requests = server.requests.length;
      for (const link of [toTrace, dangling]) {
        const refused = await solveOnFake("--strategy", "sc@2", "--trace", link);
        expect(refused.code, link).toBe(2);
        expect(refused.stdout).toBe("");
        expect(refused.stderr).toBe(
          `mull: --trace ${JSON.stringify(link)}: ${link} is a symbolic link; mull does not write through links, give the real path\n`,
        );
        expect(lstatSync(link).isSymbolicLink()).toBe(true);
      }
      expect(server.requests.length).toBe(requests);
      expect(readFileSync(target, "utf8")).toBe(earlier);
      expect(existsSync(join(folder, "nowhere.json"))).toBe(false);
      // The name of a descriptor is a link too, the kernel's: the trace is written at it.
      const toStandardOutput = await solveOnFake("--strategy", "sc@2", "--trace", "/dev/stdout");
      expect(toStandardOutput.code).toBe(0);
      expect(
        JSON.parse(toStandardOutput.stdout.slice(0, toStandardOutput.stdout.lastIndexOf("}") + 1)),
      ).toMatchObject({
        strategy: "sc@2",
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("exits with 1 when the server fails", async () => {
    const result = await mull([
      "solve",
      "2+2?",
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--model",
      "m",
      "--retries",
      "0",
      "--json",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/127\.0\.0\.1:9/);
  });

  it("says why when there is no answer: accept@N whose judge accepted none", async () => {
    // The fake answers the judge's prompts with a solution, not a verdict: it accepts nothing.
    const result = await solveOnFake("--strategy", "accept@2", "--scorer", "judge");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("(no answer)\n");
    expect(result.stderr).toContain("accept@2 on fake-model: 2 candidates");
    expect(result.stderr).toContain(
      "  note: accept@2: the verifier judge:fake-model accepted none of 2 samples at 0.5; abstaining\n",
    );
  });

  it("refuses the lab's step checkers for a model that answers other questions, and has no PRM to offer", async () => {
    for (const prm of ["exact", "noisy:0.1,0.1", "calibrated-noisy:0.1,0.1"]) {
      const result = await solveOnFake("--strategy", "pf@4", "--prm", prm);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `mull: --prm ${prm} checks the steps of lab arithmetic problems only; use --prm self, judge or a PRM URL\n`,
      );
    }
    const unnamed = await solveOnFake("--strategy", "pf@4");
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain(
      'strategy: "pf@4" is a step-level search and needs a process reward model',
    );
  });

  it("checks a lab model's steps with the lab's step checker unless told otherwise", async () => {
    const lab = (...flags: string[]) =>
      mull(["solve", "37+48-19=?", "--base-url", server.url, "--model", "lab-large", "--json", ...flags]);
    const scorersOf = (stdout: string) => {
      const output = JSON.parse(stdout) as { candidates: { scores: { scorer: string }[] }[] };
      return new Set(output.candidates.flatMap((candidate) => candidate.scores.map((score) => score.scorer)));
    };
    const unnamed = await lab("--strategy", "pf@2");
    expect(unnamed.stderr).toBe("");
    expect(scorersOf(unnamed.stdout)).toContain("lab-step-checker");
    const noisy = await lab("--strategy", "pf@2", "--prm", "noisy:0.2,0.1");
    expect(noisy.stderr).toBe("");
    expect(scorersOf(noisy.stdout)).toContain("noisy(lab-step-checker,fp=0.2,fn=0.1)");
  });
});

/** The strategy `mull solve --strategy SPEC [--n COUNT]` runs, built with the lab's scorer and PRM. */
function strategyFromFlags(spec: string, count?: number): Strategy {
  const completed = strategyWithCount(spec, count);
  const strategy = parseStrategySpec(completed, {
    scorer: labOutcomeChecker(),
    prm: labProcessReward(),
    resolveModel: () => createScriptedBackend({ responses: ["#### 1"] }),
  });
  checkCountAgrees(completed, strategy, count);
  return strategy;
}

/** The error that building `spec` with `--n count` throws. */
function refusal(spec: string, count?: number): ConfigError {
  try {
    strategyFromFlags(spec, count);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`--strategy ${spec} --n ${count} was accepted`);
}

describe("strategyWithCount and checkCountAgrees", () => {
  it("applies --n to specs without a count and refuses contradictions", () => {
    expect(strategyWithCount("sc", undefined)).toBe("sc@8");
    expect(strategyWithCount("bon", 4)).toBe("bon@4");
    expect(strategyWithCount("maj", 4)).toBe("maj@4");
    expect(strategyFromFlags("sc@16", 16).name).toBe("sc@16");
    expect(refusal("sc@16", 4).message).toBe(
      "--n 4 contradicts --strategy sc@16, which draws 16 samples; give the count once",
    );
    expect(() => strategyWithCount("greedy", 4)).toThrow(/does not apply/);
    expect(strategyWithCount("greedy", 1)).toBe("greedy");
  });

  it("accepts an --n equal to the samples of a spec whose count is followed by other numbers", () => {
    const agreeing: [string, number][] = [
      ["esc@16w4", 16],
      ["pasc@16f4", 16],
      ["mass@8g", 8],
      ["probe@8k2", 8],
      ["tot-bfs@4x3", 12],
      ["beam@16x4", 16],
    ];
    for (const [spec, count] of agreeing) {
      expect(strategyWithCount(spec, count)).toBe(spec);
      expect(strategyFromFlags(spec, count).samples).toBe(count);
    }
  });

  it("refuses an --n that differs from such a spec's samples, naming both", () => {
    const differing: [string, number, string][] = [
      ["esc@16w4", 4, "16 samples"],
      ["pasc@16f4", 4, "16 samples"],
      ["mass@8g", 16, "8 samples"],
      ["probe@8k2", 2, "8 samples"],
      ["tot-bfs@4x3", 4, "12 samples"],
      ["bild@0.5:small>large", 8, "1 sample"],
    ];
    for (const [spec, count, draws] of differing) {
      const error = refusal(spec, count);
      expect(error.field).toBe("--n");
      expect(error.message).toBe(
        `--n ${count} contradicts --strategy ${spec}, which draws ${draws}; give the count once`,
      );
    }
  });

  it("refuses to complete a family whose form takes more than a single N", () => {
    for (const [spec, forms] of [
      ["beam", "beam@NxM"],
      ["esc", "esc@NwW"],
      ["probe", "probe@NkK, probe@NkKmM"],
      ["force", "force@T, force@NxT"],
    ] as const) {
      const error = refusal(spec, 4);
      expect(error.field).toBe("--strategy");
      expect(error.message).toBe(
        `--strategy ${spec} needs its numbers written out (${forms}); --n 4 completes only a form that takes a single N, like sc@N`,
      );
      expect(refusal(spec).message).toBe(`--strategy ${spec} needs its numbers written out (${forms})`);
    }
  });

  it("completes every family whose form takes a single N into a strategy drawing --n samples", () => {
    const families = strategyCatalog.flatMap((entry) =>
      entry.forms.filter((form) => /^[a-z-]+@N$/.test(form)).map((form) => form.slice(0, -2)),
    );
    expect(families).toEqual(expect.arrayContaining(["sc", "maj", "bon", "pasc", "mass", "cascade", "pf"]));
    for (const family of families) {
      const route = findStrategyEntry(`${family}@5`)?.entry.needs.includes("models") ? ":small>large" : "";
      const strategy = strategyFromFlags(`${family}${route}`, 5);
      expect([family, strategy.samples]).toEqual([family, 5]);
    }
  });

  it("keeps a model route after the count", () => {
    expect(strategyWithCount("cascade:lab-small>lab-large", 4)).toBe("cascade@4:lab-small>lab-large");
    expect(strategyFromFlags("cascade@8:a>b", 8).name).toBe("cascade@8");
    expect(refusal("cascade@8:a>b", 4).message).toMatch(/^--n 4 contradicts --strategy cascade@8:a>b/);
  });

  it("checks --n against an adaptive wrapper's inner count", () => {
    expect(strategyWithCount("asc(bon@8)", 8)).toBe("asc(bon@8)");
    expect(strategyFromFlags("asc(bon@8)", 8).name).toBe("asc(bon@8)");
    expect(refusal("esc(wv@16)w4", 4).message).toBe(
      "--n 4 contradicts --strategy esc(wv@16)w4, which draws 16 samples; give the count once",
    );
  });

  it("leaves specs it cannot read to the spec parser", () => {
    expect(strategyWithCount("beamish", 4)).toBe("beamish");
    expect(strategyWithCount("beam@16", 4)).toBe("beam@16");
    expect(refusal("beam@16", 4).message).toMatch(/malformed search spec "beam@16"/);
  });
});

describe("mull solve --n against the spec", () => {
  it("refuses a contradicting --n before it loads the model", async () => {
    const missing = fileURLToPath(new URL("./no-such-model.gguf", import.meta.url));
    const result = await mull(["solve", "1+1=?", "--n", "4", "--strategy", "sc@16", "--model", missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "mull: --n 4 contradicts --strategy sc@16, which draws 16 samples; give the count once\n",
    );
    // With an --n that agrees, the same command gets as far as the model.
    const agreeing = await mull(["solve", "1+1=?", "--n", "16", "--strategy", "sc@16", "--model", missing]);
    expect(agreeing.code).not.toBe(0);
    expect(agreeing.stderr).toContain(`model file ${missing} does not exist`);
  });

  it("refuses several samples at --temperature 0 before it loads the model, naming the flag", async () => {
    const missing = fileURLToPath(new URL("./no-such-model.gguf", import.meta.url));
    const result = await mull([
      "solve",
      "1+1=?",
      "--strategy",
      "sc@4",
      "--temperature",
      "0",
      "--model",
      missing,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "mull: --temperature must be above 0 for strategy sc@4, got 0: it draws 4 samples, and at temperature 0 " +
        "they would all be the same. Use a temperature above 0, or the greedy strategy\n",
    );
    // One sample at temperature 0 is greedy decoding: the same command gets as far as the model.
    const greedy = await mull([
      "solve",
      "1+1=?",
      "--strategy",
      "greedy",
      "--temperature",
      "0",
      "--model",
      missing,
    ]);
    expect(greedy.stderr).toContain(`model file ${missing} does not exist`);
  });

  it("refuses a mistyped --strategy before it loads the model, naming the flag", async () => {
    const missing = fileURLToPath(new URL("./no-such-model.gguf", import.meta.url));
    const result = await mull(["solve", "1+1=?", "--strategy", "scc@4", "--model", missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mull: --strategy: unknown spec "scc@4"; expected one of greedy, /);
    expect(result.stderr).not.toContain("does not exist");
  });

  it("refuses a contradicting --n before it loads the models of a route", async () => {
    const result = await mull([
      "solve",
      "1+1=?",
      "--n",
      "4",
      "--strategy",
      "cascade@8x16:no-such-small>no-such-large",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "mull: --n 4 contradicts --strategy cascade@8x16:no-such-small>no-such-large, which draws 16 samples; give the count once\n",
    );
  });
});

describe("mull solve: refusals name the flag the user typed", () => {
  // Nothing listens there: a refusal made before any request is the only answer possible.
  const deadServer = "http://127.0.0.1:9/v1";

  it("names --answer-format and lists the formats for an unknown one (exit 2)", async () => {
    const refused = await runCliCaptured("solve", "1+1=?", "--answer-format", "nosuch");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("option '--answer-format <name>' argument 'nosuch' is invalid");
    expect(refused.stderr).toContain("auto, numeric, math, date, choice, exact, text");
    expect(refused.stderr).not.toContain("answer format:");
  });

  it("names --prm-api-key-env for an HTTP PRM's unset key variable (exit 2)", async () => {
    const variable = "MULL_TEST_UNSET_SOLVE_PRM_KEY";
    delete process.env[variable];
    const refused = await runCliCaptured(
      ...["solve", "1+1=?", "--base-url", deadServer, "--model", "m", "--strategy", "pf@2"],
      ...["--prm", "http://127.0.0.1:9/v1", "--prm-api-key-env", variable],
    );
    expect(refused).toMatchObject({ code: 2, stdout: "" });
    expect(refused.stderr).toBe(
      `mull: --prm-api-key-env names ${variable}, which is not set in the environment\n`,
    );
  });

  it("names --draft-model for a draft model that is not one (exit 2)", async () => {
    const refused = await runCliCaptured("solve", "1+1=?", "--strategy", "greedy", "--draft-model", "nosuch");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^mull: --draft-model: unknown model "nosuch": expected one of /);
  });

  it.each([
    [
      "asc(beam@4x2)",
      '"asc(beam@4x2)" wraps "beam@4x2", a step-level search, which builds its answer step by step',
    ],
    ["cascade@8t0", '"cascade@8t0" gives T = 0 in cascade@NtT; expected a number above 0 and at most 1'],
    ["asc@8t0", '"asc@8t0" gives T = 0 in asc@NtT; expected a number above 0 and at most 1'],
    ["asc(sc@8)t0", '"asc(sc@8)t0" gives T = 0 in asc(INNER)tT; expected a number above 0 and at most 1'],
    [
      "deepconf@8:e10",
      '":e10" in "deepconf@8:e10" is an option of mull replay (over recorded samples), not of a live strategy',
    ],
  ])("names --strategy for a spec it refuses before any request: %s (exit 2)", async (spec, message) => {
    const refused = await runCliCaptured(
      ...["solve", "1+1=?", "--base-url", deadServer, "--model", "m", "--strategy", spec],
    );
    expect(refused).toMatchObject({ code: 2, stdout: "" });
    expect(refused.stderr).toMatch(/^mull: --strategy: /);
    expect(refused.stderr).toContain(message);
  });

  describe("with a server that serves the models a route names", () => {
    let server: FakeOpenAIServer;
    beforeAll(async () => {
      server = await startFakeOpenAIServer({
        models: ["small-model", "big-model", "third-model"],
        handler: () => ({ choices: [{ text: "#### 2" }], usage: { promptTokens: 5, completionTokens: 2 } }),
      });
    });
    afterAll(async () => server.close());

    const threeModels = "small-model>big-model>third-model";
    it.each([
      [
        ["--small-model", "small-model", "--strategy", "cascade@8t2"],
        '"cascade@8t2" gives T = 2 in cascade@NtT; expected a number above 0 and at most 1',
      ],
      [
        ["--small-model", "small-model", "--strategy", "bild@2x0.1"],
        '"bild@2x0.1" gives A = 2 in bild@AxB; expected a number above 0 and at most 1',
      ],
      [
        ["--strategy", `bild@0.7x0.1:${threeModels}`],
        `"bild@0.7x0.1:${threeModels}": bigLittleDecoder: models must be exactly two, the small model then the ` +
          `large one (lab-small>lab-large), got 3 (${threeModels}); only a cascade routes through more models (cascade@8:a>b>c)`,
      ],
      [
        ["--strategy", "esc(bon@8)w16"],
        '"esc(bon@8)w16": earlyStoppingConsistency: window must be an integer from 1 to 8, got 16',
      ],
    ])("names --strategy for a spec its models cannot run, before any is loaded: %j (exit 2)", async (flags, message) => {
      const before = server.requests.length;
      const refused = await runCliCaptured(
        ...["solve", "1+1=?", "--base-url", server.url, "--model", "big-model", ...flags],
      );
      expect(refused).toMatchObject({ code: 2, stdout: "" });
      expect(refused.stderr).toBe(`mull: --strategy: ${message}\n`);
      // Not even the server's model list was asked for: no backend was made.
      expect(server.requests.slice(before)).toEqual([]);
    });
  });
});
