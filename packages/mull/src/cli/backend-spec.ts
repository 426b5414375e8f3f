import type { BackendFlags } from "./create-backend.ts";
import { UsageError } from "./usage-error.ts";

const httpUrl = /^https?:\/\//i;

/**
 * Reads a backend spec as `mull fidelity` takes it: an embedded model name or `.gguf` path (`lab-large`,
 * `./my.gguf`), or an OpenAI-compatible server as `URL#model` (`http://localhost:8080/v1#lab-large`; a bare
 * URL means the first model the server lists). The flags name `field` (`modelFlag`), and for a server the
 * spec too (`spec`), so that errors about the model or the server name them rather than `--model`.
 *
 * @throws UsageError naming `field` for an empty spec, an empty model after `#`, or a `#` without a URL.
 * @example
 * backendFlagsFromSpec("http://localhost:8080/v1#lab-large", "--candidate");
 * // { baseUrl: "http://localhost:8080/v1", model: "lab-large", modelFlag: "--candidate", spec: "http://…#lab-large" }
 */
export function backendFlagsFromSpec(spec: string, field: string): BackendFlags {
  const text = spec.trim();
  const expected = "expected an embedded model (lab-small, lab-large, a .gguf path) or URL#model";
  if (text === "") throw new UsageError(`${field}: empty backend spec; ${expected}`, field);
  if (!httpUrl.test(text)) {
    if (text.includes("#")) {
      throw new UsageError(
        `${field}: ${JSON.stringify(spec)} has a #model but no http(s) URL; ${expected}`,
        field,
      );
    }
    return { model: text, modelFlag: field };
  }
  const hash = text.indexOf("#");
  const baseUrl = hash < 0 ? text : text.slice(0, hash);
  const model = hash < 0 ? undefined : text.slice(hash + 1).trim();
  if (model === "")
    throw new UsageError(`${field}: ${JSON.stringify(spec)} names no model after #; ${expected}`, field);
  try {
    new URL(baseUrl);
  } catch (error) {
    throw new UsageError(`${field}: ${JSON.stringify(baseUrl)} is not a valid URL; ${expected}`, field, {
      cause: error,
    });
  }
  return { baseUrl, ...(model === undefined ? {} : { model }), modelFlag: field, spec: text };
}
