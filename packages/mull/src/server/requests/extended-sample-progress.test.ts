import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { scriptedThinking } from "../../testing/scripted-thinking.ts";
import { parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";

// A streamed `extend@MwE` request: a trace that ends early gets the continue cue ("Wait") and thinks on,
// in a call that continues what it wrote. Its progress counts the one sample once, whether the upstream
// draws each sample over HTTP (one call per sample) or is embedded (a call's samples drawn together).

const { answerCue, continueCue } = defaultModelProfile.thinkingCues;
/** A trace that ends after 3 words at the continue cue, answering 7, then thinks on and answers 8. */
const trace = ` 3 plus 4 is 7${continueCue} no, 3 plus 5 is 8`;

describe("the progress of a streamed extend@10w1 whose trace is continued after the continue cue", () => {
  it.each([
    "embedded",
    "openai-compatible",
  ] as const)("counts its one sample once, with the continued answer, on an upstream of kind %s", async (kind) => {
    const backend = createScriptedBackend({
      respond: scriptedThinking({ traces: [trace], answerCue, continueCue, answer: () => "0" }),
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
        model: "extend@10w1:m",
        temperature: 1,
        stream: true,
        messages: [{ role: "user", content: "What is 3 plus 5?" }],
      }),
    });
    const text = await response.text();
    const comments = text.split("\n").filter((line) => line.startsWith(": progress"));
    const chunks = text
      .split("\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice("data: ".length)));
    // Two calls: the trace up to the continue cue, then its continuation after it.
    expect(backend.calls).toHaveLength(2);
    expect(comments).toEqual([
      ': progress 1/1 leader="7" share=1.00',
      ': progress 1/1 leader="8" share=1.00',
    ]);
    const progress = chunks.flatMap((chunk) =>
      chunk.mull?.progress === undefined ? [] : [chunk.mull.progress],
    );
    expect(progress.at(-1)).toEqual({ samples_done: 1, samples_planned: 1, leader: "8", leader_share: 1 });
  });
});
