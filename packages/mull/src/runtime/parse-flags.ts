import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { ConfigError } from "../errors/index.ts";

/**
 * One flag as `parseFlags` takes it: the shape of `node:util`'s `ParseArgsOptionConfig`, declared here so that
 * mull's published types need no `@types/node`.
 */
export interface FlagDefinition {
  /** `string` takes a value; `boolean` takes none, and `--no-<flag>` sets it false. */
  readonly type: "string" | "boolean";
  /** Whether the flag may be given more than once, its values collected in an array. */
  readonly multiple?: boolean | undefined;
  /** A one-letter alias: `h` for `-h`. */
  readonly short?: string | undefined;
  /** The value when the flag is not given. */
  readonly default?: FlagDefault | undefined;
}

/** A flag's default value. */
type FlagDefault = string | boolean | readonly string[] | readonly boolean[];

/** The flags `parseFlags` reads, by long name. */
export type FlagDefinitions = Readonly<Record<string, FlagDefinition>>;

/** One value of a flag: a string or a boolean by its type. */
type FlagScalar<Definition extends FlagDefinition> = Definition["type"] extends "string"
  ? string
  : Definition["type"] extends "boolean"
    ? boolean
    : string | boolean;

/** A flag's value: an array of them for a `multiple` flag. */
type FlagValue<Definition extends FlagDefinition> = Definition["multiple"] extends true
  ? FlagScalar<Definition>[]
  : FlagScalar<Definition>;

/** The names of the flags in `Options` that have a default. */
type DefaultedFlags<Options extends FlagDefinitions> = {
  [Name in keyof Options]: Options[Name] extends { readonly default: FlagDefault } ? Name : never;
}[keyof Options];

/**
 * What `parseFlags` returns: each flag's value by its long name, always there for a flag with a default,
 * else only when given.
 */
export type ParsedFlags<Options extends FlagDefinitions> = {
  -readonly [Name in DefaultedFlags<Options>]: FlagValue<Options[Name]>;
} & {
  -readonly [Name in Exclude<keyof Options, DefaultedFlags<Options>>]?: FlagValue<Options[Name]>;
};

/** A negative plain decimal (`-1`, `-0.5`, `-.5`): a value, never a flag. */
const negativeNumber = /^-(\d+\.?\d*|\.\d+)$/;

/** The long name of the option `argument` (`--name`, `--name=…`, `--no-name`, `-n`) stands for, if any. */
function optionOf(argument: string, options: ParseArgsOptionsConfig): string | undefined {
  if (argument.startsWith("--")) {
    const name = argument.slice(2).split("=")[0]!;
    if (Object.hasOwn(options, name)) return name;
    const negated = name.startsWith("no-") ? name.slice(3) : undefined;
    return negated !== undefined && options[negated]?.type === "boolean" ? negated : undefined;
  }
  if (!argument.startsWith("-") || argument.length !== 2) return undefined;
  return Object.keys(options).find((name) => options[name]?.short === argument[1]);
}

/**
 * `argv` with each value-taking flag followed by a negative number written as `--name=-1`, which
 * `parseArgs` reads as the value (it refuses `--name -1` as a value that may be a forgotten flag).
 */
function joinNegativeValues(argv: readonly string[], options: ParseArgsOptionsConfig): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (argument === "--") return [...joined, ...argv.slice(index)];
    const name = argument.includes("=") ? undefined : optionOf(argument, options);
    const next = argv[index + 1];
    if (
      name !== undefined &&
      options[name]?.type === "string" &&
      next !== undefined &&
      negativeNumber.test(next)
    ) {
      joined.push(`--${name}=${next}`);
      index += 1;
    } else {
      joined.push(argument);
    }
  }
  return joined;
}

