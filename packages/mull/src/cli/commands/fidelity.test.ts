import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

/** A loopback port nothing listens on: one the system gave out, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

afterEach(() => vi.restoreAllMocks());

describe("mull fidelity", () => {
  it("refuses a bad backend spec with usage code 2, naming the flag", async () => {
    const run = await runCliCaptured(
      "fidelity",
      "--reference",
      "lab-large",
      "--candidate",
      "http://127.0.0.1:9/v1#",
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--candidate: "http://127.0.0.1:9/v1#" names no model after #');
  });

  it("refuses --top-k and --alpha out of range with usage code 2, naming the flag, value and range", async () => {
    const topK = await runCliCaptured(
      "fidelity",
      "--reference",
      "lab-large",
      "--candidate",
      "lab-large",
      "--top-k",
      "0",
    );
    expect(topK.code).toBe(2);
    expect(topK.stderr).toContain("--top-k <count>' argument '0' is invalid");
    expect(topK.stderr).toContain("expected an integer from 1 to 100");
    const alpha = await runCliCaptured(
      "fidelity",
      "--reference",
      "lab-large",
      "--candidate",
      "lab-large",
      "--alpha",
      "0.9",
    );
    expect(alpha.code).toBe(2);
    expect(alpha.stderr).toContain("--alpha <value>' argument '0.9' is invalid");
    expect(alpha.stderr).toContain("to 0.5");
  });

  it("needs both backends", async () => {
    const run = await runCliCaptured("fidelity", "--reference", "lab-large");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--candidate");
  });

  it("reads the built-in datasets from --data-dir, the flag its refusal of a missing file names", async () => {
    const folder = mkdtempSync(join(tmpdir(), "mull-fidelity-data-"));
    try {
      const run = await runCliCaptured(
        ...["fidelity", "--reference", "lab-large", "--candidate", "lab-large"],
        ...["--problems", "gsm8k", "--data-dir", folder],
      );
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toMatch(
        new RegExp(
          `^mull: --problems gsm8k: no file gsm8k-test\\.jsonl in ${folder.replaceAll(".", "\\.")};`,
        ),
      );
      expect(run.stderr).toContain("--data-dir <dir> picks the folder that holds them\n");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("refuses a --data-dir it would ignore, a generated dataset's, before any model loads", async () => {
    const run = await runCliCaptured(
      ...["fidelity", "--reference", "lab-large", "--candidate", "lab-large"],
      ...["--problems", "lab:hard", "--data-dir", "/data"],
    );
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain(
      "--data-dir /data applies to the built-in datasets (gsm8k, math500, aime24) only; lab:hard is generated",
    );
  });

  it("names --problems, not the loader's --dataset, for a dataset it cannot load (exit 2)", async () => {
    const unknown = await runCliCaptured(
      ...["fidelity", "--reference", "lab-large", "--candidate", "lab-large", "--problems", "nosuch"],
    );
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr).toMatch(/^mull: --problems nosuch: unknown dataset "nosuch"; expected gsm8k, /);
    expect(unknown.stderr).not.toContain("--dataset");
    const lab = await runCliCaptured(
      ...["fidelity", "--reference", "lab-large", "--candidate", "lab-large", "--problems", "lab:9"],
    );
    expect(lab.code).toBe(2);
    expect(lab.stderr).toMatch(/^mull: --problems lab:9: not a lab dataset; expected one of lab:1, /);
    const file = await runCliCaptured(
      ...["fidelity", "--reference", "lab-large", "--candidate", "lab-large", "--problems", "./absent.jsonl"],
    );
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(
      /^mull: --problems \.\/absent\.jsonl: .*absent\.jsonl: cannot read the dataset/,
    );
  });

  it("names --candidate or --reference, not --model, for a model the server does not serve (exit 2)", async () => {
    const server = await startFakeOpenAIServer({ model: "lab-large" });
    try {
      const candidate = await runCliCaptured(
        ...["fidelity", "--reference", `${server.url}#lab-large`, "--candidate", `${server.url}#nosuch`],
      );
      expect(candidate).toMatchObject({ code: 2, stdout: "" });
      expect(candidate.stderr).toBe(
        `mull: --candidate: ${server.url} does not serve "nosuch"; it serves lab-large\n`,
      );
      const reference = await runCliCaptured(
        ...["fidelity", "--reference", `${server.url}#nosuch`, "--candidate", `${server.url}#lab-large`],
      );
      expect(reference).toMatchObject({ code: 2, stdout: "" });
      expect(reference.stderr).toBe(
        `mull: --reference: ${server.url} does not serve "nosuch"; it serves lab-large\n`,
      );
    } finally {
      await server.close();
    }
  });

  it("names the flag and the spec, and asks for the model after #, when a server without #model is down (exit 1)", async () => {
    const server = await startFakeOpenAIServer({ model: "lab-large" });
    const down = `http://127.0.0.1:${await closedPort()}/v1`;
    try {
      const run = await runCliCaptured(
        ...["fidelity", "--reference", `${server.url}#lab-large`, "--candidate", down],
      );
      expect(run).toMatchObject({ code: 1, stdout: "" });
      expect(run.stderr).toMatch(
        new RegExp(
          `^mull: --candidate ${down}: could not list the models of ${down} to choose one: .*ECONNREFUSED.*; ` +
            `give the model after '#': --candidate ${down}#MODEL\n$`,
        ),
      );
      expect(run.stderr).not.toContain("--model");
    } finally {
      await server.close();
    }
  });

  it("refuses a reference that cannot score before any check runs, naming --reference and the capability (exit 2)", async () => {
    const server = await startFakeOpenAIServer({ model: "lab-large" });
    try {
      const reference = `${server.url}#lab-large`;
      const run = await runCliCaptured(
        ...["fidelity", "--reference", reference, "--candidate", `${server.url}#lab-large`],
        ...["--limit", "1", "--max-tokens", "16"],
      );
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toBe(
        `mull: --reference ${reference}: the fidelity sampling check needs the backend capability "score" ` +
          "(it scores each of the candidate's samples on the reference), which the openai-compatible backend " +
          `at ${server.url} (model lab-large) does not have; give a reference that can score: an embedded ` +
          "model (lab-large, a .gguf path)\n",
      );
      // Only the capability probes reached the server: no greedy continuation, no sample.
      const generations = server.requests.filter((request) => request.endpoint !== "models");
      expect(generations.length).toBeGreaterThan(0);
      expect(generations.map((request) => request.body?.max_tokens)).toEqual(generations.map(() => 1));
    } finally {
      await server.close();
    }
  });

  it("names the flag and the spec when the capabilities probe of a server fails (exit 1)", async () => {
    const server = await startFakeOpenAIServer({ model: "lab-large" });
    const down = `http://127.0.0.1:${await closedPort()}/v1#lab-large`;
    try {
      const run = await runCliCaptured(
        ...["fidelity", "--reference", `${server.url}#lab-large`, "--candidate", down],
      );
      expect(run).toMatchObject({ code: 1, stdout: "" });
      const prefix = `mull: --candidate ${down}: probing capabilities: POST `;
      expect(run.stderr.slice(0, prefix.length)).toBe(prefix);
    } finally {
      await server.close();
    }
  });
});
