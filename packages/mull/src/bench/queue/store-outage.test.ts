import { describe, expect, it } from "vitest";
import { storeOutage } from "./store-outage.ts";

describe("storeOutage", () => {
  it("tells each outage once, with its first error, and its end once", () => {
    const lines: string[] = [];
    const outage = storeOutage("run gsm8k in postgres://mull:***@db/runs", (line) => lines.push(line));
    outage.answered();
    outage.failed(new Error("terminating connection due to administrator command"));
    outage.failed(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
    outage.answered();
    outage.answered();
    outage.failed("read ECONNRESET");
    expect(lines).toEqual([
      "bench: the run's store run gsm8k in postgres://mull:***@db/runs stopped answering " +
        "(terminating connection due to administrator command); waiting on, asking it again every poll (Ctrl-C stops waiting)",
      "bench: the run's store run gsm8k in postgres://mull:***@db/runs answers again",
      "bench: the run's store run gsm8k in postgres://mull:***@db/runs stopped answering (read ECONNRESET); " +
        "waiting on, asking it again every poll (Ctrl-C stops waiting)",
    ]);
  });
});
