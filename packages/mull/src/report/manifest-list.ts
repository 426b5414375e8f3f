import type { RunManifest, RunRoutes } from "../bench/index.ts";
import { escapeHtml } from "./html-text.ts";
import { ratesText, shapeText } from "./inference-cost-section.ts";
import { routedModels } from "./routed-models.ts";

/** What the server applies to fields a request leaves out, as it reported them. */
function serverDefaultsText(manifest: RunManifest): string {
  const defaults = manifest.capabilities?.samplingDefaults;
  if (defaults === undefined) return "none discovered";
  const values = Object.entries(defaults.values).map(([name, value]) => `${name} ${String(value)}`);
  return `${values.join(", ")} (${defaults.source})`;
}

function capabilitiesText(manifest: RunManifest): string {
  const capabilities = manifest.capabilities;
  if (capabilities === undefined) return "not recorded";
  const on = Object.entries(capabilities)
    .filter(([, value]) => value === true)
    .map(([name]) => name);
  return `${on.join(", ")}${capabilities.maxTopLogprobs === undefined ? "" : `; top logprobs up to ${capabilities.maxTopLogprobs}`}`;
}

/** One entry per model the routes name besides the backend's own: where it ran, its hash, its routes. */
function routedModelEntries(manifest: RunManifest, routes: RunRoutes | undefined): [string, string][] {
  return routedModels(manifest, routes).map((model) => {
    const used = model.strategies.map((strategy) => `${strategy} (${routes?.byStrategy[strategy]})`);
    return [
      "routed model",
      `${model.name}${model.baseUrl === undefined ? "" : ` at ${model.baseUrl}`}; model hash ${model.modelHash ?? "—"}; routes of ${used.join(", ")}`,
    ];
  });
}

/**
 * The report's manifest section: the run, dataset, strategies, backend (versions, model hash and shape,
 * capabilities), every other model a routing strategy generated with (its hash and routes), seed,
 * sampling, the server's sampling defaults, the machine and its rates, versions and config hash, as an
 * HTML definition list.
 *
 * @example
 * const html = manifestList(run.manifest, run.routes); // <dl class="manifest">…
 */
export function manifestList(manifest: RunManifest, routes?: RunRoutes | undefined): string {
  const backend = manifest.backend;
  const machine = manifest.machine;
  const versions = (record: Readonly<Record<string, string>> | undefined) =>
    record === undefined || Object.keys(record).length === 0
      ? "—"
      : Object.entries(record)
          .map(([name, version]) => `${name} ${version}`)
          .join(", ");
  const entries: [string, string][] = [
    ["run", manifest.runId],
    ["created", manifest.createdAt],
    ["dataset", `${manifest.dataset}${manifest.limit === undefined ? "" : ` (first ${manifest.limit})`}`],
    ["strategies", manifest.strategies.join(", ")],
    [
      "backend",
      `${backend.kind}: ${backend.model}${backend.baseUrl === undefined ? "" : ` at ${backend.baseUrl}`}`,
    ],
    ["backend versions", versions(backend.versions)],
    ["model hash", backend.modelHash ?? "—"],
    ["model shape", shapeText(backend.architecture)],
    ...routedModelEntries(manifest, routes),
    ["capabilities", capabilitiesText(manifest)],
    ["seed", String(manifest.seed)],
    ["sampling", JSON.stringify(manifest.sampling)],
    ["server sampling defaults", serverDefaultsText(manifest)],
    [
      "machine",
      `${machine.platform} ${machine.arch}, ${machine.cpuModel}, ${machine.cpus} CPUs, ${(machine.totalMemoryBytes / 1024 ** 3).toFixed(1)} GiB`,
    ],
    ["machine rates", ratesText(machine.performance)],
    ...(machine.engine === undefined
      ? []
      : [["engine rates", ratesText(machine.engine)] as [string, string]]),
    ["versions", versions(manifest.versions)],
    ["config hash", manifest.configHash],
  ];
  return `<dl class="manifest">\n${entries
    .map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join("\n")}\n</dl>`;
}
