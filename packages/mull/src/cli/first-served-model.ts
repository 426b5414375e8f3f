import {
  describeNetworkFailure,
  listServedModels,
  type ServedModelList,
} from "../backends/openai-compatible/index.ts";
import { MullError } from "../errors/index.ts";
import { splitStrategyPrefix } from "../strategies/index.ts";
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

/** Options of `firstServedModel` and `servedModelNamed`. */
export interface FirstServedModelOptions {
  /** The server's API key, when it needs one. */
  readonly apiKey?: string | undefined;
  /** The `fetch` to call (`mull serve` passes its guarded one); default the global one. */
  readonly fetch?: typeof fetch | undefined;
  /**
   * What named the model, for `servedModelNamed`'s refusal: a flag (`--small-model`) or a flag and the
   * spec that names it (`--strategy cascade@8:a>b`); default `--model`.
   */
  readonly field?: string | undefined;
  /**
   * Who asks `firstServedModel` for a model, for its refusals: what they start with (a flag and its spec,
   * `--candidate http://…/v1`), the UsageError's field, and how to name the model instead; default the
   * `--model` flag's wording (`--model is required: …`, `(pass --model)`).
   */
  readonly chooser?: { readonly subject: string; readonly field: string; readonly hint: string } | undefined;
}

/** The models the server at `baseUrl` lists, within the listing deadline. */
function listModels(baseUrl: string, options: FirstServedModelOptions): Promise<ServedModelList> {
  return listServedModels({
    baseUrl,
    apiKey: options.apiKey,
    fetch: options.fetch,
    signal: AbortSignal.timeout(listTimeoutMilliseconds),
  });
}

/**
 * The model a command uses when `--model` is not given: the first one the server at `baseUrl` lists.
 *
 * @throws MullError naming why (`connect ECONNREFUSED …`, no answer within 10 s) when the server cannot
 * be reached; UsageError (field `--model`, or `options.chooser`'s) when it answers without naming a model.
 */
export async function firstServedModel(
  baseUrl: string,
  options: FirstServedModelOptions = {},
): Promise<string> {
  const { chooser } = options;
  let list: ServedModelList;
  try {
    list = await listModels(baseUrl, options);
  } catch (error) {
    const reason = `could not list the models of ${baseUrl} to choose one: ${whyUnlisted(error)}`;
    throw new MullError(
      chooser === undefined ? `${reason} (pass --model)` : `${chooser.subject}: ${reason}; ${chooser.hint}`,
      { cause: error },
    );
  }
  const model = list.models[0];
  if (model === undefined) {
    const reason = `${list.url} did not name a model (status ${list.status})`;
    if (chooser === undefined) throw new UsageError(`--model is required: ${reason}`, "--model");
    throw new UsageError(`${chooser.subject}: ${reason}; ${chooser.hint}`, chooser.field);
  }
  return model;
}

/** A listed model's file name without `.gguf`, when the server names it by the path of a `.gguf` file. */
function ggufBasename(listed: string): string | undefined {
  const file = listed.split(/[/\\]/).at(-1) ?? "";
  return /\.gguf$/i.test(file) ? file.slice(0, -".gguf".length) : undefined;
}

/** Whether every model of `name` after its strategy prefix (`sc@8:a`, `cascade@8:a>b`) is listed. */
function prefixesListed(name: string, listed: readonly string[]): boolean {
  const split = splitStrategyPrefix(name);
  if (split === undefined) return false;
  return split.model.split(">").every((part) => listed.includes(part.trim()));
}

/**
 * The name to send for `--model` to the server at `baseUrl`, checked against what it lists: the name
 * itself when the server lists it, or lists the models a strategy prefix puts it on (`sc@8:lab-large`, as
 * `mull serve` takes); the listed id when the name is a listed `.gguf` file's name without `.gguf`
 * (llama.cpp's `llama-server` without `--alias` lists its model by its path). When the models cannot be
 * listed, or none is named (some servers have no `/v1/models`), the name as given.
 *
 * @throws UsageError (field `--model`, or the flag of `options.field`) naming the model and what the
 * server serves, when it lists models and `model` is none of them: a server that takes any name (`llama-server`) would otherwise answer with
 * its own model under the wrong profile.
 * @example
 * await servedModelNamed("http://127.0.0.1:8080/v1", "lab-large"); // "/models/lab-large.gguf"
 */
export async function servedModelNamed(
  baseUrl: string,
  model: string,
  options: FirstServedModelOptions = {},
): Promise<string> {
  let listed: readonly string[];
  try {
    listed = (await listModels(baseUrl, options)).models;
  } catch {
    return model;
  }
  if (listed.length === 0 || listed.includes(model) || prefixesListed(model, listed)) return model;
  const byFile = listed.find((entry) => ggufBasename(entry) === model);
  if (byFile !== undefined) return byFile;
  const field = options.field ?? "--model";
  throw new UsageError(
    `${field}: ${baseUrl} does not serve ${JSON.stringify(model)}; it serves ${listed.join(", ")}`,
    field.split(" ", 1)[0]!,
  );
}
