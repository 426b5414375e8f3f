import {
  describeNetworkFailure,
  listServedModels,
  type ServedModelList,
} from "../backends/openai-compatible/index.ts";
import { MullError } from "../errors/index.ts";
import { UsageError } from "./usage-error.ts";

/** How long a server may take to list its models before the command gives up. */
const listTimeoutMilliseconds = 10_000;

/** Why the models could not be listed: no answer in time, else what the network said. */
function whyUnlisted(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") {
    return `no answer within ${listTimeoutMilliseconds / 1000} s`;
  }
  return describeNetworkFailure(error);
}

/** Options of `firstServedModel`. */
export interface FirstServedModelOptions {
  /** The server's API key, when it needs one. */
  readonly apiKey?: string | undefined;
  /** The `fetch` to call (`mull serve` passes its guarded one); default the global one. */
  readonly fetch?: typeof fetch | undefined;
}

/**
 * The model a command uses when `--model` is not given: the first one the server at `baseUrl` lists.
 *
 * @throws MullError naming why (`connect ECONNREFUSED …`, no answer within 10 s) when the server cannot
 * be reached; UsageError (field `--model`) when it answers without naming a model.
 */
export async function firstServedModel(
  baseUrl: string,
  options: FirstServedModelOptions = {},
): Promise<string> {
  let list: ServedModelList;
  try {
    list = await listServedModels({
      baseUrl,
      apiKey: options.apiKey,
      fetch: options.fetch,
      signal: AbortSignal.timeout(listTimeoutMilliseconds),
    });
  } catch (error) {
    throw new MullError(
      `could not list the models of ${baseUrl} to choose one: ${whyUnlisted(error)} (pass --model)`,
      { cause: error },
    );
  }
  const model = list.models[0];
  if (model === undefined) {
    throw new UsageError(
      `--model is required: ${list.url} did not name a model (status ${list.status})`,
      "--model",
    );
  }
  return model;
}
