import type { AnswerFormat } from "../spec/index.ts";
import { answerAfterPhrase } from "./answer-after-phrase.ts";
import { lastBoxed } from "./last-boxed.ts";
import { mathKey } from "./math-key.ts";

/**
 * MATH-style LaTeX answers. Extraction takes the last `\boxed{...}` (nested braces kept), else the answer
 * after "the answer is" / "Final answer:". Keys ignore markup that does not change the value (`\left`,
 * `\right`, `\!`, `\,`, `\$`, `\%`, `^\circ`, `\text{...}` units, `\dfrac`, a trailing period, an `x =`
 * prefix), compare arithmetic by value (`\frac{1}{2}`, `0.5` and `1/2` agree) and tuples and intervals
 * element by element.
 *
 * @example
 * mathAnswerFormat.extract("so $\\boxed{\\dfrac{1}{2}}$."); // "\\dfrac{1}{2}"
 * mathAnswerFormat.equivalent("\\frac{1}{2}", "0.5"); // true
 */
export const mathAnswerFormat: AnswerFormat = {
  name: "math",
  extract(text) {
    return lastBoxed(text) ?? answerAfterPhrase(text);
  },
  key(answer) {
    return mathKey(answer);
  },
  equivalent(a, b) {
    return mathKey(a) === mathKey(b);
  },
};
