import { describe, expect, it } from "vitest";
import { sleep } from "../../runtime/index.ts";
import { storePause } from "./store-pause.ts";

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

/** A store that refuses `failures` probes, then answers; counts the probes. */
function probeFailing(failures: number, last: () => Promise<void> = async () => undefined) {
  const probe = {
    calls: 0,
    run: async () => {
      probe.calls += 1;
      if (probe.calls <= failures) throw refused;
      await last();
    },
  };
  return probe;
}

/** Waits until `condition` holds, for at most 2 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 2000;
  while (!condition() && performance.now() < deadline) await sleep(2);
}

function pauseUnderTest() {
  const events: string[] = [];
  const pause = storePause({
    pause: async () => {
      events.push("pause");
    },
    resume: async () => {
      events.push("resume");
    },
    tell: (line) => events.push(line),
    probeMilliseconds: 5,
  });
  return { events, pause };
}

describe("storePause", () => {
  it("pauses once per outage, asks the store until it answers, then says so and resumes", async () => {
    const { events, pause } = pauseUnderTest();
    const probe = probeFailing(3);
    pause.unreachable("postgres://mull:pw@db/runs", "postgres://mull:***@db/runs", refused, probe.run);
    // Other jobs meeting the same outage change nothing.
    pause.unreachable("postgres://mull:pw@db/runs", "postgres://mull:***@db/runs", refused, probe.run);
    expect(pause.paused).toBe(true);
    await until(() => events.includes("resume"));
    expect(probe.calls).toBe(4);
    expect(pause.paused).toBe(false);
    expect(events).toEqual([
      "store postgres://mull:***@db/runs stopped answering (connect ECONNREFUSED 127.0.0.1:5432): taking no " +
        "jobs until it answers; the jobs that met it go back to the queue without spending an attempt",
      "pause",
      "store postgres://mull:***@db/runs answers again: taking jobs",
      "resume",
    ]);
    // A later outage is told again.
    pause.unreachable(
      "postgres://mull:pw@db/runs",
      "postgres://mull:***@db/runs",
      refused,
      async () => undefined,
    );
    await until(() => events.length === 8);
    expect(events.slice(4)).toEqual([events[0], "pause", events[2], "resume"]);
  });

  it("resumes once every store away answers, and takes a refused login as an answer", async () => {
    const { events, pause } = pauseUnderTest();
    const login = Object.assign(new Error('password authentication failed for user "mull"'), {
      code: "28P01",
    });
    pause.unreachable("a", "store-a", refused, probeFailing(1).run);
    pause.unreachable("b", "store-b", refused, probeFailing(6, () => Promise.reject(login)).run);
    await until(() => events.includes("resume"));
    expect(events.filter((event) => !event.startsWith("store ") || event.includes("again"))).toEqual([
      "pause",
      "store store-a answers again",
      "store store-b answers again: taking jobs",
      "resume",
    ]);
  });

  it("stops asking, and never resumes, once stopped", async () => {
    const { events, pause } = pauseUnderTest();
    const probe = probeFailing(1_000_000);
    pause.unreachable("a", "store-a", refused, probe.run);
    await until(() => probe.calls >= 2);
    pause.stop();
    pause.stop();
    const asked = probe.calls;
    await sleep(40);
    expect(probe.calls).toBe(asked);
    expect(events.slice(1)).toEqual(["pause"]);
    expect(() =>
      storePause({
        pause: async () => undefined,
        resume: async () => undefined,
        tell: () => undefined,
        probeMilliseconds: 0,
      }),
    ).toThrow(/probeMilliseconds/);
  });
});
