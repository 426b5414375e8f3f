import { backendSpecShown } from "./backend-spec-shown.ts";
import { type FirstServedModelOptions, firstServedModel } from "./first-served-model.ts";

/** A backend spec as the user typed it, and the flag that took it. */
export interface BackendSpecOrigin {
  /** The flag, e.g. `--candidate`. */
  readonly flag: string;
  /** The spec as given, e.g. `http://127.0.0.1:8080/v1`. */
  readonly spec: string;
}

/**
 * The first model the server at `baseUrl` lists, for a backend spec given without `#model`
 * (`mull fidelity --candidate http://…/v1`). Its refusals name the flag and the spec (without the URL's
 * credentials), and ask for the model after `#`, since a command that takes specs has no `--model`.
 *
 * @throws MullError `--candidate http://…/v1: could not list the models of http://…/v1 to choose one:
 * connect ECONNREFUSED …; give the model after '#': --candidate http://…/v1#MODEL` when the server cannot
 * be reached; UsageError (field: the flag) when it answers without naming a model.
 */
export function firstServedModelForSpec(
  baseUrl: string,
  origin: BackendSpecOrigin,
  options: FirstServedModelOptions = {},
): Promise<string> {
  return firstServedModel(baseUrl, {
    ...options,
    chooser: {
      subject: `${origin.flag} ${backendSpecShown(origin.spec)}`,
      field: origin.flag,
      hint: `give the model after '#': ${origin.flag} ${backendSpecShown(baseUrl)}#MODEL`,
    },
  });
}
