import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import { createBenchProgress } from "./bench-progress.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  }) as unknown as NodeJS.WriteStream;
  return { lines, stream };
}

describe("createBenchProgress (plain lines)", () => {
  it("prints at most one line per second, with the rate and ETA of this session", () => {
    const { lines, stream } = capture();
    const clock = manualClock(0);
    const progress = createBenchProgress({ stream, interactive: false, clock });
    progress.start(100, 20);
    expect(lines).toEqual(["bench: resuming, 20/100 pairs already recorded\n"]);
    for (let index = 0; index < 10; index += 1) {
      clock.advance(250);
      progress.advance({ problemId: `p${index}`, strategy: "sc@8", correct: index % 2 === 0 });
    }
    // 10 updates over 2.5 s: a line at the first update, then one per second.
    expect(lines.length - 1).toBe(3);
    // A resume's accuracy is that of the pairs run now, and says so.
    expect(lines[1]).toBe(
      "bench: 21/100 pairs (21.0%), 4.00 pairs/s, ETA 20s, accuracy of the 1 graded pairs run now 100.0%\n",
    );
    progress.stop();
    // 10 pairs in 2.5 s = 4/s; 70 left → 17.5 s.
    expect(lines.at(-1)).toBe(
      "bench: 30/100 pairs (30.0%), 4.00 pairs/s, ETA 18s, accuracy of the 10 graded pairs run now 50.0%\n",
    );
    expect(lines.length - 1).toBe(4);
  });

  it("announces a fresh run and shows an unknown ETA before any pair finishes", () => {
    const { lines, stream } = capture();
    const progress = createBenchProgress({ stream, interactive: false, clock: manualClock(0) });
    progress.start(5, 0);
    progress.stop();
    expect(lines).toEqual([
      "bench: 5 pairs to run\n",
      "bench: 0/5 pairs (0.0%), 0.00 pairs/s, ETA ?, accuracy so far -\n",
    ]);
  });

  it("counts pairs of unknown correctness (recorded by other processes) as done, not in the accuracy, and says so", () => {
    const { lines, stream } = capture();
    const clock = manualClock(0);
    const progress = createBenchProgress({ stream, interactive: false, clock });
    progress.start(4, 0);
    clock.advance(1000);
    progress.advance({ problemId: "p0", strategy: "greedy", correct: undefined });
    progress.advance({ problemId: "p1", strategy: "greedy", correct: true });
    progress.advance({ problemId: "p2", strategy: "greedy", correct: false });
    progress.stop();
    expect(lines.at(-1)).toBe(
      "bench: 3/4 pairs (75.0%), 3.00 pairs/s, ETA 0s, accuracy of the 2 graded pairs 50.0%\n",
    );
  });

  it("does not repeat the last line at the end when the last pair's line is already out", () => {
    const { lines, stream } = capture();
    const clock = manualClock(0);
    const progress = createBenchProgress({ stream, interactive: false, clock });
    progress.start(2, 0);
    clock.advance(2000);
    progress.advance({ problemId: "p0", strategy: "greedy", correct: true });
    clock.advance(2000);
    progress.advance({ problemId: "p1", strategy: "greedy", correct: true });
    progress.stop();
    expect(lines.filter((line) => line.startsWith("bench: 2/2"))).toHaveLength(1);
    expect(lines).toHaveLength(3);
  });

  it("says so when a resume finds nothing left to run", () => {
    const { lines, stream } = capture();
    const progress = createBenchProgress({ stream, interactive: false, clock: manualClock(0) });
    progress.start(5, 5);
    progress.stop();
    expect(lines).toEqual([
      "bench: resuming, 5/5 pairs already recorded\n",
      "bench: nothing left to run, all 5 pairs were already recorded\n",
    ]);
  });
});

describe("createBenchProgress (a bar on a terminal)", () => {
  it("draws a cli-progress bar with the rate, ETA and accuracy", () => {
    const { lines, stream } = capture();
    Object.assign(stream, {
      isTTY: true,
      columns: 160,
      cursorTo: () => true,
      clearLine: () => true,
      clearScreenDown: () => true,
      moveCursor: () => true,
    });
    const clock = manualClock(0);
    const progress = createBenchProgress({ stream, interactive: true, clock });
    progress.start(10, 0);
    clock.advance(2000);
    progress.advance({ problemId: "p", strategy: "greedy", correct: true });
    progress.stop();
    const text = lines.join("");
    expect(text).toContain("bench |");
    expect(text).toContain("1/10 pairs | 0.50 pairs/s | ETA 18s | accuracy 100.0%");
  });
});
