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

  const fidelity = async (shift: number) => {
    server = await startFakeOpenAIServer({ model: "lab-large", handler: servedBy(twin.backend, shift) });
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
      "--json",
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
