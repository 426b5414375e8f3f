import { isAllocationSpec } from "../routing/index.ts";
import { findStrategyEntry, type StrategyNeed, strategyCatalog } from "../strategies/index.ts";
import { UsageError } from "./usage-error.ts";

/** The flags of `mull solve` and `mull bench` whose use depends on the backend and the strategies. */
export interface FlagsInUse {
  /** The strategy specs the run builds (`--strategy`'s one, `--strategies`' list). */
  readonly strategies: readonly string[];
  readonly apiKeyEnv?: string | undefined;
  readonly retries?: number | undefined;
  readonly timeout?: number | undefined;
  readonly scorer?: string | undefined;
  readonly prm?: string | undefined;
  readonly prmModel?: string | undefined;
  readonly prmApiKeyEnv?: string | undefined;
  /** `--temperature` and `--top-p`, which `greedy` (temperature 0) does not sample with. */
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
}

/** Where the flags are used: the backend the run makes, and the flag that named the strategies. */
export interface FlagsContext {
  readonly backend: "embedded" | "openai";
  readonly specFlag: "--strategy" | "--strategies";
}

/** Whether a strategy of the list is built with what `need` names (a spec in no catalog form needs nothing). */
function anyNeeds(strategies: readonly string[], need: StrategyNeed): boolean {
  return strategies.some(
    (spec) => !isAllocationSpec(spec) && findStrategyEntry(spec)?.entry.needs.includes(need) === true,
  );
}

/** The catalog forms of the strategies that need `need`, for a message: `bon@N, wv@N, …`. */
function formsNeeding(need: StrategyNeed): string {
  return strategyCatalog
    .filter((entry) => entry.needs.includes(need))
    .map((entry) => entry.forms[0])
    .join(", ");
}

/**
 * Refuses, before any model loads, a flag the run would ignore without a word, naming it, its value and
 * why: `--api-key-env`, `--retries` and `--timeout` without a server (the embedded backend sends no
 * request), `--prm-model` and `--prm-api-key-env` without an HTTP PRM (`--prm URL`), and `--scorer` or
 * `--prm` when no strategy the spec flag names uses one (as the strategy catalog's `needs` say), and
 * `--temperature` (but 0) or `--top-p` when every strategy is `greedy`, which decodes at temperature 0.
 *
 * @throws UsageError naming the flag, its value and why it does not apply.
 * @example
 * refuseUnusedFlags({ strategies: ["greedy"], prm: "exact" }, { backend: "embedded", specFlag: "--strategy" });
 * // throws: --prm exact applies to strategies that use a process reward model (…); --strategy greedy is not one
 */
export function refuseUnusedFlags(flags: FlagsInUse, context: FlagsContext): void {
  if (context.backend === "embedded") {
    if (flags.apiKeyEnv !== undefined) {
      throw new UsageError(
        `--api-key-env ${flags.apiKeyEnv} applies to an OpenAI-compatible server (--base-url) only; the embedded backend takes no key`,
        "--api-key-env",
      );
    }
    for (const [flag, value] of [
      ["--retries", flags.retries],
      ["--timeout", flags.timeout],
    ] as const) {
      if (value === undefined) continue;
      throw new UsageError(
        `${flag} ${value} applies to an OpenAI-compatible server (--base-url) only; the embedded backend sends no HTTP request`,
        flag,
      );
    }
  }
  const httpPrm = flags.prm !== undefined && /^https?:\/\//.test(flags.prm);
  for (const [flag, value] of [
    ["--prm-model", flags.prmModel],
    ["--prm-api-key-env", flags.prmApiKeyEnv],
  ] as const) {
    if (value === undefined || httpPrm) continue;
    const given = flags.prm === undefined ? "no --prm was given" : `--prm ${flags.prm} is not one`;
    throw new UsageError(`${flag} ${value} applies to an HTTP PRM (--prm URL) only; ${given}`, flag);
  }
  const named = `${context.specFlag} ${flags.strategies.join(",")}`;
  const none = context.specFlag === "--strategies" ? `${named} names none` : `${named} is not one`;
  for (const [flag, value, need, what] of [
    ["--scorer", flags.scorer, "scorer", "an outcome scorer"],
    ["--prm", flags.prm, "prm", "a process reward model"],
  ] as const) {
    if (value === undefined || anyNeeds(flags.strategies, need)) continue;
    throw new UsageError(
      `${flag} ${value} applies to strategies that use ${what} (${formsNeeding(need)}); ${none}`,
      flag,
    );
  }
  if (
    flags.strategies.length > 0 &&
    flags.strategies.every((spec) => spec.trim().toLowerCase() === "greedy")
  ) {
    for (const [flag, value] of [
      ["--temperature", flags.temperature],
      ["--top-p", flags.topP],
    ] as const) {
      // `--temperature 0` says what greedy does.
      if (value === undefined || (flag === "--temperature" && value === 0)) continue;
      throw new UsageError(
        `${flag} ${value} does not apply to greedy, which decodes at temperature 0; ` +
          "-s single draws one sample at --temperature and --top-p",
        flag,
      );
    }
  }
}
