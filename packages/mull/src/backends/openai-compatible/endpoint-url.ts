import { ConfigError } from "../../errors/index.ts";

/** Where requests go, and the same place said without secrets. */
export interface EndpointUrl {
  /** Base URL used for requests (`…/v1`), with its query kept aside. */
  readonly requestBase: string;
  /** Query string to append to every request URL (e.g. Azure's `api-version`), with its `?`, or "". */
  readonly query: string;
  /** Base URL without credentials or query: safe for messages, traces and manifests. */
  readonly publicBase: string;
  /** `Basic …` authorization built from credentials in the URL, if any. */
  readonly basicAuthorization: string | undefined;
  /** Host name, lower-case. */
  readonly hostname: string;
}

/**
 * Parses a base URL as the OpenAI SDKs take it (`http://host:8000/v1`). A URL with no path gets `/v1`, so
 * `http://localhost:8000` works too. Credentials in the URL become a basic authorization header and, like the
 * query, never appear in the public form.
 */
export function parseEndpointUrl(baseUrl: string): EndpointUrl {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError(
      `baseUrl must be an absolute http(s) URL such as http://localhost:8000/v1, got "${withoutSecrets(baseUrl)}"`,
      { field: "baseUrl" },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(
      `baseUrl must use http or https, got "${url.protocol}" in "${withoutSecrets(baseUrl)}"`,
      {
        field: "baseUrl",
      },
    );
  }
  const basicAuthorization =
    url.username === "" && url.password === ""
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
  let path = url.pathname.replace(/\/+$/, "");
  if (path === "") path = "/v1";
  const origin = `${url.protocol}//${url.host}`;
  return {
    requestBase: `${origin}${path}`,
    query: url.search,
    publicBase: `${origin}${path}`,
    basicAuthorization,
    hostname: url.hostname.toLowerCase(),
  };
}

/** A best-effort cleaning of a string that failed to parse as a URL: drops `user:pass@` and the query. */
function withoutSecrets(text: string): string {
  return text.replace(/\/\/[^/@]*@/, "//").replace(/\?.*$/, "");
}
