import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

/** An embedded model file that does not exist: a command that gets as far as loading the model says so. */
const missing = fileURLToPath(new URL("./no-such-model.gguf", import.meta.url));

const scorerForms = "wv@N, bon@N, accept@N";

describe("mull solve with a flag the strategy or the backend would ignore", () => {
  it.each([
    [
      ["--api-key-env", "FOO"],
      "--api-key-env FOO applies to an OpenAI-compatible server (--base-url) only; the embedded backend takes no key",
    ],
    [
      ["--retries", "3"],
      "--retries 3 applies to an OpenAI-compatible server (--base-url) only; the embedded backend sends no HTTP request",
    ],
    [
      ["--timeout", "30"],
      "--timeout 30 applies to an OpenAI-compatible server (--base-url) only; the embedded backend sends no HTTP request",
    ],
    [
      ["--strategy", "pf@4", "--prm-model", "foo"],
      "--prm-model foo applies to an HTTP PRM (--prm URL) only; no --prm was given",
    ],
    [
      ["--strategy", "pf@4", "--prm", "exact", "--prm-api-key-env", "PRM_KEY"],
      "--prm-api-key-env PRM_KEY applies to an HTTP PRM (--prm URL) only; --prm exact is not one",
    ],
    [
      ["--scorer", "lab", "--prm", "exact", "-s", "greedy"],
      `--scorer lab applies to strategies that use an outcome scorer (${scorerForms}); --strategy greedy is not one`,
    ],
    // Written without a count, the spec is named as it runs: with --n.
    [
      ["--scorer", "judge", "-s", "sc", "--n", "4"],
      `--scorer judge applies to strategies that use an outcome scorer (${scorerForms}); --strategy sc@4 is not one`,
    ],
    [
      ["-s", "greedy", "-t", "0.9"],
      "--temperature 0.9 does not apply to greedy, which decodes at temperature 0; -s single draws one sample at --temperature and --top-p",
    ],
    [
      ["-s", "greedy", "--top-p", "0.5"],
      "--top-p 0.5 does not apply to greedy, which decodes at temperature 0; -s single draws one sample at --temperature and --top-p",
    ],
  ])("refuses %j before the model loads (exit 2)", async (flags, message) => {
    const refused = await runCliCaptured("solve", "2+2=?", "--model", missing, ...flags);
    expect(refused).toMatchObject({ code: 2, stdout: "" });
    // Only the refusal: the missing model file was never looked for.
    expect(refused.stderr).toBe(`mull: ${message}\n`);
  });

  it("refuses --prm for a strategy that is no step-level search, naming the ones that are (exit 2)", async () => {
    const refused = await runCliCaptured(
      "solve",
      "2+2=?",
      "--model",
      missing,
      "-s",
      "bon@4",
      "--prm",
      "exact",
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^mull: --prm exact applies to strategies that use a process reward model \(beam@NxM, .*pf@N.*\); --strategy bon@4 is not one\n$/,
    );
  });

  it.each([
    [["-s", "pf@4", "--prm", "exact"]],
    [["-s", "bon@4", "--scorer", "lab"]],
    [["-s", "gen@4+verify+vote", "--scorer", "lab"]],
  ])("takes %j, which the strategy uses, as far as the model", async (flags) => {
    const taken = await runCliCaptured("solve", "2+2=?", "--model", missing, ...flags);
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toContain(`model file ${missing} does not exist`);
  });

  describe("against a server", () => {
    let server: FakeOpenAIServer;
    beforeAll(async () => {
      server = await startFakeOpenAIServer({
        models: ["m"],
        handler: () => ({ choices: [{ text: "#### 4" }], usage: { promptTokens: 5, completionTokens: 2 } }),
      });
    });
    afterAll(async () => server.close());

    it("refuses --prm-model without an HTTP PRM before any request (exit 2)", async () => {
      const before = server.requests.length;
      const refused = await runCliCaptured(
        ...["solve", "2+2=?", "--base-url", server.url, "--model", "m", "-s", "beam@4x2"],
        ...["--prm", "self", "--prm-model", "prm-7b"],
      );
      expect(refused).toMatchObject({ code: 2, stdout: "" });
      expect(refused.stderr).toBe(
        "mull: --prm-model prm-7b applies to an HTTP PRM (--prm URL) only; --prm self is not one\n",
      );
      expect(server.requests.slice(before)).toEqual([]);
    });

    it("takes --api-key-env, --retries and --timeout, which a server uses", async () => {
      process.env.MULL_TEST_SOLVE_UNUSED_FLAGS_KEY = "secret";
      try {
        const taken = await runCliCaptured(
          ...["solve", "2+2=?", "--base-url", server.url, "--model", "m", "-s", "greedy", "--json"],
          ...["--api-key-env", "MULL_TEST_SOLVE_UNUSED_FLAGS_KEY", "--retries", "0", "--timeout", "30"],
        );
        expect(taken.stderr).not.toContain("applies to");
        expect(taken.code).toBe(0);
        expect((JSON.parse(taken.stdout) as { answer: unknown }).answer).toBe("4");
      } finally {
        delete process.env.MULL_TEST_SOLVE_UNUSED_FLAGS_KEY;
      }
    });
  });
});
