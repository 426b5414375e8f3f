"""The lab's arithmetic task, in the exact text format the TypeScript generator produces.

A problem is a chain of + / - on operands 1..999 where every intermediate result stays in 0..999;
its level is the number of operations (1..6). The completion after the prompt is one step per line:

    Q: 30+444+273=? A:
    30+444=474
    474+273=747
    #### 747

The random stream differs from the TypeScript generator (``lab/generate-lab-problems.ts``); the
distribution and the format are the same: the first operand is uniform in 1..999, then each step draws an
operator (+ or - with equal odds) and an operand uniform in 1..999, redrawing both until the result fits.

Options for a v2 task (off by default, so the default stream and format are those of the shipped models):

- ``OperandSizes``: a mixture of operand sizes (1-digit, 2-digit, 3-digit) instead of uniform 1..999,
  under which 2-digit operands are 9% and 1-digit 0.9% of draws. With it, chains like ``37+48-19`` are
  in the training distribution; the intermediate constraint (0..999) is unchanged.
- the grouped solution path (``grouped_completion_text``): sum the added operands, then the subtracted
  ones, then one subtraction. Every line stays a single checkable operation ``a op b = c``; sums may
  exceed 999 (the final answer cannot). A training stream that mixes both paths (``grouped_share``) lets
  the model choose a path, so that sampled solutions take different routes to the answer.
"""

import random

MIN_OPERAND = 1
MAX_OPERAND = 999
MIN_VALUE = 0
MAX_VALUE = 999
# The trained levels (operations per chain); training draws one of them per batch.
LEVELS = [1, 2, 3, 4, 5, 6]
# The most tokens an evaluation in torch generates after a prompt (torch_evaluate.py).
MAX_NEW_TOKENS = 120


class OperandSizes:
    """A mixture of operand sizes: weights of 1-, 2- and 3-digit operands, each uniform within its size.

    ``OperandSizes.parse("0.2,0.3,0.5")`` draws 1..9 with 20%, 10..99 with 30%, 100..999 with 50% (per
    operand, and again on every redraw). Uniform 1..999 is about ``0.009,0.09,0.901``.
    """

    RANGES = [(1, 9), (10, 99), (100, MAX_OPERAND)]

    def __init__(self, weights):
        if len(weights) != 3 or any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError(f"operand sizes need three non-negative weights (1, 2, 3 digits), got {weights}")
        total = float(sum(weights))
        self.weights = [w / total for w in weights]

    @staticmethod
    def parse(text):
        return OperandSizes([float(part) for part in text.split(",")])

    def draw(self, rng):
        pick = rng.random()
        for (low, high), weight in zip(self.RANGES, self.weights):
            if pick < weight:
                return rng.randint(low, high)
            pick -= weight
        low, high = self.RANGES[-1]
        return rng.randint(low, high)


def draw_uniform_operand(rng):
    return rng.randint(MIN_OPERAND, MAX_OPERAND)


def generate_problem(level, rng, sizes=None):
    """Returns (operands, operators) for a chain of `level` operations; operands uniform in 1..999, or
    drawn from `sizes` (an OperandSizes)."""
    draw = sizes.draw if sizes is not None else draw_uniform_operand
    operands = [draw(rng)]
    operators = []
    current = operands[0]
    for _ in range(level):
        while True:
            operator = "+" if rng.random() < 0.5 else "-"
            operand = draw(rng)
            result = current + operand if operator == "+" else current - operand
            if MIN_VALUE <= result <= MAX_VALUE:
                break
        operands.append(operand)
        operators.append(operator)
        current = result
    return operands, operators


def question_text(operands, operators):
    text = str(operands[0])
    for operator, operand in zip(operators, operands[1:]):
        text += operator + str(operand)
    return text + "=?"


def prompt_text(operands, operators):
    return "Q: " + question_text(operands, operators) + " A:"


def longest_prompt_length(level):
    """Characters of the longest prompt of `level` operations: every operand as wide as MAX_OPERAND."""
    return len(prompt_text([MAX_OPERAND] * (level + 1), ["+"] * level))


def longest_completion_length(level):
    """An upper bound on the characters of a completion of `level` operations, on either path.

    The completion is `level` lines ``a op b=c`` then ``#### answer``. Operands are at most MAX_OPERAND,
    left-to-right values at most MAX_VALUE, and the grouped path's sums at most `level` x MAX_OPERAND (with
    a subtraction, at most `level` operands are added, and at most `level` subtracted; without one, the
    sums are the left-to-right values); the answer is at most MAX_VALUE.
    """
    widest = len(str(max(MAX_OPERAND, MAX_VALUE, level * MAX_OPERAND)))
    line = widest + len("+") + widest + len("=") + widest
    return len("\n") + level * line + (level - 1) * len("\n") + len("\n#### ") + len(str(MAX_VALUE))


def answer_of(operands, operators):
    current = operands[0]
    for operator, operand in zip(operators, operands[1:]):
        current = current + operand if operator == "+" else current - operand
    return current


def completion_text(operands, operators):
    lines = []
    current = operands[0]
    for operator, operand in zip(operators, operands[1:]):
        result = current + operand if operator == "+" else current - operand
        lines.append(f"{current}{operator}{operand}={result}")
        current = result
    return "\n" + "\n".join(lines) + f"\n#### {current}"


def grouped_completion_text(operands, operators):
    """The grouped path: the added operands summed left to right, then the subtracted ones, then one
    subtraction. ``Q: 30+444-273+12-5=? A:`` gives

        30+444=474
        474+12=486
        273+5=278
        486-278=208
        #### 208

    Every line is one operation ``a op b = c`` that a step checker can verify on its own. With no
    subtraction, or a single one at the end, it is the left-to-right path.
    """
    added = [operands[0]] + [b for o, b in zip(operators, operands[1:]) if o == "+"]
    subtracted = [b for o, b in zip(operators, operands[1:]) if o == "-"]
    lines = []

    def total(terms):
        current = terms[0]
        for term in terms[1:]:
            lines.append(f"{current}+{term}={current + term}")
            current += term
        return current

    plus = total(added)
    if not subtracted:
        return "\n" + "\n".join(lines) + f"\n#### {plus}"
    minus = total(subtracted)
    result = plus - minus
    lines.append(f"{plus}-{minus}={result}")
    return "\n" + "\n".join(lines) + f"\n#### {result}"


def check_line(line):
    """True when `line` is one correct operation ``a+b=c`` or ``a-b=c`` (non-negative integers)."""
    left, equals, right = line.partition("=")
    if not equals or not right.isdigit():
        return False
    for operator in "+-":
        a, found, b = left.partition(operator)
        if found and a.isdigit() and b.isdigit():
            return (int(a) + int(b) if operator == "+" else int(a) - int(b)) == int(right)
    return False


def extract_answer(text):
    """The integer after the first '#### ' in a completion, or None."""
    marker = text.find("####")
    if marker < 0:
        return None
    rest = text[marker + 4 :].strip().split("\n")[0].strip()
    return int(rest) if rest.isdigit() else None


def evaluation_set(level, count, seed, sizes=None):
    """A fixed list of problems for evaluation (independent of the training stream); operands uniform in
    1..999 unless `sizes` (an OperandSizes) is given."""
    rng = random.Random(f"eval-{level}-{seed}")
    return [generate_problem(level, rng, sizes) for _ in range(count)]
