"""Tests of the training recipe: the task options, the argument checks and checkpoint/resume (fast: a tiny
model, a few steps).

    OMP_NUM_THREADS=1 /usr/bin/python3 -m unittest test_training.py
"""

import contextlib
import io
import os
import random
import subprocess
import sys
import tempfile
import unittest

import torch

from lab_task import (
    LEVELS,
    OperandSizes,
    answer_of,
    check_line,
    completion_text,
    extract_answer,
    generate_problem,
    grouped_completion_text,
    prompt_text,
)
from train_arguments import LONGEST_EXAMPLE_INPUT, build_parser, parse_arguments

HERE = os.path.dirname(os.path.abspath(__file__))
TINY = ["--dim", "32", "--layers", "1", "--heads", "2", "--ff", "64", "--batch", "8", "--warmup", "3", "--log-every", "1000"]


def steps_of(completion):
    return completion.strip("\n").split("\n")[:-1]


class TaskOptions(unittest.TestCase):
    def test_grouped_path_example(self):
        text = grouped_completion_text([30, 444, 273, 12, 5], ["+", "-", "+", "-"])
        self.assertEqual(text, "\n30+444=474\n474+12=486\n273+5=278\n486-278=208\n#### 208")

    def test_every_grouped_line_is_one_correct_operation(self):
        rng = random.Random(3)
        sizes = OperandSizes.parse("0.2,0.3,0.5")
        for level in range(1, 7):
            for _ in range(200):
                operands, operators = generate_problem(level, rng, sizes)
                for text in (grouped_completion_text(operands, operators), completion_text(operands, operators)):
                    self.assertEqual(len(steps_of(text)), level)
                    self.assertTrue(all(check_line(line) for line in steps_of(text)), text)
                    self.assertEqual(extract_answer(text), answer_of(operands, operators))

    def test_check_line_rejects_slips(self):
        self.assertTrue(check_line("37+48=85"))
        self.assertFalse(check_line("37+48=75"))
        self.assertFalse(check_line("85-19=76"))
        self.assertFalse(check_line("#### 66"))

    def test_operand_sizes_oversample_small_operands(self):
        rng = random.Random(0)
        sizes = OperandSizes.parse("0.2,0.3,0.5")
        draws = [sizes.draw(rng) for _ in range(20000)]
        share = [sum(1 for d in draws if low <= d <= high) / len(draws) for low, high in OperandSizes.RANGES]
        for got, expected in zip(share, [0.2, 0.3, 0.5]):
            self.assertAlmostEqual(got, expected, delta=0.015)

    def test_default_stream_is_unchanged(self):
        # Without options the generator is the shipped models' stream: operands uniform via randint.
        rng = random.Random(7)
        operands, operators = generate_problem(3, rng)
        replay = random.Random(7)
        self.assertEqual(operands[0], replay.randint(1, 999))


