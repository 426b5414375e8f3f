import type { ScriptedBackend } from "../testing/scripted-backend.ts";

/**
 * The scripted backend describing a model of `parameters` weights (`describe().architecture`), as the
 * embedded engine describes a loaded model; its calls are the scripted backend's.
 */
export function sized(backend: ScriptedBackend, parameters: number): ScriptedBackend {
  return {
    ...backend,
    describe: () => ({
      ...backend.describe(),
      architecture: { parameters, layers: 2, embedding: 64 },
    }),
  };
}
