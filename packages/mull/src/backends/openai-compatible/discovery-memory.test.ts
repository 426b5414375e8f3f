import { describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import type { ServerDiscovery } from "./discover-server.ts";
import { createDiscoveryMemory, rediscoveryDelays } from "./discovery-memory.ts";

/** A discovery that answers, in order, what `answers` says, and counts how often it was asked. */
function scripted(answers: readonly (ServerDiscovery | Error)[]) {
  let asked = 0;
  const ask = async (): Promise<ServerDiscovery> => {
    const answer = answers[Math.min(asked, answers.length - 1)] as ServerDiscovery | Error;
    asked += 1;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { ask, asked: () => asked };
}

const down: ServerDiscovery = { unanswered: ["GET http://127.0.0.1:8080/props: connect ECONNREFUSED"] };
const llama: ServerDiscovery = { versions: { "llama.cpp": "b1-test" }, modelFile: "/models/lab.gguf" };

describe("createDiscoveryMemory", () => {
  it("remembers an answer for good: the server is asked once", async () => {
    const clock = manualClock();
    const server = scripted([{}]);
    const memory = createDiscoveryMemory({ ask: server.ask, clock });
    expect(memory.latest()).toEqual({});
    expect(await memory.discover()).toEqual({});
    clock.advance(3_600_000);
    expect(await memory.discover()).toEqual({});
    expect(server.asked()).toBe(1);
  });

  it("asks again after no answer, 5 s later at the soonest, doubling to 60 s", async () => {
    const clock = manualClock();
    const server = scripted([down, down, down, down, down, down, llama]);
    const memory = createDiscoveryMemory({ ask: server.ask, clock });
    expect(await memory.discover()).toEqual(down);
    const delays: number[] = [];
    let waited = 0;
    while (server.asked() < 7) {
      clock.advance(1_000);
      waited += 1_000;
      const before = server.asked();
      await memory.discover();
      if (server.asked() > before) {
        delays.push(waited);
        waited = 0;
      }
    }
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(rediscoveryDelays).toEqual({ firstMilliseconds: 5_000, longestMilliseconds: 60_000 });
    expect(memory.latest()).toEqual(llama);
    clock.advance(3_600_000);
    await memory.discover();
    expect(server.asked()).toBe(7);
  });

  it("shares one discovery among concurrent callers", async () => {
    const server = scripted([llama]);
    const memory = createDiscoveryMemory({ ask: server.ask, clock: manualClock() });
    const all = await Promise.all([memory.discover(), memory.discover(), memory.discover()]);
    expect(all).toEqual([llama, llama, llama]);
    expect(server.asked()).toBe(1);
  });

  it("keeps what a discovery found when a later one finds less, and takes a failed one for no answer", async () => {
    const clock = manualClock();
    const partial: ServerDiscovery = {
      ...llama,
      unanswered: ["GET http://127.0.0.1:8080/version: status 503"],
    };
    const server = scripted([
      partial,
      new Error("the backend was disposed"),
      { versions: { server: "0.10.1" } },
    ]);
    const memory = createDiscoveryMemory({ ask: server.ask, clock });
    expect(await memory.discover()).toEqual(partial);
    clock.advance(5_000);
    expect(await memory.discover()).toEqual({ ...llama, unanswered: ["the backend was disposed"] });
    clock.advance(10_000);
    expect(await memory.discover()).toEqual({
      versions: { "llama.cpp": "b1-test", server: "0.10.1" },
      modelFile: "/models/lab.gguf",
    });
  });
});
