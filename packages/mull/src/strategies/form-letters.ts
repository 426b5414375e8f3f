/** A form's letters: single capitals (`T`, `K` in `glimp@TkK`), not the words of `asc(INNER)`. */
const formLetter = /(?<![A-Z])[A-Z](?![A-Z])/g;

/**
 * The letters that stand for numbers in spec forms, each once, in the order they first appear: single
 * capitals, not the words of a wrapper's `asc(INNER)`.
 *
 * @example
 * formLetters(["glimp@T", "glimp@TkK"]); // ["T", "K"]
 * formLetters(["asc(INNER)", "asc(INNER)tT"]); // ["T"]
 */
export function formLetters(forms: readonly string[]): string[] {
  return [...new Set(forms.flatMap((form) => form.match(formLetter) ?? []))];
}
