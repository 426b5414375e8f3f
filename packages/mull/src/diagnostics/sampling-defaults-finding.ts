import { wordList } from "../runtime/index.ts";
import type { BackendDescription, ServerSamplingDefaults } from "../spec/index.ts";

/**
 * What the sampling check asks of the candidate besides its temperature, so that no sampling default of
 * the server applies to its samples: no top-k, top-p or min-p cut.
 */
export const untruncatedSampling = { topK: 0, topP: 1, minP: 0 } as const;

/** What a setting left out of a request does to the distribution sampled. */
type SettingEffect = "truncates" | "reshapes";

/** One sampling setting of llama.cpp's server, the sampler of its chain it belongs to, and when it acts. */
interface SettingRule {
  /** The setting's field in `/props`, e.g. `top_k`. */
  readonly field: string;
  /** The sampler's name in the `samplers` chain (`typ_p` for `typical_p`); a sampler not in it never runs. */
  readonly sampler: string;
  /** What the setting does at `value`, given every reported setting; `undefined` where it does nothing. */
  readonly effect: (value: number, values: ServerSamplingDefaults["values"]) => SettingEffect | undefined;
}

const truncatesWhen = (acts: boolean): SettingEffect | undefined => (acts ? "truncates" : undefined);
const reshapesWhen = (acts: boolean): SettingEffect | undefined => (acts ? "reshapes" : undefined);

/**
 * The settings that change what a request that leaves them out samples, as llama.cpp applies them: each
 * is a no-op at its neutral value (top-k ≤ 0, top-p ≥ 1, min-p ≤ 0, temperature 1, …). A temperature ≤ 0
 * samples greedily, which keeps one token: a cut.
 */
const settingRules: readonly SettingRule[] = [
  { field: "top_k", sampler: "top_k", effect: (value) => truncatesWhen(value > 0) },
  { field: "top_p", sampler: "top_p", effect: (value) => truncatesWhen(value < 1) },
  { field: "min_p", sampler: "min_p", effect: (value) => truncatesWhen(value > 0) },
  { field: "typical_p", sampler: "typ_p", effect: (value) => truncatesWhen(value < 1) },
  { field: "top_n_sigma", sampler: "top_n_sigma", effect: (value) => truncatesWhen(value > 0) },
  {
    field: "xtc_probability",
    sampler: "xtc",
    effect: (value, values) => truncatesWhen(value > 0 && Number(values.xtc_threshold ?? 0.1) <= 0.5),
  },
  {
    field: "temperature",
    sampler: "temperature",
    effect: (value) => (value <= 0 ? "truncates" : reshapesWhen(value !== 1)),
  },
  { field: "dynatemp_range", sampler: "temperature", effect: (value) => reshapesWhen(value > 0) },
  {
    field: "repeat_penalty",
    sampler: "penalties",
    effect: (value, values) => reshapesWhen(value !== 1 && values.repeat_last_n !== 0),
  },
  {
    field: "presence_penalty",
    sampler: "penalties",
    effect: (value, values) => reshapesWhen(value !== 0 && values.repeat_last_n !== 0),
  },
  {
    field: "frequency_penalty",
    sampler: "penalties",
    effect: (value, values) => reshapesWhen(value !== 0 && values.repeat_last_n !== 0),
  },
  { field: "dry_multiplier", sampler: "dry", effect: (value) => reshapesWhen(value > 0) },
];

/** Settings always shown when reported, acting or not, so that a reader sees the usual suspects' values. */
const shownFields = ["temperature", "top_k", "top_p", "min_p"];

/** What one backend applies to sampling fields a request leaves out, as far as it said. */
export interface SamplingDefaultsFinding {
  /** Where the defaults were read (`llama.cpp GET /props`); absent where nothing was discovered. */
  readonly source?: string | undefined;
  /** Every reported default by the server's own field names; absent where nothing was discovered. */
  readonly values?: ServerSamplingDefaults["values"] | undefined;
  /**
   * Defaults that cut the distribution for a client that leaves them out, as `field value` (`top_k 40`,
   * `min_p 0.05`); empty where none does or nothing was discovered.
   */
  readonly truncating: readonly string[];
  /** Defaults that otherwise change it for such a client (`temperature 0.8`, penalties); empty likewise. */
  readonly reshaping: readonly string[];
  /** One line saying the defaults and what they do, or that the backend did not report them. */
  readonly detail: string;
}

