export { createServerLogger, type ServerLoggerOptions } from "./server-logger.ts";
export { createServerMetrics, type ServerMetrics, type ServerMetricsOptions } from "./server-metrics.ts";
