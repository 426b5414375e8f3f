import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// `bon@N` judged by an LLM judge on the same upstream (the default scorer), over loopback: when the judge
// gives no usable verdict, the response says that its choice was no choice.

const key = "sk-bon";
let fake: FakeOpenAIServer;
let assembled: AssembledServer;
let running: RunningServer;
const answers = ["#### 12", "#### 13", "#### 12"];
let sampled = 0;

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) => {
      if (request.prompt.includes("Proposed solution:") && request.prompt.includes("strict judge")) {
        return "Wrong.\nScore: 1/10";
      }
      if (request.prompt.includes("Proposed solution:") && request.prompt.includes("kind judge")) {
        return "Correct.\nScore: 9/10";
      }
      if (request.prompt.includes("Proposed solution:")) {
        // The judge: a verdict for the marked question, none for the other.
        const verdict = request.prompt.includes("clear judge") && request.prompt.includes("#### 13");
        return verdict
          ? "Correct.\nScore: 9/10"
          : request.prompt.includes("clear judge")
            ? "Wrong.\nScore: 1/10"
            : "Hard to say.";
      }
      return {
        choices: Array.from({ length: request.n }, () => answers[sampled++ % answers.length] ?? ""),
      };
    },
  });
  const config = parseServerConfig({
    upstreams: [
      { name: "fake", baseUrl: fake.url, models: ["fake-model"], allowedNetworks: ["127.0.0.1/32"] },
    ],
  });
  assembled = await assembleServer(config, { apiKeys: [key], logger: pino({ level: "silent" }) });
  running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(1_000);
  await assembled?.dispose();
  await fake?.close();
});

interface BonBody {
  readonly choices: { message: { content: string } }[];
  readonly mull: {
    strategy: string;
    notes?: string[];
    answer: string | null;
    candidates: number;
    stopped_by: string;
  };
}

async function bon(question: string, model = "bon@3:fake-model"): Promise<BonBody> {
  const response = await fetch(`${running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model,
      messages: [{ role: "user", content: question }],
      max_tokens: 32,
      temperature: 0.7,
      mull: { seed: 1 },
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as BonBody;
}

describe("bon@N with an LLM judge", () => {
  it("says in mull.notes when the judge gave no usable verdict, so the pick was arbitrary", async () => {
    const body = await bon("What is 3 × 4? (silent judge)");
    expect(body.mull.strategy).toBe("bon@3");
    expect(body.mull.notes).toEqual([
      "bon@3: the scorer gave all 3 scored candidates the same score (0); 3 of 3 replies held no usable verdict; the first was returned, chosen by no verdict",
    ]);
  });

  it("adds no note when the verdicts chose", async () => {
    const body = await bon("What is 3 × 4? (clear judge)");
    expect(body.choices[0]?.message.content).toBe("#### 13");
    expect(body.mull.notes).toBeUndefined();
  });
});

describe("accept@N with an LLM judge", () => {
  it("answers the first sample the judge accepts", async () => {
    const body = await bon("What is 3 × 4? (kind judge)", "accept@3:fake-model");
    expect(body.mull).toMatchObject({
      strategy: "accept@3",
      candidates: 1,
      stopped_by: "condition:verifier-accepted",
    });
    expect(body.mull.answer).not.toBeNull();
    expect(body.choices[0]?.message.content).toBe(`#### ${body.mull.answer}`);
  });

  it("reports no answer, and says why, when the judge accepts none: the text is a real sample, unendorsed", async () => {
    const body = await bon("What is 3 × 4? (strict judge)", "accept@3:fake-model");
    expect(body.mull).toMatchObject({
      strategy: "accept@3",
      candidates: 3,
      stopped_by: "complete",
      answer: null,
    });
    expect(body.mull.notes).toEqual([
      "accept@3: the verifier judge:fake-model accepted none of 3 samples at 0.5; abstaining",
    ]);
    expect(answers).toContain(body.choices[0]?.message.content);
  });
});