/** Both backends' sampling defaults, beside what the sampling check sent instead of relying on them. */
export interface FidelitySamplingDefaults {
  /** What every request of the sampling check said explicitly, so that none of these defaults applied to it. */
  readonly sent: { readonly temperature: number; readonly top_k: 0; readonly top_p: 1; readonly min_p: 0 };
  /** The reference's defaults. */
  readonly reference: SamplingDefaultsFinding;
  /** The candidate's defaults. */
  readonly candidate: SamplingDefaultsFinding;
}

/** `field value` of a reported setting. */
function setting(field: string, value: ServerSamplingDefaults["values"][string]): string {
  return `${field} ${Array.isArray(value) ? value.join(",") : String(value)}`;
}

/**
 * Reads a backend's reported sampling defaults (`BackendCapabilities.samplingDefaults`) for what they do
 * to a client that leaves those fields out of its requests: which cut the distribution (top-k > 0, top-p
 * < 1, min-p > 0, typical-p < 1, top-n-sigma > 0, XTC, a temperature ≤ 0) and which otherwise reshape it
 * (a temperature other than 1, dynamic temperature, repeat penalties, DRY). A setting whose sampler the
 * reported `samplers` chain leaves out does nothing, and under mirostat only the temperature applies, as
 * in llama.cpp. `undefined` defaults are "not reported by the server" (or "by the backend" for one that
 * is not a server): unknown, which is not the same as none.
 *
 * @example
 * samplingDefaultsFinding({ source: "llama.cpp GET /props", values: { top_k: 40, min_p: 0.05, temperature: 0.8 } }, { kind: "openai-compatible", model: "m", baseUrl: "http://…/v1" }).truncating;
 * // ["top_k 40", "min_p 0.05"]
 */
export function samplingDefaultsFinding(
  defaults: ServerSamplingDefaults | undefined,
  description: Pick<BackendDescription, "baseUrl">,
): SamplingDefaultsFinding {
  if (defaults === undefined) {
    const reporter = description.baseUrl === undefined ? "backend" : "server";
    return { truncating: [], reshaping: [], detail: `not reported by the ${reporter}` };
  }
  const { values } = defaults;
  const chain = Array.isArray(values.samplers) ? (values.samplers as readonly string[]) : undefined;
  const mirostat = typeof values.mirostat === "number" && values.mirostat !== 0;
  const effects: Record<SettingEffect, string[]> = { truncates: [], reshapes: [] };
  if (mirostat) effects.truncates.push(setting("mirostat", values.mirostat as number));
  for (const rule of settingRules) {
    const value = values[rule.field];
    if (typeof value !== "number") continue;
    if (mirostat ? rule.field !== "temperature" : chain !== undefined && !chain.includes(rule.sampler)) {
      continue;
    }
    const effect = rule.effect(value, values);
    if (effect !== undefined) effects[effect].push(setting(rule.field, value));
  }
  const acting = new Set([...effects.truncates, ...effects.reshapes]);
  const shown = Object.entries(values)
    .filter(([field, value]) => shownFields.includes(field) || acting.has(setting(field, value)))
    .map(([field, value]) => setting(field, value));
  const { truncates, reshapes } = effects;
  const truncated = truncates.length === 0 ? undefined : `truncated by ${wordList(truncates, "and")}`;
  const reshaped = reshapes.length === 0 ? undefined : `reshaped by ${wordList(reshapes, "and")}`;
  const gets =
    truncated === undefined && reshaped === undefined
      ? "the model's whole distribution, neither truncated nor reshaped"
      : `a distribution ${truncated === undefined ? `${reshaped}, not truncated` : [truncated, reshaped].filter(Boolean).join(", ")}`;
  return {
    source: defaults.source,
    values,
    truncating: effects.truncates,
    reshaping: effects.reshapes,
    detail: `${shown.length === 0 ? "" : `${shown.join(", ")} `}(${defaults.source}); a client that leaves them out gets ${gets}`,
  };
}

/**
 * The lines a report shows beside the sampling check's verdict: what the check sent, and each backend's
 * defaults with what they do to a client that leaves them out.
 *
 * @example
 * describeSamplingDefaults(report.samplingDefaults);
 * // ["the sampling check sent temperature 2, top_k 0, top_p 1, min_p 0 explicitly, so no default below applied to it", "candidate defaults: …", "reference defaults: not reported by the backend"]
 */
export function describeSamplingDefaults(defaults: FidelitySamplingDefaults): string[] {
  const sent = Object.entries(defaults.sent).map(([field, value]) => setting(field, value));
  return [
    `the sampling check sent ${sent.join(", ")} explicitly, so no default below applied to it`,
    `candidate defaults: ${defaults.candidate.detail}`,
    `reference defaults: ${defaults.reference.detail}`,
  ];
}
