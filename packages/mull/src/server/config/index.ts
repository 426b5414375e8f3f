export { loadServerConfig } from "./load-server-config.ts";
export { checkRoutes, type RouteEntry, routeEntrySchema } from "./route-config.ts";
export {
  type ModelEntry,
  modelEntries,
  parseServerConfig,
  type ServerConfig,
  type ServerConfigInput,
  serverConfigSchema,
  type UpstreamConfig,
} from "./server-config.ts";
