import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FidelityReport } from "../../diagnostics/index.ts";
import type { Backend } from "../../spec/index.ts";
import {
  type FakeCompletionReply,
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from "../../testing/index.ts";
import { createBackendFromFlags, type ResolvedBackend } from "../create-backend.ts";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const lab = labModelsUnderTest(["lab-large"]);
if (lab.missing !== undefined) console.log(lab.missing);

/** A number from a request body, or `undefined`. */
function numberField(body: FakeOpenAIRequest["body"], field: string): number | undefined {
  const value = body?.[field];
  return typeof value === "number" ? value : undefined;
}

/**
 * Answers a fake server's text completions with `backend`'s own, honouring the request's sampling fields,
 * and reports the log-probabilities of each token and of its alternatives shifted by `shift` (0: a faithful
 * server of the same model; a shift: the same tokens with other numbers, as a perturbed export gives).
 */
function servedBy(backend: Backend, shift: number) {
  return async (request: FakeOpenAIRequest): Promise<FakeCompletionReply> => {
    const body = request.body;
    const topK = numberField(body, "top_k");
    const topP = numberField(body, "top_p");
    const minP = numberField(body, "min_p");
    const seed = numberField(body, "seed");
    const topLogprobs = numberField(body, "logprobs");
    const result = await backend.generate({
      prompt: { kind: "text", text: request.prompt },
      n: request.n,
      temperature: numberField(body, "temperature") ?? 1,
      maxTokens: numberField(body, "max_tokens") ?? 16,
      logprobs: true,
      ...(topK === undefined ? {} : { topK }),
      ...(topP === undefined ? {} : { topP }),
      ...(minP === undefined ? {} : { minP }),
      ...(seed === undefined ? {} : { seed }),
      ...(topLogprobs === undefined ? {} : { topLogprobs }),
    });
    return {
      choices: result.completions.map((completion) => {
        const tokens = completion.tokens ?? [];
        return {
          tokens: tokens.map((token) => token.token),
          logprobs: tokens.map((token) => token.logprob + shift),
          topLogprobs: tokens.map((token) =>
            (token.topLogprobs ?? []).map((entry) => ({
              token: entry.token,
              logprob: entry.logprob + shift,
            })),
          ),
          finishReason: completion.finishReason === "length" ? "length" : "stop",
        };
      }),
    };
  };
}

describe.skipIf(!lab.present)("mull fidelity against a served copy of the embedded lab model", () => {
  let twin: ResolvedBackend;
  let server: FakeOpenAIServer | undefined;
  beforeAll(async () => {
    twin = await createBackendFromFlags({ model: "lab-large", threads: 1 });
  });
  afterAll(async () => {
    await twin?.dispose();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const fidelity = async (
    shift: number,
    served: { props?: Record<string, unknown>; json?: boolean } = {},
  ) => {
    server = await startFakeOpenAIServer({
      model: "lab-large",
      handler: servedBy(twin.backend, shift),
      ...(served.props === undefined ? {} : { props: served.props }),
    });
    return runCliCaptured(
      "fidelity",
      "--reference",
      "lab-large",
      "--candidate",
      `${server.url}#lab-large`,
      "--limit",
      "1",
      "--samples",
      "8",
      "--max-tokens",
      "16",
      "--threads",
      "1",
      "--top-k",
      "3",
      ...(served.json === false ? [] : ["--json"]),
    );
  };
  const check = (report: FidelityReport, name: string) => report.checks.find((entry) => entry.name === name);

  it("exits 0 with verdict same for a faithful server", async () => {
    const run = await fidelity(0);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as FidelityReport;
    expect(report.verdict).toBe("same");
    for (const name of ["logprobs", "greedy", "sampling"]) expect(check(report, name)?.verdict).toBe("same");
    expect(report.checks.every((entry) => entry.verdict === "same")).toBe(true);
    // Generated and scored logprobs of one engine agree to float noise, well inside the tolerance.
    expect(Number(check(report, "logprobs")?.figures.maxAbsolute)).toBeLessThan(1e-6);
    expect(check(report, "logprobs")?.detail).toContain("top-3 overlap 100.0%");
  }, 120_000);

  it("prints the server's own sampling defaults beside the sampling check, which sent explicit values", async () => {
    // A stock llama-server's /props: what a client that leaves top_k, top_p, min_p out gets.
    const params = { temperature: 0.8, top_k: 40, top_p: 0.95, min_p: 0.05, typical_p: 1, mirostat: 0 };
    const run = await fidelity(0, { props: { default_generation_settings: { params } }, json: false });
    expect(run.stderr).toBe("");
    // The defaults change no verdict: the check asked for the whole distribution, and got it.
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    const sampling = lines.findIndex((line) => line.startsWith("  sampling  same "));
    expect(sampling).toBeGreaterThan(0);
    const indent = " ".repeat(22);
    expect(lines.slice(sampling + 1, sampling + 4)).toEqual([
      `${indent}the sampling check sent temperature 2, top_k 0, top_p 1, min_p 0 explicitly, so no default below applied to it`,
      `${indent}candidate defaults: temperature 0.8, top_k 40, top_p 0.95, min_p 0.05 (llama.cpp GET /props); a ` +
        "client that leaves them out gets a distribution truncated by top_k 40, top_p 0.95 and min_p 0.05, " +
        "reshaped by temperature 0.8",
      `${indent}reference defaults: not reported by the backend`,
    ]);
    expect(lines[sampling + 4]).toMatch(/^ {2}divergence /);
  }, 120_000);

  it("says in --json that a server without /props did not report its defaults", async () => {
    const run = await fidelity(0);
    const report = JSON.parse(run.stdout) as FidelityReport;
    expect(report.samplingDefaults).toEqual({
      sent: { temperature: 2, top_k: 0, top_p: 1, min_p: 0 },
      reference: { truncating: [], reshaping: [], detail: "not reported by the backend" },
      candidate: { truncating: [], reshaping: [], detail: "not reported by the server" },
    });
  }, 120_000);

  it("exits 1 with verdict differs for a server whose logprobs are perturbed, naming the failing check", async () => {
    const run = await fidelity(-0.02);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as FidelityReport;
    expect(report.verdict).toBe("differs");
    expect(check(report, "logprobs")?.verdict).toBe("differs");
    expect(Number(check(report, "logprobs")?.figures.maxAbsolute)).toBeCloseTo(0.02, 6);
    // The tokens are the model's own: only the numbers differ.
    expect(check(report, "greedy")?.verdict).toBe("same");
    expect(check(report, "sampling")?.verdict).toBe("same");
    expect(run.stderr).toContain(
      "mull: fidelity: the candidate differs from the reference (logprobs differs",
    );
  }, 120_000);
});

describe.skipIf(!lab.present)("mull fidelity: problems the models cannot be asked", () => {
  const folder = mkdtempSync(join(tmpdir(), "mull-fidelity-problems-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("refuses chat prompts for a model without a chat template, naming --problems and the backend (exit 2)", async () => {
    // The default template asks in chat messages; the lab models have no chat template.
    const chat = join(folder, "chat.json");
    writeFileSync(
      chat,
      JSON.stringify({
        problems: [{ id: "q1", question: "What is 2+2?", answer: "4" }],
        promptTemplate: "default",
      }),
    );
    const run = await runCliCaptured(
      ...["fidelity", "--reference", "lab-large", "--candidate", "lab-large", "--problems", chat],
      ...["--threads", "1"],
    );
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toBe(
      `mull: --problems ${chat}: its prompts are chat messages, which --reference lab-large cannot take; ` +
        'the lab models answer arithmetic chains such as "37+48-19=?" only: give such a dataset (e.g. lab:hard)\n',
    );
  }, 60_000);

  it("refuses questions the lab's template cannot render, naming --problems and the problem (exit 2)", async () => {
    const words = join(folder, "words.jsonl");
    writeFileSync(words, `${JSON.stringify({ id: "w1", question: "What is two plus two?", answer: "4" })}\n`);
    const run = await runCliCaptured(
      ...["fidelity", "--reference", "lab-large", "--candidate", "lab-large", "--problems", words],
      ...["--threads", "1"],
    );
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(
      run.stderr.startsWith(`mull: --problems ${words}: the prompt format cannot render problem w1: `),
    ).toBe(true);
    expect(run.stderr).toContain("is not a lab chain");
  }, 60_000);
});

describe.skipIf(!lab.present)("mull fidelity: a candidate without log-probabilities", () => {
  it("is refused before any check runs, naming --candidate and the capability (exit 2)", async () => {
    const server = await startFakeOpenAIServer({ model: "lab-large", omitLogprobs: true });
    try {
      const candidate = `${server.url}#lab-large`;
      const run = await runCliCaptured(
        ...["fidelity", "--reference", "lab-large", "--candidate", candidate, "--limit", "1"],
        ...["--threads", "1"],
      );
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toBe(
        `mull: --candidate ${candidate}: the fidelity logprobs check needs the backend capability "logprobs" ` +
          "(a candidate without score is compared through its greedy generation's log-probabilities), which " +
          `the openai-compatible backend at ${server.url} (model lab-large) does not have; give a candidate ` +
          "that can score (an embedded model) or a server that returns log-probabilities\n",
      );
      // Only the capability probe reached the server: without the refusal every check would read no token.
      const generations = server.requests.filter((request) => request.endpoint !== "models");
      expect(generations.map((request) => request.body?.max_tokens)).toEqual(generations.map(() => 1));
    } finally {
      await server.close();
    }
  }, 60_000);
});
