export {
  type CircuitAdmission,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitPermit,
  type CircuitState,
  type CircuitVerdict,
  circuitVerdict,
  createCircuitBreaker,
} from "./circuit-breaker.ts";
export { CircuitOpenError } from "./circuit-open-error.ts";
export { createJudgeBackend, type JudgeBackend } from "./judge-backend.ts";
export type { UpstreamCallKind, UpstreamCallObserver } from "./observed-fetch.ts";
export { type ProbeUpstreamsOptions, probeUpstreams, type UpstreamProbeOutcome } from "./probe-upstreams.ts";
export { countSamples, type SampleCount } from "./sample-count.ts";
export { createSampleFanOut, type SampleCounts, type SampleFanOut } from "./sample-fan-out.ts";
export {
  type BuildServedModelsOptions,
  buildServedModels,
  type ServedModel,
  type ServedModels,
} from "./served-model.ts";
export { underServedName } from "./under-served-name.ts";
export type { CircuitFactory, CircuitSettings, UpstreamCircuit } from "./upstream-circuit.ts";
export { upstreamCircuits } from "./upstream-circuits.ts";
