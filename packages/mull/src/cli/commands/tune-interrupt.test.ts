import { afterEach, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { startMull, waitFor } from "./mull-process.test-support.ts";

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * A server that answers the first `answered` generation requests and leaves every later one hanging, so
 * a sweep finishes its first levels and is still running the next when it is interrupted.
 */
async function startStallingServer(answered: number): Promise<FakeOpenAIServer> {
  let generations = 0;
  return startFakeOpenAIServer({
    handler: () => {
      generations += 1;
      return generations <= answered ? { choices: ["one two three four"] } : { fault: "hang" };
    },
  });
}

describe("mull tune interrupted", () => {
  it.each([
    ["SIGINT", "text", [], 130, "interrupted", "Ctrl-C again"],
    ["SIGINT", "json", ["--json"], 130, "interrupted", "Ctrl-C again"],
    ["SIGTERM", "text", [], 143, "interrupted (SIGTERM)", "SIGTERM or Ctrl-C again"],
  ] as const)(
    "on %s aborts the running level, prints the finished levels marked partial (%s), exits as the signal would",
    async (signal, format, extra, exitCode, interrupted, again) => {
      // Concurrency 1 and 2 take the 6 answered requests; the 3 of concurrency 4 hang until aborted.
      const stalling = await startStallingServer(6);
      server = stalling;
      const tune = startMull([
        ...["tune", "--base-url", stalling.url, "--model", "fake-model", "--concurrency", "1,2,4,8"],
        ...["--requests", "3", "--warmup", "0", ...extra],
      ]);
      await waitFor(
        () => tune.output.stderr.includes("n=1 concurrency 2:") && stalling.openRequests === 3,
        "the third level's requests in flight",
        60_000,
      );
      tune.child.kill(signal);
      const code = await tune.exited;
      expect(code).toBe(exitCode);
      expect(tune.output.stderr).toContain(
        `tune: ${interrupted}; aborting the running level, then printing the finished ones (${again} to quit now)\n`,
      );
      expect(tune.output.stderr).not.toContain("n=1 concurrency 4:");
      expect(tune.output.stderr).not.toContain("mull:");
      // The hung requests were aborted by the client, and the level of 8 never started.
      await waitFor(() => stalling.openRequests === 0, "the hung requests closed", 10_000);
      expect(stalling.abortedRequests).toBe(3);
      expect(stalling.requests.filter((request) => request.endpoint !== "models")).toHaveLength(9);
      if (format === "json") {
        const report = JSON.parse(tune.output.stdout);
        expect(report).toMatchObject({ interrupted: true, plannedLevels: 4 });
        expect(report.levels.map((level: { concurrency: number }) => level.concurrency)).toEqual([1, 2]);
        expect(report.levels.every((level: { errors: number }) => level.errors === 0)).toBe(true);
      } else {
        const lines = tune.output.stdout.trimEnd().split("\n");
        expect(lines.filter((line) => /^1\s+\d+\*?\s+3\s+0\s/.test(line))).toHaveLength(2);
        expect(tune.output.stdout).not.toMatch(/^1\s+4\*?\s/m);
        expect(lines.at(-1)).toBe("interrupted after 2 of 4 levels: the table is partial");
      }
    },
    90_000,
  );
});
