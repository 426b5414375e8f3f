import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnrecoverableError } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { databaseFileName } from "../store/index.ts";
import { jobRunLocation, resolveJobRunLocation } from "./job-run-location.ts";

const withPassword = "postgres://runner:s3cret-pw@db.example:5432/runs";
const redacted = "postgres://runner:***@db.example:5432/runs";

/** The error `resolve` throws, checked to be an UnrecoverableError (no retries). */
function refusal(resolve: () => unknown): string {
  try {
    resolve();
  } catch (error) {
    expect(error).toBeInstanceOf(UnrecoverableError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("jobRunLocation", () => {
  it("redacts a PostgreSQL password and keeps a directory as is", () => {
    expect(jobRunLocation({ kind: "postgres", url: withPassword, name: "g" })).toEqual({
      kind: "postgres",
      url: redacted,
      name: "g",
    });
    expect(jobRunLocation({ kind: "sqlite", directory: "/runs/g" })).toEqual({
      kind: "sqlite",
      directory: "/runs/g",
    });
  });
});

describe("resolveJobRunLocation", () => {
  const job = jobRunLocation({ kind: "postgres", url: withPassword, name: "g" });
  const folder = mkdtempSync(join(tmpdir(), "mull-job-location-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("opens a PostgreSQL run through the worker's --store when it redacts to the job's URL", () => {
    expect(resolveJobRunLocation(job, withPassword)).toEqual({
      kind: "postgres",
      url: withPassword,
      name: "g",
    });
  });

  it("uses the job's URL when it carries no password (a .pgpass file, trust or peer login)", () => {
    const plain = { kind: "postgres" as const, url: "postgres://runner@db.example/runs", name: "g" };
    expect(resolveJobRunLocation(plain)).toEqual(plain);
    expect(resolveJobRunLocation(plain, withPassword)).toEqual(plain);
  });

  it("refuses a run that needs a password the worker does not hold, saying how to start it, never leaking one", () => {
    const none = refusal(() => resolveJobRunLocation(job));
    expect(none).toBe(
      `run g in ${redacted} needs the database's password, which jobs never carry, and this worker has no ` +
        "--store: start the worker with --store postgres://runner:<password>@db.example:5432/runs",
    );
    const other = refusal(() => resolveJobRunLocation(job, "postgres://other:hunter2@db.example:5432/runs"));
    expect(other).toContain("this worker's --store is postgres://other:***@db.example:5432/runs");
    expect(other).not.toContain("hunter2");
    // A secret in the query is redacted like a password, and asked for the same way.
    const query = jobRunLocation({
      kind: "postgres",
      url: "postgres://runner@db/runs?password=pw9",
      name: "q",
    });
    expect(JSON.stringify(query)).not.toContain("pw9");
    expect(refusal(() => resolveJobRunLocation(query))).toContain("start the worker with --store");
    expect(resolveJobRunLocation(query, "postgres://runner@db/runs?password=pw9")).toMatchObject({
      url: "postgres://runner@db/runs?password=pw9",
    });
  });

  it("refuses a run directory without a store on this worker, and creates nothing", () => {
    const missing = join(folder, "elsewhere");
    expect(refusal(() => resolveJobRunLocation({ kind: "sqlite", directory: missing }))).toContain(
      `run directory ${missing} holds no ${databaseFileName} on this worker`,
    );
    // Jobs enqueued before locations were objects carry the directory as a string.
    expect(refusal(() => resolveJobRunLocation(missing))).toContain("must be visible to every worker");
    const present = join(folder, "present");
    mkdirSync(present);
    writeFileSync(join(present, databaseFileName), "");
    expect(resolveJobRunLocation(present)).toEqual({ kind: "sqlite", directory: present });
  });
});
