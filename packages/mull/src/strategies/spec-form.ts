/** A compiled spec form: its family (the words before `@`) and a matcher that reads its integers. */
export interface SpecForm {
  readonly form: string;
  /** The family as a pattern over a spec's text before `@`, e.g. `/^beam-la\d+$/` for `beam-laL@NxM`. */
  readonly family: RegExp;
  /** The integers of a spec that has this form, by letter; `undefined` when the spec has another shape. */
  read(spec: string): Record<string, number> | undefined;
}

const placeholder = /[A-Z]/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function pattern(text: string, decimals: readonly string[] = []): { source: string; letters: string[] } {
  const letters: string[] = [];
  for (const letter of text.match(placeholder) ?? []) letters.push(letter);
  const source = text
    .split(placeholder)
    .map(escapeRegExp)
    .reduce((joined, part, index) => {
      if (index === 0) return part;
      const number = decimals.includes(letters[index - 1] ?? "") ? "(\\d+(?:\\.\\d+)?)" : "(\\d+)";
      return `${joined}${number}${part}`;
    }, "");
  return { source, letters };
}

/**
 * Compiles a spec form such as `beam-laL@NxM` (lower-case words, a capital letter per integer; the letters
 * named in `decimals` take a decimal number instead, e.g. a threshold).
 *
 * @example
 * compileSpecForm("beam-laL@NxM").read("beam-la1@16x4"); // { L: 1, N: 16, M: 4 }
 * compileSpecForm("glimp@T", ["T"]).read("glimp@0.6"); // { T: 0.6 }
 */
export function compileSpecForm(form: string, decimals: readonly string[] = []): SpecForm {
  const whole = pattern(form, decimals);
  const matcher = new RegExp(`^${whole.source}$`);
  const family = new RegExp(`^${pattern(form.split("@")[0] ?? form).source}$`);
  return {
    form,
    family,
    read(spec) {
      const match = matcher.exec(spec);
      if (match === null) return undefined;
      const values: Record<string, number> = {};
      whole.letters.forEach((letter, index) => {
        values[letter] = Number(match[index + 1]);
      });
      return values;
    },
  };
}
