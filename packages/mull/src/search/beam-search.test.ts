import { describe, expect, it } from "vitest";
import { generateLabProblems, labProcessReward } from "../lab/index.ts";
import { solve } from "../solve.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { beamSearch } from "./beam-search.ts";
import { slipResponder } from "./slip-responder.test-support.ts";

const prm = labProcessReward();

describe("beamSearch", () => {
  it("keeps N/M beams rounded down, and never more children per beam than beams", () => {
    // 10 / 4 = 2.5: 2 beams kept, each extended 4 ways.
    const rounded = beamSearch({ n: 10, width: 4, prm });
    expect(rounded.name).toBe("beam@10x4");
    expect(rounded.parameters).toMatchObject({ n: 10, width: 4, keep: 2, lookahead: 0 });
    // A width of 4 over 2 beams is cut to 2: one beam kept, extended 2 ways.
    const capped = beamSearch({ n: 2, width: 4, prm });
    expect(capped.name).toBe("beam@2x2");
    expect(capped.parameters).toMatchObject({ n: 2, width: 2, keep: 1 });
  });

  it("keeps at most N/M beams, rounded down, at every step of a run", async () => {
    const problem = generateLabProblems({ level: 4, count: 1, seed: 11 })[0]!;
    const result = await solve({
      problem,
      strategy: beamSearch({ n: 10, width: 4, prm }),
      backend: createScriptedBackend({ respond: slipResponder({ slip: 0.4 }) }),
      seed: 1,
      sampling: { temperature: 1 },
    });
    const kept = result.trace.flatMap((event) => (event.type === "selection" ? [event.chosen.length] : []));
    expect(kept.length).toBeGreaterThan(0);
    // The first step samples 10 candidates, of which 2 are kept.
    expect(kept[0]).toBe(2);
    expect(kept.every((count) => count <= 2)).toBe(true);
  });
});
