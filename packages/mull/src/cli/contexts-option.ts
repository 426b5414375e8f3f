import { availableParallelism } from "node:os";
import { Option } from "@commander-js/extra-typings";
import { integerOption } from "./option-parsers.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Contexts of the embedded model that `mull lab` and `mull bench` decode in by default: two where there are two
 * cores, so that concurrent pairs use the second core (one thread per context; more threads in one context are
 * slower on the lab models).
 * On 20 problems on a shared 2-core VM, `mull lab` took 33–41 s (median 35) against 42–61 s (median 46) with
 * one, the same answers.
 */
export const sideBySideContexts = Math.min(2, availableParallelism());

/** How a command defaults `--contexts`: side by side (`mull lab`, `mull bench`) or one (`mull solve`). */
export type ContextsDefault = "side-by-side" | "one";

const defaultHelp: Record<ContextsDefault, string> = {
  "side-by-side": `default ${sideBySideContexts} with one thread and no speculative decoding, else 1`,
  // One question runs its strategy's calls one after another, or as one batch of a context's sequences.
  one: "default 1: one question at a time gains little from more",
};

/**
 * The `--contexts <count>` option: contexts of the embedded model decoding side by side, an integer from 1
 * to 64, with the help saying the command's default.
 *
 * @example
 * new Command("bench").addOption(contextsOption("side-by-side"));
 */
export function contextsOption(defaults: ContextsDefault) {
  return new Option(
    "--contexts <count>",
    `contexts of the embedded model decoding side by side (${defaultHelp[defaults]})`,
  ).argParser(integerOption(1, 64));
}

/** The flags `--contexts` is read with. */
export interface ContextsFlags {
  readonly contexts?: number | undefined;
  readonly threads?: number | undefined;
  readonly baseUrl?: string | undefined;
  readonly draftModel?: string | undefined;
  readonly promptLookup?: boolean | undefined;
}

/**
 * The contexts the embedded backend is made with: `--contexts`, else the command's default, which is one with
 * `--threads` above 1 or with speculative decoding (`--draft-model`, `--prompt-lookup`), which runs in one
 * context; `undefined` for a server (`--base-url`), which has no contexts.
 *
 * @throws UsageError naming `--contexts` or `--threads` when it is given with `--base-url` (a server has
 * neither), or `--contexts` above 1 with speculative decoding.
 * @example
 * const contexts = contextsFromFlags(flags, "side-by-side"); // 2 on two cores with --threads 1
 */
export function contextsFromFlags(flags: ContextsFlags, defaults: ContextsDefault): number | undefined {
  if (flags.baseUrl !== undefined) {
    for (const [flag, value] of [
      ["--contexts", flags.contexts],
      ["--threads", flags.threads],
    ] as const) {
      if (value !== undefined) {
        throw new UsageError(
          `${flag} ${value} applies to the embedded backend only, not to --base-url`,
          flag,
        );
      }
    }
    return undefined;
  }
  const speculative =
    flags.draftModel !== undefined ? "--draft-model" : flags.promptLookup ? "--prompt-lookup" : undefined;
  if (flags.contexts !== undefined) {
    if (flags.contexts > 1 && speculative !== undefined) {
      throw new UsageError(
        `--contexts ${flags.contexts} does not go with ${speculative}: speculative decoding runs in one context`,
        "--contexts",
      );
    }
    return flags.contexts;
  }
  if (defaults === "one" || speculative !== undefined || (flags.threads ?? 1) > 1) return 1;
  return sideBySideContexts;
}
