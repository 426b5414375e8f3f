import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { strategyWithCount } from "./solve.ts";

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
});

describe("strategyWithCount", () => {
  it("applies --n to specs without a count and refuses contradictions", () => {
    expect(strategyWithCount("sc", undefined)).toBe("sc@8");
    expect(strategyWithCount("bon", 4)).toBe("bon@4");
    expect(strategyWithCount("sc@16", 16)).toBe("sc@16");
    expect(() => strategyWithCount("sc@16", 4)).toThrow(/--n 4 contradicts/);
    expect(() => strategyWithCount("greedy", 4)).toThrow(/does not apply/);
  });

  it("keeps a model route after the count", () => {
    expect(strategyWithCount("cascade:lab-small>lab-large", 4)).toBe("cascade@4:lab-small>lab-large");
    expect(strategyWithCount("cascade@8:a>b", 8)).toBe("cascade@8:a>b");
    expect(() => strategyWithCount("cascade@8:a>b", 4)).toThrow(/--n 4 contradicts/);
  });
});
