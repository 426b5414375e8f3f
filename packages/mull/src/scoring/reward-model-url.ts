import { ConfigError } from "../errors/index.ts";
import { describeValue } from "../runtime/index.ts";

/**
 * The URL of an endpoint of a reward model server: the root of `baseUrl` (http or https; a trailing `/v1`
 * is dropped, since vLLM serves `/pooling` and `/classify` at the root) followed by `endpoint`.
 *
 * @throws ConfigError (field `baseUrl`) `<owner>: baseUrl "…" is not a URL`, or `… must be http(s)`.
 * @example
 * rewardModelUrl("http://localhost:8000/v1/", "pooling", "httpProcessReward"); // "http://localhost:8000/pooling"
 */
export function rewardModelUrl(baseUrl: string, endpoint: string, owner: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new ConfigError(`${owner}: baseUrl ${JSON.stringify(baseUrl)} is not a URL`, {
      field: "baseUrl",
      cause: error,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${owner}: baseUrl must be http(s), got ${describeValue(baseUrl)}`, {
      field: "baseUrl",
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "")}/${endpoint}`;
}
