import type { ServedModel } from "./served-model.ts";

/** How one model's start-up probe ended. */
export interface UpstreamProbeOutcome {
  /** The served model's name, as clients put it in `model`. */
  readonly model: string;
  /** `undefined` when the probe answered; else why it did not (the upstream down, a refusal). */
  readonly error: unknown;
}

/**
 * Asks every `openai-compatible` served model for its capabilities (one tiny request each, which the
 * backend caches), so that the first strategy request to an upstream does not wait for that probe. It is
 * started at server start-up and never awaited there: the returned promise never rejects, and a failed
 * probe is only reported (`onFailure`), as the backend probes again on the next request that needs it.
 *
 * @example
 * void probeUpstreams(models, { onFailure: (model, error) => logger.warn({ model, err: error }, "probe failed") });
 */
export async function probeUpstreams(
  models: readonly ServedModel[],
  options: { readonly onFailure?: ((model: string, error: unknown) => void) | undefined } = {},
): Promise<UpstreamProbeOutcome[]> {
  const remote = models.filter((model) => model.kind === "openai-compatible");
  return Promise.all(
    remote.map(async (model): Promise<UpstreamProbeOutcome> => {
      try {
        await model.backend.capabilities();
        return { model: model.name, error: undefined };
      } catch (error) {
        options.onFailure?.(model.name, error);
        return { model: model.name, error };
      }
    }),
  );
}
