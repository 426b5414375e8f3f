import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { scriptedThinking } from "../../testing/scripted-thinking.ts";
import { parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";

// A streamed strategy request under a thinking budget mull keeps (`mull.reasoning_budget`, budget
// forcing): each sample is a thinking call cut at the budget, then an answer call that continues it. The
// progress events count each sample once, at its answer, and vote its answer, never a number read from
// its cut thinking.

const { answerCue } = defaultModelProfile.thinkingCues;
/** Thinking that counts up from 300 (a number a cut trace would be read as), then an answer of 41. */
const trace = `${Array.from({ length: 40 }, (_, index) => ` ${300 + index}`).join("")}${answerCue}41`;

describe("the progress of a streamed sc@3 under a thinking budget of 8 tokens", () => {
  it.each([
    "embedded",
    "openai-compatible",
  ] as const)("counts 3 samples, each at its answer, on an upstream of kind %s", async (kind) => {
    const backend = createScriptedBackend({
      respond: scriptedThinking({ traces: [trace], answerCue, answer: () => "1" }),
    });
    const server = createServer({
      config: parseServerConfig({
        upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
      }),
      models: [
        {
          name: "m",
          upstream: "up",
          backend,
          kind,
          profile: defaultModelProfile,
          contextWindow: undefined,
          scorer: undefined,
        },
      ],
      logger: pino({ level: "silent" }),
    });
    const response = await server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "sc@3:m",
        temperature: 1,
        stream: true,
        mull: { reasoning_budget: 8 },
        messages: [{ role: "user", content: "What is 301 - 300?" }],
      }),
    });
    const text = await response.text();
    const comments = text.split("\n").filter((line) => line.startsWith(": progress"));
    const chunks = text
      .split("\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice("data: ".length)));
    // Six calls: three thinking calls cut at 8 tokens, three answer calls.
    expect(backend.calls).toHaveLength(6);
    // Before: 6/6, leader "307" (read from the cut thinking) while the votes were {"1": 3}.
    expect(comments).toEqual([
      ': progress 1/3 leader="1" share=1.00',
      ': progress 2/3 leader="1" share=1.00',
      ': progress 3/3 leader="1" share=1.00',
    ]);
    const progress = chunks.flatMap((chunk) =>
      chunk.mull?.progress === undefined ? [] : [chunk.mull.progress],
    );
    expect(progress.at(-1)).toEqual({ samples_done: 3, samples_planned: 3, leader: "1", leader_share: 1 });
    expect(chunks.at(-1).mull.votes).toEqual({ "1": 3 });
  });
});
