import { isIP } from "node:net";
import { ConfigError } from "../../errors/index.ts";
import { type AddressPolicy, bareHost } from "./address-policy.ts";

const secretQueryNames = /^(key|api[-_]?key|access[-_]?token|token|secret|password)$/i;

/** Removes credentials and the query from a URL-like text, for messages. */
export function publicUrlText(text: string): string {
  return text.replace(/\/\/[^/@?#]*@/, "//").replace(/[?#].*$/, "");
}

/**
 * Checks an upstream base URL when the configuration loads: it must be an absolute `http:` or `https:`
 * URL without credentials (keys go in an environment variable) or a secret in its query, and a literal
 * address (however it is written: `0x7f.1`, `2130706433`, `[::ffff:7f00:1]`) or `localhost` must pass the
 * address policy. Host names are checked again at connect time, on the address they resolve to.
 *
 * @throws ConfigError naming `field` and the reason.
 * @example
 * checkUpstreamUrl("http://169.254.169.254/v1", createAddressPolicy(), "upstreams[0].baseUrl"); // throws
 */
export function checkUpstreamUrl(text: string, policy: AddressPolicy, field: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${field}: expected an absolute http(s) URL, got "${publicUrlText(text)}"`, {
      field,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${field}: only http and https upstreams are allowed, got "${url.protocol}"`, {
      field,
    });
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(
      `${field}: credentials in the URL are refused (${publicUrlText(text)}); put the key in an environment variable named by apiKeyEnv`,
      { field },
    );
  }
  for (const name of url.searchParams.keys()) {
    if (secretQueryNames.test(name)) {
      throw new ConfigError(
        `${field}: a secret in the query ("${name}=…") is refused; put the key in an environment variable named by apiKeyEnv`,
        { field },
      );
    }
  }
  const host = bareHost(url.hostname).toLowerCase();
  const literals =
    isIP(host) !== 0
      ? [host]
      : host === "localhost" || host.endsWith(".localhost")
        ? ["127.0.0.1", "::1"]
        : [];
  for (const address of literals) {
    const refusal = policy.refusal(address);
    if (refusal !== undefined) {
      throw new ConfigError(
        `${field}: ${url.origin} is a ${refusal} address (${address}); allow it explicitly in allowedNetworks if this upstream is meant to be there`,
        { field },
      );
    }
  }
  return url;
}
