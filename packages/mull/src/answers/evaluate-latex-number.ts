/**
 * A recursive-descent reader of arithmetic written in LaTeX or plain text: numbers, `+ - * / ^`, `\cdot`,
 * `\times`, `\div`, `1e-3`, `\frac{a}{b}`, `\sqrt{x}`, `\sqrt[n]{x}`, `\pi`, parentheses, braces and implicit
 * multiplication (`2\sqrt{3}`, `3\pi`). Anything else (a variable, `\infty`, `i`) makes it give up.
 */
class Reader {
  readonly text: string;
  position = 0;

  constructor(text: string) {
    this.text = text;
  }

  fail(): never {
    throw new NotANumber();
  }

  peek(): string {
    return this.text[this.position] ?? "";
  }

  startsWith(token: string): boolean {
    return (
      this.text.startsWith(token, this.position) &&
      !/[a-zA-Z]/.test(this.text[this.position + token.length] ?? "")
    );
  }

  accept(token: string): boolean {
    const isCommand = token.startsWith("\\") && /[a-zA-Z]$/.test(token);
    const matches = isCommand ? this.startsWith(token) : this.text.startsWith(token, this.position);
    if (matches) this.position += token.length;
    return matches;
  }

  expect(token: string): void {
    if (!this.accept(token)) this.fail();
  }

  expression(): number {
    let value = this.term();
    for (;;) {
      if (this.accept("+")) value += this.term();
      else if (this.accept("-")) value -= this.term();
      else return value;
    }
  }

  term(): number {
    let value = this.unary();
    for (;;) {
      if (this.accept("*") || this.accept("\\cdot") || this.accept("\\times")) value *= this.unary();
      else if (this.accept("/") || this.accept("\\div")) value /= this.unary();
      else if (this.startsAtom()) value *= this.power();
      else return value;
    }
  }

  unary(): number {
    if (this.accept("-")) return -this.unary();
    if (this.accept("+")) return this.unary();
    return this.power();
  }

  power(): number {
    const base = this.atom();
    if (this.accept("^")) {
      // `2^{10}` or `2^3`; a signed exponent binds to its sign (`10^-3`).
      const exponent = this.peek() === "-" || this.peek() === "+" ? this.unary() : this.power();
      return base ** exponent;
    }
    return base;
  }

  startsAtom(): boolean {
    const next = this.peek();
    return (
      /[\d({[]/.test(next) ||
      this.startsWith("\\frac") ||
      this.startsWith("\\sqrt") ||
      this.startsWith("\\pi")
    );
  }

  group(): number {
    if (this.accept("{")) {
      const value = this.expression();
      this.expect("}");
      return value;
    }
    // `\frac12`: an unbraced argument is one digit.
    const digit = /^\d/.exec(this.text.slice(this.position));
    if (digit) {
      this.position += 1;
      return Number(digit[0]);
    }
    return this.atom();
  }

  atom(): number {
    const number = /^(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/i.exec(this.text.slice(this.position));
    if (number) {
      this.position += number[0].length;
      return Number(number[0]);
    }
    for (const [open, close] of [
      ["(", ")"],
      ["{", "}"],
      ["[", "]"],
    ] as const) {
      if (this.accept(open)) {
        const value = this.expression();
        this.expect(close);
        return value;
      }
    }
    if (this.accept("\\frac")) {
      const numerator = this.group();
      const denominator = this.group();
      return numerator / denominator;
    }
    if (this.accept("\\sqrt")) {
      let degree = 2;
      if (this.accept("[")) {
        degree = this.expression();
        this.expect("]");
      }
      const radicand = this.group();
      return degree === 2 ? Math.sqrt(radicand) : Math.sign(radicand) * Math.abs(radicand) ** (1 / degree);
    }
    if (this.accept("\\pi")) return Math.PI;
    return this.fail();
  }
}

class NotANumber extends Error {}

/**
 * The value of an arithmetic expression written in LaTeX or plain text (whitespace ignored), or
 * `undefined` when it is not one (it names a variable, an unknown command, or does not parse). Only
 * finite results count.
 *
 * @example
 * evaluateLatexNumber("\\frac{\\sqrt{3}}{2}"); // 0.8660254037844386
 * evaluateLatexNumber("2x"); // undefined
 */
export function evaluateLatexNumber(text: string): number | undefined {
  const compact = text.replace(/\s+/g, "");
  if (compact === "" || !/\d|\\pi/.test(compact)) return undefined;
  const reader = new Reader(compact);
  try {
    const value = reader.expression();
    if (reader.position !== compact.length || !Number.isFinite(value)) return undefined;
    return value;
  } catch (error) {
    if (error instanceof NotANumber) return undefined;
    throw error;
  }
}
