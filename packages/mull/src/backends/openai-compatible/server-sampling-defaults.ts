import type { ServerSamplingDefaults } from "../../spec/index.ts";
import { type ReadServerJsonOptions, readServerJson } from "./read-server-json.ts";

/** Options of `readServerSamplingDefaults`. */
export type ReadServerSamplingDefaultsOptions = ReadServerJsonOptions;

/**
 * The sampling settings llama.cpp's server applies to every field a request leaves out, as its `/props`
 * reports them under `default_generation_settings` (recent builds nest them in `params`). Only the
 * sampler's settings are kept: the samplers' order and the scalar parameters that shape the distribution.
 */
const samplingFields = [
  "samplers",
  "temperature",
  "dynatemp_range",
  "dynatemp_exponent",
  "top_k",
  "top_p",
  "min_p",
  "top_n_sigma",
  "typical_p",
  "xtc_probability",
  "xtc_threshold",
  "repeat_penalty",
  "repeat_last_n",
  "presence_penalty",
  "frequency_penalty",
  "dry_multiplier",
  "dry_base",
  "dry_allowed_length",
  "mirostat",
  "mirostat_tau",
  "mirostat_eta",
  "min_keep",
] as const;

/** A float32 setting as the user wrote it (0.949999988 → 0.95). */
function settingValue(value: unknown): number | string | boolean | readonly string[] | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? value : Number(value.toPrecision(6));
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value) && value.every((entry) => typeof entry === "string")) return value as string[];
  return undefined;
}

/**
 * The sampling defaults in the body of llama.cpp's `GET /props` (`default_generation_settings`, nested in
 * `params` by recent builds); `undefined` for a body of another shape or without any sampler setting.
 *
 * @example
 * samplingDefaultsOf({ default_generation_settings: { params: { top_k: 40 } } });
 * // { source: "llama.cpp GET /props", values: { top_k: 40 } }
 */
export function samplingDefaultsOf(props: unknown): ServerSamplingDefaults | undefined {
  if (props === null || typeof props !== "object") return undefined;
  const settings = (props as { default_generation_settings?: unknown }).default_generation_settings as
    | { params?: unknown }
    | null
    | undefined;
  const parameters = (
    settings !== null && typeof settings?.params === "object" ? settings.params : settings
  ) as Record<string, unknown> | null | undefined;
  if (parameters === null || typeof parameters !== "object") return undefined;
  const values: Record<string, number | string | boolean | readonly string[]> = {};
  for (const field of samplingFields) {
    const value = settingValue(parameters[field]);
    if (value !== undefined) values[field] = value;
  }
  if (Object.keys(values).length === 0) return undefined;
  return { source: "llama.cpp GET /props", values };
}

/**
 * Asks an OpenAI-compatible server for the sampling defaults it applies silently (the "silent
 * hyperparameters": llama.cpp's server truncates with top-k 40 and min-p 0.05 unless a request says
 * otherwise). Reads llama.cpp's `GET /props`; a server without it (vLLM, OpenAI, Ollama's OpenAI
 * endpoint), an error status, a body of another shape or an unreachable server give `undefined`: nothing
 * was discovered, which is not the same as "no defaults".
 *
 * @example
 * const defaults = await readServerSamplingDefaults({ requestBase: "http://127.0.0.1:8080/v1", headers: {} });
 * defaults?.values.top_k; // 40 on a stock llama-server
 */
export async function readServerSamplingDefaults(
  options: ReadServerSamplingDefaultsOptions,
): Promise<ServerSamplingDefaults | undefined> {
  return samplingDefaultsOf(await readServerJson("/props", options));
}
