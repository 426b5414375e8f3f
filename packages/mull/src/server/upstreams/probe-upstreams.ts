import { outsideCircuits } from "./outside-circuits.ts";
import type { ServedModel } from "./served-model.ts";

/** How one model's start-up probe ended. */
export interface UpstreamProbeOutcome {
  /** The served model's name, as clients put it in `model`. */
  readonly model: string;
  /** `undefined` when the probe answered; else why it did not (the upstream down, a refusal, `signal`). */
  readonly error: unknown;
}

/** Options of `probeUpstreams`. */
export interface ProbeUpstreamsOptions {
  /** Told of each probe that failed, unless `signal` had aborted by then. */
  readonly onFailure?: ((model: string, error: unknown) => void) | undefined;
  /**
   * Ends the probe: its models stop waiting for their capabilities and nothing more is reported (the server
   * was disposed before it listened, say). Their outcomes then hold the signal's reason.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Asks every `openai-compatible` served model for its capabilities (one tiny request each, which the
 * backend caches), so that the first strategy request to an upstream does not wait for that probe. It is
 * started at server start-up and never awaited there: the returned promise never rejects, and a failed
 * probe is only reported (`onFailure`), as the backend probes again on the next request that needs it.
 * Its requests, discovery included, stay out of the upstreams' circuits (`outsideCircuits`): an upstream
 * still down at start-up fails them, retries and all, without opening its circuit, so the first client
 * request after it comes up goes through. They are still counted in the metrics.
 *
 * @example
 * void probeUpstreams(models, { onFailure: (model, error) => logger.warn({ model, err: error }, "probe failed"), signal });
 */
export async function probeUpstreams(
  models: readonly ServedModel[],
  options: ProbeUpstreamsOptions = {},
): Promise<UpstreamProbeOutcome[]> {
  const { signal } = options;
  const remote = models.filter((model) => model.kind === "openai-compatible");
  return Promise.all(
    remote.map(async (model): Promise<UpstreamProbeOutcome> => {
      try {
        await outsideCircuits(() => model.backend.capabilities(signal === undefined ? {} : { signal }));
        return { model: model.name, error: undefined };
      } catch (error) {
        // Ended on purpose (the server disposed of its backends): nothing to warn about.
        if (signal?.aborted !== true) options.onFailure?.(model.name, error);
        return { model: model.name, error };
      }
    }),
  );
}
