import { AsyncLocalStorage } from "node:async_hooks";
import { optionalMethodsOf } from "../../runtime/index.ts";
import type { Backend } from "../../spec/index.ts";

/**
 * The backend a served model's judges call (its LLM-judge outcome scorer, its judge PRM), whose calls
 * each request can watch as it watches its own: a judge's calls reach the upstream, and cost the key
 * tokens, as the samples' do.
 */
export interface JudgeBackend {
  /**
   * What the judges are built over: each call goes through the watch of the request whose work made it
   * (`watching`), else straight to the upstream.
   */
  readonly backend: Backend;
  /**
   * Runs `work` so that the judge calls it makes, and those of every call it starts (awaited
   * continuations, queued calls), go through `watch(upstream)`, made once here (`UsageMeter.watch`).
   */
  watching<T>(watch: (upstream: Backend) => Backend, work: () => T): T;
}

/**
 * A judge backend over `upstream`. Why the watch travels with the asynchronous work rather than with a
 * call's arguments: the judges are built once per served model, and a step-level search holds its PRM from
 * the moment its request is planned, before the request's meter exists; yet a request that fails or is
 * aborted while its judge works must be charged the judge's calls (its run returns no usage), and
 * concurrent requests over one judge must each see only their own.
 *
 * @example
 * const judge = createJudgeBackend(backend);
 * const scorer = llmJudgeScorer({ backend: judge.backend });
 * await judge.watching((upstream) => meter.watch(upstream, undefined), () => solve({ ..., scorer }));
 */
export function createJudgeBackend(upstream: Backend): JudgeBackend {
  const scope = new AsyncLocalStorage<Backend>();
  return {
    backend: {
      describe: () => upstream.describe(),
      capabilities: (options) => upstream.capabilities(options),
      generate: (request, options) => (scope.getStore() ?? upstream).generate(request, options),
      ...optionalMethodsOf(upstream),
    },
    watching: (watch, work) => scope.run(watch(upstream), work),
  };
}
