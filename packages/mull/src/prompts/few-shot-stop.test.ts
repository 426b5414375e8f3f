import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { sampleCandidates } from "../generation/index.ts";
import { seededRng } from "../runtime/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { loadPromptTemplate } from "./resolve-prompt-template.ts";

const nextQuestion = "\n\nQuestion:";

/** An upstream that goes on as a base model does: after its answer, a question and answer of its own. */
async function baseModelServer(): Promise<FakeOpenAIServer> {
  const server = await startFakeOpenAIServer({
    handler: (request) => {
      const stop = request.body?.stop;
      const honoured = Array.isArray(stop) && stop.includes(nextQuestion);
      return {
        choices: [
          honoured
            ? { text: " 20\n#### 20", stopReason: nextQuestion }
            : { text: " 20\n#### 20\n\nQuestion: What is 5 times 5?\nAnswer: 25\n#### 25" },
        ],
      };
    },
  });
  onTestFinished(() => server.close());
  return server;
}

/** The answer a few-shot template file gives through the run's sampling, and the request it sent. */
async function answerThrough(template: Record<string, unknown>) {
  const directory = await mkdtemp(join(tmpdir(), "mull-few-shot-"));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  const file = join(directory, "few-shot.json");
  await writeFile(file, JSON.stringify(template));
  const server = await baseModelServer();
  const backend = createOpenAICompatibleBackend({ baseUrl: server.url, model: "base", rng: seededRng(1) });
  onTestFinished(() => backend.dispose());
  const context = testStrategyContext({ backend, promptTemplate: (await loadPromptTemplate(file)).render });
  const { candidates } = await sampleCandidates({
    problem: { question: "What is 4 times 5?" },
    n: 1,
    context,
  });
  const sent = server.requests.find((request) => request.endpoint === "completions");
  return { answer: candidates[0]?.answer, sent };
}

const fewShot = {
  endpoint: "text",
  prompt: "Question: {question}\nAnswer:",
  examples: [{ question: "What is 2 times 3?", answer: "6\n#### 6" }],
};

describe("a few-shot text template's stop strings", () => {
  it("go with every request made from it, so a base model's next invented question is cut off", async () => {
    const { answer, sent } = await answerThrough({ ...fewShot, stop: [nextQuestion] });
    expect(sent?.body?.stop).toEqual([nextQuestion]);
    expect(sent?.prompt).toBe(
      "Question: What is 2 times 3?\nAnswer: 6\n#### 6\n\nQuestion: What is 4 times 5?\nAnswer:",
    );
    expect(answer).toBe("20");
  });

  it("are none without them: the run then reads the answer of the pair the model made up", async () => {
    const { answer, sent } = await answerThrough(fewShot);
    expect(sent?.body?.stop).toBeUndefined();
    expect(answer).toBe("25");
  });
});
