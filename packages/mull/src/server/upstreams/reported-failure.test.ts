import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { ApiError } from "../http/api-error.ts";
import { CircuitOpenError } from "./circuit-open-error.ts";
import { reportedFailure } from "./reported-failure.ts";
import { createSampleFanOut } from "./sample-fan-out.ts";

const prompt = { kind: "text" as const, text: "q" };

/** A sample's retry refused by the circuit the request's own failures opened, as the guarded fetch refuses it. */
const refusal = () => {
  const open = new CircuitOpenError("vllm", 10_000);
  return new BackendCallError(open.message, { isRetryable: false, cause: open });
};
const serverError = (what: string) =>
  new BackendCallError(`POST http://10.0.0.1:8000/v1/chat/completions failed with status 500: ${what}`, {
    status: 500,
    isRetryable: true,
  });
const badRequest = new BackendCallError("POST x failed with status 400: context length exceeded", {
  status: 400,
  isRetryable: false,
});

describe("reportedFailure", () => {
  it("reports samples refused by a circuit that opened mid-run by the earliest real upstream failure", () => {
    const first = serverError("first");
    expect(reportedFailure([refusal(), first, serverError("second")], undefined)).toEqual({
      error: first,
      lost: true,
    });
  });

  it("takes an earlier call's loss, else the refusal, when every sample of the call was refused", () => {
    const earlier = serverError("earlier");
    expect(reportedFailure([refusal(), refusal()], earlier)).toEqual({ error: earlier, lost: true });
    const refused = refusal();
    expect(reportedFailure([refused, refusal()], undefined)).toEqual({ error: refused, lost: true });
  });

  it("reports the call's own real failure before an earlier call's loss", () => {
    const own = serverError("own");
    expect(reportedFailure([refusal(), own], serverError("earlier"))).toEqual({ error: own, lost: true });
  });

  it("passes a refusal of the request itself on as it is, and a first loss as lost", () => {
    expect(reportedFailure([badRequest, serverError("x")], undefined)).toEqual({
      error: badRequest,
      lost: false,
    });
    const loss = serverError("x");
    expect(reportedFailure([loss, refusal(), badRequest], undefined)).toEqual({ error: loss, lost: true });
  });
});

describe("a fan-out call whose samples all failed while the circuit opened", () => {
  it("answers the quorum error with the earliest real failure, not the later sample's circuit refusal", async () => {
    // Sample 0's retry meets the circuit that sample 1's failures opened first.
    const upstream = createScriptedBackend({
      responses: ["#### 7"],
      onCall: async (request) => {
        if (request.seed === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw refusal();
        }
        throw serverError("the upstream is overloaded");
      },
    });
    const fanOut = createSampleFanOut(upstream);
    const error = await fanOut.backend.generate({ prompt, n: 2, seed: 0 }).catch((thrown: unknown) => thrown);
    // Before: the refusal (sample 0's, first by index) was thrown as it is, a 503 for the client.
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(502);
    expect(apiError.code).toBe("samples_below_quorum");
    expect(apiError.message).toBe(
      "only 0 of 2 samples succeeded, below the quorum; first failure: POST (upstream) failed with status 500: the upstream is overloaded",
    );
    expect(fanOut.counts().firstError).toBe(apiError.cause);
  });

  it("still passes on a refusal of the request (a 400) that every sample met", async () => {
    const fanOut = createSampleFanOut(
      createScriptedBackend({
        responses: ["#### 7"],
        onCall: () => {
          throw badRequest;
        },
      }),
    );
    await expect(fanOut.backend.generate({ prompt, n: 3 })).rejects.toBe(badRequest);
  });

  it("reports the earliest real failure when a later call's samples were all refused", async () => {
    let call = 0;
    const upstream = createScriptedBackend({
      responses: ["#### 7"],
      onCall: () => {
        call += 1;
        if (call === 2) throw serverError("the first sample lost");
        if (call > 2) throw refusal();
      },
    });
    const fanOut = createSampleFanOut(upstream);
    const first = await fanOut.backend.generate({ prompt, n: 2 });
    expect(first.completions).toHaveLength(1);
    const error = await fanOut.backend.generate({ prompt, n: 2 }).catch((thrown: unknown) => thrown);
    // The strategy stops on the sample it has; the request's quorum then reads the real failure.
    expect(BackendCallError.isInstance(error) && error.status).toBe(500);
    expect(fanOut.counts()).toMatchObject({ succeeded: 1, failed: 3, firstError: error });
  });
});
