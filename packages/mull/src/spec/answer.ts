/**
 * How final answers are read out of solution texts and compared. Voting groups candidates by `key`;
 * graders compare with `equivalent`.
 */
export interface AnswerFormat {
  /** Name, e.g. `auto`, `numeric`, `math`, `date`, `choice`. */
  readonly name: string;
  /** The final answer in a solution text, or `undefined` when there is none. */
  extract(text: string): string | undefined;
  /** A canonical form: two answers with the same key are equivalent. */
  key(answer: string): string;
  /** Whether two answers (extracted or gold) are equivalent. */
  equivalent(a: string, b: string): boolean;
}