def refusal(*argv):
    """The message of the usage error (after `error: `) that train.py's argument checks print for `argv`,
    which must exit 2."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), self_exit() as exit_status:
        parse_arguments(build_parser(""), list(argv))
    if exit_status != [2]:
        raise AssertionError(f"{argv} exited with {exit_status}, expected 2; stderr: {stderr.getvalue()}")
    return stderr.getvalue().strip().splitlines()[-1].partition("error: ")[2]


@contextlib.contextmanager
def self_exit():
    """Collects the status of a SystemExit raised inside the block (none: an empty list)."""
    status = []
    try:
        yield status
    except SystemExit as error:
        status.append(error.code)


class ArgumentChecks(unittest.TestCase):
    def test_the_defaults_are_the_shipped_recipe(self):
        arguments = vars(parse_arguments(build_parser(""), ["--out", "runs/x"]))
        expected = {"dim": 64, "layers": 3, "heads": 4, "ff": 192, "context": 256, "steps": 5400, "batch": 64, "lr": 3e-3}
        expected.update({"warmup": 200, "seed": 1, "name": "lab", "operand_sizes": "", "grouped_share": 0.0, "init": ""})
        expected.update({"resume": "", "save_every": 0, "eval_every": 0, "eval_count": 100, "log_every": 100, "device": "cpu"})
        self.assertEqual({key: arguments[key] for key in expected}, expected)

    def test_the_edges_of_every_rule_are_accepted(self):
        argv = ["--out", "x", "--steps", "0", "--grouped-share", "1", "--context", str(LONGEST_EXAMPLE_INPUT), "--dim", "2", "--heads", "1"]
        arguments = parse_arguments(build_parser(""), argv + ["--operand-sizes", "0,1,0", "--stop-after-minutes", "0"])
        self.assertEqual((arguments.steps, arguments.grouped_share, arguments.context), (0, 1.0, LONGEST_EXAMPLE_INPUT))
        self.assertEqual(arguments.operand_sizes, "0,1,0")  # kept as given: the run records the text

    def test_counts_below_their_minimum_are_refused_naming_flag_value_and_rule(self):
        self.assertEqual(refusal("--out", "x", "--steps", "-5"), "argument --steps: must be an integer ≥ 0, got -5")
        for flag in ["--layers", "--ff", "--heads", "--batch", "--eval-count", "--log-every", "--dim"]:
            self.assertIn(f"argument {flag}: must be an integer ≥ 1, got 0", refusal("--out", "x", flag, "0"))
        self.assertIn("argument --warmup: must be an integer ≥ 0, got 'many'", refusal("--out", "x", "--warmup", "many"))
        self.assertIn("argument --seed: must be an integer ≥ 0, got -1", refusal("--out", "x", "--seed", "-1"))

    def test_shares_rates_and_weights_are_refused_outside_their_range(self):
        self.assertIn("argument --grouped-share: must be a number from 0 to 1, got 1.5", refusal("--out", "x", "--grouped-share", "1.5"))
        self.assertIn("argument --lr: must be a number > 0, got 0", refusal("--out", "x", "--lr", "0"))
        self.assertIn("argument --lr: must be a number > 0, got nan", refusal("--out", "x", "--lr", "nan"))
        self.assertIn("argument --stop-after-minutes: must be a number ≥ 0, got -1", refusal("--out", "x", "--stop-after-minutes", "-1"))
        for weights in ["1,2", "0,0,0", "1,-1,1", "a,b,c", "1,inf,1"]:
            self.assertIn("argument --operand-sizes: must be three non-negative weights", refusal("--out", "x", "--operand-sizes", weights))
            self.assertIn(f"got '{weights}'", refusal("--out", "x", "--operand-sizes", weights))

    def test_the_width_must_split_into_heads_of_an_even_size(self):
        self.assertIn("argument --dim: must be a multiple of 2 x --heads (8)", refusal("--out", "x", "--dim", "63"))
        self.assertIn("got 63", refusal("--out", "x", "--dim", "63"))
        self.assertIn("(8), so that each head's size", refusal("--out", "x", "--dim", "12"))  # four heads of 3
        self.assertEqual(parse_arguments(build_parser(""), ["--out", "x", "--dim", "6", "--heads", "3"]).dim, 6)

    def test_the_context_must_hold_the_longest_example(self):
        message = refusal("--out", "x", "--context", str(LONGEST_EXAMPLE_INPUT - 1))
        self.assertIn(f"argument --context: must be at least {LONGEST_EXAMPLE_INPUT}", message)
        self.assertIn(f"got {LONGEST_EXAMPLE_INPUT - 1}", message)
        self.assertIn("at least 155 with --eval-every", refusal("--out", "x", "--context", "140", "--eval-every", "10"))

    def test_the_context_bound_holds_for_every_example_the_recipe_draws(self):
        rng = random.Random(11)
        longest = 0
        for sizes in (None, OperandSizes.parse("0.2,0.3,0.5")):
            for _ in range(3000):
                operands, operators = generate_problem(max(LEVELS), rng, sizes)
                for completion in (completion_text(operands, operators), grouped_completion_text(operands, operators)):
                    # <s> + prompt + completion + </s>, one token per character; the model reads all but the last.
                    longest = max(longest, 1 + len(prompt_text(operands, operators)) + len(completion) + 1 - 1)
        self.assertLessEqual(longest, LONGEST_EXAMPLE_INPUT)
        self.assertGreater(longest, LONGEST_EXAMPLE_INPUT - 15)  # a bound, not a guess far above the real need

    def test_paths_must_exist_and_out_must_be_given(self):
        self.assertIn("argument --init: must be a checkpoint file", refusal("--out", "x", "--init", "/no/such/model.pt"))
        self.assertIn("argument --resume: must be a run's folder holding resume.pt", refusal("--resume", HERE))
        self.assertIn("argument --out: must be a folder, got", refusal("--out", os.path.abspath(__file__)))
        self.assertIn("--out is required (or --resume DIR)", refusal("--steps", "3"))

    def test_train_py_refuses_before_torch_loads(self):
        # A torch that cannot be imported: train.py must answer a bad value with the usage error alone.
        with tempfile.TemporaryDirectory() as folder:
            os.makedirs(os.path.join(folder, "torch"))
            with open(os.path.join(folder, "torch", "__init__.py"), "w") as module:
                module.write("raise SystemExit(99)\n")
            environment = dict(os.environ, PYTHONPATH=folder)
            for argv, message in [
                (["--steps", "-5"], "argument --steps: must be an integer ≥ 0, got -5"),
                (["--dim", "63"], "argument --dim: must be a multiple of 2 x --heads (8)"),
                (["--context", "8"], f"argument --context: must be at least {LONGEST_EXAMPLE_INPUT}"),
            ]:
                run = subprocess.run([sys.executable, "train.py", *argv, "--out", folder], cwd=HERE, env=environment, capture_output=True, text=True)
                self.assertEqual(run.returncode, 2, run.stderr)
                self.assertTrue(run.stderr.startswith("usage: train.py"), run.stderr)
                self.assertIn(f"train.py: error: {message}", run.stderr)
            self.assertEqual(os.listdir(folder), ["torch"])  # nothing written


def train(*arguments):
    environment = dict(os.environ, OMP_NUM_THREADS="1")
    subprocess.run([sys.executable, "train.py", *arguments], cwd=HERE, check=True, env=environment, stdout=subprocess.DEVNULL)


class Resume(unittest.TestCase):
    def test_interrupted_and_resumed_run_reaches_the_same_weights(self):
        with tempfile.TemporaryDirectory() as folder:
            whole, parted = os.path.join(folder, "whole"), os.path.join(folder, "parted")
            task = ["--operand-sizes", "0.2,0.3,0.5", "--grouped-share", "0.5", "--steps", "12", "--seed", "5"]
            train(*TINY, *task, "--out", whole)
            train(*TINY, *task, "--out", parted, "--stop-at", "5")
            self.assertFalse(os.path.exists(os.path.join(parted, "model.pt")))
            train("--resume", parted, "--stop-at", "9")
            train("--resume", parted)
            first = torch.load(os.path.join(whole, "model.pt"))
            second = torch.load(os.path.join(parted, "model.pt"))
            self.assertEqual(second["steps"], 12)
            self.assertEqual(first["state"].keys(), second["state"].keys())
            for name, tensor in first["state"].items():
                self.assertTrue(torch.equal(tensor, second["state"][name]), name)

    def test_init_starts_from_the_given_weights(self):
        with tempfile.TemporaryDirectory() as folder:
            train(*TINY, "--steps", "3", "--seed", "1", "--out", os.path.join(folder, "a"))
            train(*TINY, "--steps", "0", "--seed", "2", "--init", os.path.join(folder, "a", "model.pt"), "--out", os.path.join(folder, "b"))
            a = torch.load(os.path.join(folder, "a", "model.pt"))["state"]
            b = torch.load(os.path.join(folder, "b", "model.pt"))["state"]
            self.assertTrue(all(torch.equal(a[name], b[name]) for name in a))

    def test_a_resumed_run_differs_from_a_fresh_one_with_another_seed(self):
        # Guards the test above: the weights after 12 steps do depend on the stream.
        with tempfile.TemporaryDirectory() as folder:
            train(*TINY, "--steps", "6", "--seed", "1", "--out", os.path.join(folder, "a"))
            train(*TINY, "--steps", "6", "--seed", "2", "--out", os.path.join(folder, "b"))
            a = torch.load(os.path.join(folder, "a", "model.pt"))["state"]["output.weight"]
            b = torch.load(os.path.join(folder, "b", "model.pt"))["state"]["output.weight"]
            self.assertFalse(torch.equal(a, b))


if __name__ == "__main__":
    unittest.main()
