import { checkInteger, checkNumber, numericFlag, parseFlags } from "mull/runtime";

const owner = "bench:fidelity";

/** What `npm run bench:fidelity -- --help` prints. */
export const fidelityUsage = `Usage: npm run bench:fidelity -- [options]

The fidelity matrix on the embedded lab: lab-large against itself, an F32 export, a copy with perturbed
weights and hidden top-k 40 / min-p 0.05 sampling. Needs /usr/bin/python3 with torch.

Options:
  --problems <count>   lab:hard problems whose prompts are compared, an integer >= 1 (default 4)
  --samples <count>    samples per prompt, 1 to 4096 (default 32)
  --seeds <count>      seeds 0 to count - 1, one row each, an integer >= 1 (default 3)
  --noise <size>       the perturbed copy's noise relative to each tensor's spread, a number > 0 and <= 1
                       (default 0.01)
  -h, --help           print this help
`;

/** The settings of `npm run bench:fidelity`, checked. */
export interface FidelityOptions {
  readonly problems: number;
  readonly samples: number;
  readonly seeds: number;
  readonly noise: number;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  problems: { type: "string", default: "4" },
  samples: { type: "string", default: "32" },
  seeds: { type: "string", default: "3" },
  noise: { type: "string", default: "0.01" },
} as const;

/**
 * Reads and checks the flags of `npm run bench:fidelity`; `undefined` for `--help`, whose text is
 * `fidelityUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag, a count below 1 or not an integer
 *   (`--problems 0`, `--seeds 0`: no prompt or no row to compare), more samples than `checkFidelity` takes,
 *   a noise that is not a number in (0, 1].
 * @example
 * const options = parseFidelityOptions(process.argv.slice(2));
 */
export function parseFidelityOptions(argv: readonly string[]): FidelityOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  return {
    problems: checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 }),
    samples: checkInteger(owner, "--samples", numericFlag(values.samples), { minimum: 1, maximum: 4096 }),
    seeds: checkInteger(owner, "--seeds", numericFlag(values.seeds), { minimum: 1 }),
    noise: checkNumber(owner, "--noise", numericFlag(values.noise), { exclusiveMinimum: 0, maximum: 1 }),
  };
}