/** One line naming the flag and what it expected, for an error of `parseArgs` (or undefined to keep its own). */
function refusal(
  error: Error & { readonly code: string },
  argv: readonly string[],
  options: ParseArgsOptionsConfig,
): { readonly message: string; readonly field: string } | undefined {
  if (error.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const stray = /'([^']*)'/.exec(error.message)?.[1] ?? "";
    const before = argv[argv.indexOf(stray) - 1];
    const name = before === undefined ? undefined : optionOf(before, options);
    if (name !== undefined && options[name]?.type === "boolean" && !before!.includes("=")) {
      return {
        message: `--${name} takes no value; got ${JSON.stringify(stray)} after it (give --${name} or --no-${name})`,
        field: `--${name}`,
      };
    }
    return {
      message: `unexpected argument ${JSON.stringify(stray)}; expected only --flags`,
      field: "arguments",
    };
  }
  const flag = /'(-[^' ,]+)/.exec(error.message)?.[1];
  if (flag === undefined) return undefined;
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return { message: `unknown option ${flag}`, field: flag };
  }
  const name = optionOf(flag, options);
  if (error.code !== "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" || name === undefined) return undefined;
  const field = `--${name}`;
  const named = (argument: string) => optionOf(argument, options) === name;
  if (options[name]?.type === "boolean") {
    const given = argv.find((argument) => named(argument) && argument.includes("=")) ?? flag;
    return { message: `${field} takes no value; got ${given} (give ${field} or --no-${name})`, field };
  }
  // parseArgs refuses the first use without a value: the flag last, or followed by something dashed.
  const position = argv.findIndex(
    (argument, index) =>
      named(argument) &&
      !argument.includes("=") &&
      (argv[index + 1] === undefined || (argv[index + 1]!.length > 1 && argv[index + 1]!.startsWith("-"))),
  );
  const next = argv[position + 1];
  if (position === -1 || next === undefined) {
    return { message: `${field} expects a value; got nothing`, field };
  }
  if (next === "--" || optionOf(next, options) !== undefined) {
    return { message: `${field} expects a value; got nothing before ${next}`, field };
  }
  return {
    message: `${field} expects a value; got nothing before ${next} (a value starting with a dash is written ${field}=${next})`,
    field,
  };
}

/**
 * Parses a script's command-line flags (`node:util`'s `parseArgs`, with `--no-<flag>` for booleans and no
 * positionals), turning its errors into a one-line ConfigError that names the flag and what it expected,
 * so that a script can print the message and exit 2 rather than show a stack trace. A value-taking flag
 * takes a negative number as its value (`--temperature -1`, as `--temperature=-1`).
 *
 * @throws ConfigError ending in `(--help lists the options)`, its field the flag:
 *   `<owner>: unknown option --x` for an unknown flag; `--json takes no value; got --json=yes (give --json
 *   or --no-json)` for a value given to a boolean flag (also as the next argument); `--seed expects a value;
 *   got nothing` for a flag missing its value (`got nothing before --json` when a flag follows it, with
 *   `(a value starting with a dash is written --seed=-x)` after `-x`, not a flag); `unexpected argument "x"; expected only --flags` (field
 *   `arguments`) for a stray argument. The error's cause is `parseArgs`'s own.
 * @example
 * const values = parseFlags("bench:instability", process.argv.slice(2), { seed: { type: "string", default: "0" } });
 */
export function parseFlags<const Options extends FlagDefinitions>(
  owner: string,
  argv: readonly string[],
  options: Options,
): ParsedFlags<Options> {
  // The same shape, but node:util's types want mutable default arrays.
  const config = options as ParseArgsOptionsConfig;
  const joined = joinNegativeValues(argv, config);
  try {
    return parseArgs({ args: joined, allowNegative: true, options: config }).values as ParsedFlags<Options>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS")) throw error;
    const refused = refusal(error as Error & { code: string }, joined, config) ?? {
      message: (error as Error).message.replaceAll(/\s*\n\s*/g, " "),
      field: /'(-[^' ,]+)/.exec((error as Error).message)?.[1] ?? "arguments",
    };
    throw new ConfigError(`${owner}: ${refused.message} (--help lists the options)`, {
      field: refused.field,
      cause: error,
    });
  }
}

/**
 * A flag's text as a number when it is a plain decimal (`12`, `-3`, `0.5`, `.5`), else the text itself,
 * so that a check such as `checkInteger` quotes what was given (`got "abc"`) rather than `NaN`.
 *
 * @example
 * checkInteger("bench:instability", "--problems", numericFlag(values.problems), { minimum: 1 });
 */
export function numericFlag(text: string): number | string {
  return /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(text) ? Number(text) : text;
}
