import type { ServerSamplingDefaults } from "../../spec/index.ts";
import type { ModelFileHashes } from "./model-file-hashes.ts";
import { askServerJson, type ReadServerJsonOptions } from "./read-server-json.ts";
import { samplingDefaultsOf } from "./server-sampling-defaults.ts";

/** Options of `discoverServer`: where to ask, how long each route may take, and how to hash a model file. */
export interface DiscoverServerOptions extends ReadServerJsonOptions {
  /**
   * Hashes the model file a server on this machine (a loopback `requestBase`) reports, the backend's own
   * (`createModelFileHashes`); without it, or for a server elsewhere, no file is hashed.
   */
  readonly modelFileHashes?: ModelFileHashes | undefined;
}

/** What an OpenAI-compatible server says of itself; every field is absent where it said nothing. */
export interface ServerDiscovery {
  /** The sampling defaults it applies silently (llama.cpp's `/props`). */
  readonly samplingDefaults?: ServerSamplingDefaults | undefined;
  /**
   * Versions of its software: `llama.cpp`, the build of a llama.cpp server (`/props` `build_info`, e.g.
   * `b6123-1a2b3c4d`); `server`, what `GET /version` answers (vLLM's version, e.g. `0.10.1`).
   */
  readonly versions?: Readonly<Record<string, string>> | undefined;
  /** The model file it loaded (llama.cpp's `/props` `model_path`). */
  readonly modelFile?: string | undefined;
  /**
   * `sha256:<hex>` of the local file at `modelFile`, where the server is on this machine (a loopback
   * address) and that path is a readable regular file here (`ModelFileHashes.hash`); absent otherwise, and
   * while a file over 256 MiB is still being hashed.
   */
  readonly modelHash?: string | undefined;
  /**
   * The routes that gave no answer, each with why (`GET http://…/props: connect ECONNREFUSED …`): the
   * server was unreachable, slower than the deadline, or answered 408, 409, 429 or a 5xx (a server still
   * loading its model). What they would have said is unknown, and asking again later may tell it. Absent
   * when every route answered, with what it has or with a status that says it has none.
   */
  readonly unanswered?: readonly string[] | undefined;
}

/** A non-empty string field of a JSON body, or `undefined`. */
function text(body: unknown, field: string): string | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Whether the base URL names this machine: `localhost`, `127.x.x.x` or `[::1]`. */
function onThisMachine(requestBase: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(requestBase).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

/**
 * Asks an OpenAI-compatible server what it is, for run manifests: llama.cpp's `GET /props` (its build,
 * model file and sampling defaults) and vLLM's `GET /version`, both at once. Each route is optional: a
 * server without it, an error, a body of another shape or an answer slower than `timeoutMilliseconds`
 * leaves its fields out, and never fails the caller; a route that gave no answer at all (unreachable, too
 * slow, 408, 409, 429 or 5xx) is named in `unanswered`, so that a caller knows to ask again. With
 * `modelFileHashes`, the model file a server on loopback reports is hashed where it is a readable local
 * file (`modelHash`, the hash of the local file at that path); a path that is not one gives no hash and
 * no error.
 *
 * @throws the abort reason when `signal` aborts.
 * @example
 * const server = await discoverServer({ requestBase: "http://127.0.0.1:8080/v1", headers: {}, timeoutMilliseconds: 2000 });
 * server.versions; // { "llama.cpp": "b6123-1a2b3c4d" } on a llama-server
 */
export async function discoverServer(options: DiscoverServerOptions): Promise<ServerDiscovery> {
  const answers = await Promise.all([askServerJson("/props", options), askServerJson("/version", options)]);
  const [props, version] = answers.map((answer) => answer.body);
  const unanswered = answers.flatMap((answer) =>
    answer.unanswered === undefined ? [] : [answer.unanswered],
  );
  const samplingDefaults = samplingDefaultsOf(props);
  const build = text(props, "build_info");
  const modelFile = text(props, "model_path");
  const served = text(version, "version");
  const modelHash =
    modelFile !== undefined && options.modelFileHashes !== undefined && onThisMachine(options.requestBase)
      ? await options.modelFileHashes.hash(modelFile)
      : undefined;
  const versions: Record<string, string> = {
    ...(build === undefined ? {} : { "llama.cpp": build }),
    ...(served === undefined ? {} : { server: served }),
  };
  return {
    ...(samplingDefaults === undefined ? {} : { samplingDefaults }),
    ...(Object.keys(versions).length === 0 ? {} : { versions }),
    ...(modelFile === undefined ? {} : { modelFile }),
    ...(modelHash === undefined ? {} : { modelHash }),
    ...(unanswered.length === 0 ? {} : { unanswered }),
  };
}
