"""Tests of the training recipe: the task options and checkpoint/resume (fast: a tiny model, a few steps).

    OMP_NUM_THREADS=1 /usr/bin/python3 -m unittest test_training.py
"""

import os
import random
import subprocess
import sys
import tempfile
import unittest

import torch

from lab_task import (
    OperandSizes,
    answer_of,
    check_line,
    completion_text,
    extract_answer,
    generate_problem,
    grouped_completion_text,
)

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
