import { describe, expect, it } from "vitest";
import { ConfigError, MullError } from "../errors/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { firstServedModelForSpec } from "./first-served-model-for-spec.ts";

const baseUrl = "http://10.0.0.1/v1";

describe("firstServedModelForSpec", () => {
  it("names the flag and the spec, and asks for the model after #, when the server does not answer", async () => {
    const timedOut = (async () => {
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    }) as typeof fetch;
    const error = await rejection(
      firstServedModelForSpec(baseUrl, { flag: "--candidate", spec: baseUrl }, { fetch: timedOut }),
    );
    expect(MullError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(error)).toBe(false);
    expect((error as Error).message).toBe(
      `--candidate ${baseUrl}: could not list the models of ${baseUrl} to choose one: no answer within 10 s; ` +
        `give the model after '#': --candidate ${baseUrl}#MODEL`,
    );
  });

  it("shows the spec without the credentials of its URL", async () => {
    const empty = (async () => new Response(JSON.stringify({ data: [] }), { status: 200 })) as typeof fetch;
    const secret = "http://me:hunter2@10.0.0.1/v1";
    const error = await rejection(
      firstServedModelForSpec(secret, { flag: "--reference", spec: secret }, { fetch: empty }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("--reference");
    expect((error as Error).message).toMatch(/^--reference http:\/\/10\.0\.0\.1\/v1: /);
    expect((error as Error).message).toMatch(
      /give the model after '#': --reference http:\/\/10\.0\.0\.1\/v1#MODEL$/,
    );
  });

  it("gives the first model the server lists", async () => {
    const listed = (async () =>
      new Response(JSON.stringify({ data: [{ id: "lab-large" }] }), { status: 200 })) as typeof fetch;
    expect(
      await firstServedModelForSpec(baseUrl, { flag: "--candidate", spec: baseUrl }, { fetch: listed }),
    ).toBe("lab-large");
  });
});
