import { z } from "zod";
import type { RunRoutes } from "../run-data.ts";

const routedModel = z.object({
  model: z.string().optional(),
  baseUrl: z.string().optional(),
  modelHash: z.string().optional(),
});

const configRoutes = z.object({
  routes: z.object({
    byStrategy: z.record(z.string(), z.string()),
    models: z.record(z.string(), routedModel),
  }),
});

/**
 * The routes a run's stored configuration (`benchConfig`, the `config_json` column) records for its
 * routing strategies, with each routed model's identity; `undefined` when no strategy routes (or the
 * configuration predates routes). Fields a backend did not describe are left out, not `undefined`.
 *
 * @example
 * routesFromConfig({ routes: { byStrategy: { "cascade@8": "small>large" }, models: { small: { model: "small" } } } });
 */
export function routesFromConfig(config: unknown): RunRoutes | undefined {
  const parsed = configRoutes.safeParse(typeof config === "string" ? JSON.parse(config) : config);
  if (!parsed.success) return undefined;
  const { byStrategy, models } = parsed.data.routes;
  return {
    byStrategy,
    models: Object.fromEntries(
      Object.entries(models).map(([name, described]) => [
        name,
        Object.fromEntries(Object.entries(described).filter(([, value]) => value !== undefined)),
      ]),
    ),
  };
}
