"""Tests of the training recipe: the task options, the argument checks and checkpoint/resume (fast: a tiny
model, a few steps).

    OMP_NUM_THREADS=1 /usr/bin/python3 -m unittest test_training.py
"""

import contextlib
import hashlib
import io
import json
import os
import random
import runpy
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

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
import export_gguf
import export_variant
import gguf_reader
import torch_evaluate
import torch_probabilities
from train_arguments import CHECKPOINT, LONGEST_EXAMPLE_INPUT, build_parser, parse_arguments

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
    return refusal_of(lambda given: parse_arguments(build_parser(""), given), *argv)


def refusal_of(parse, *argv):
    """The message of the usage error (after `error: `) that `parse` (a script's parser or main) prints for
    `argv`, which must exit 2 with that one line after the usage."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), self_exit() as exit_status:
        parse(list(argv))
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
        self.assertIn(f"got {HERE!r}, which is a folder", refusal("--out", "x", "--init", HERE))
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


def parse_with(script):
    """`argv` → the arguments that `script`'s parser reads from it."""
    return lambda argv: script.build_parser().parse_args(argv)


class ScriptArgumentChecks(unittest.TestCase):
    """The other scripts check their arguments through train_arguments.py's types, before any work."""

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = folder.name
        # Empty files: only the argument checks run, and they leave what a file holds to its reader.
        self.checkpoint = os.path.join(self.folder, "model.pt")
        self.gguf = os.path.join(self.folder, "model.gguf")
        for path in (self.checkpoint, self.gguf):
            open(path, "w").close()
        self.output = os.path.join(self.folder, "out.gguf")
        self.missing = os.path.join(self.folder, "no-such-folder", "out.gguf")

    def test_torch_evaluate_reads_good_values_and_its_defaults(self):
        parse = parse_with(torch_evaluate)
        defaults = vars(parse([self.checkpoint]))
        expected = {"levels": range(1, 7), "count": 200, "temperature": 0.0, "samples": 16, "seed": 0, "device": "cpu", "operand_sizes": ""}
        self.assertEqual({key: defaults[key] for key in expected}, expected)
        argv = [self.checkpoint, "--levels", "2-3", "--count", "1", "--temperature", "1.25", "--samples", "1", "--seed", "7"]
        arguments = parse(argv + ["--operand-sizes", "0,1,0"])
        self.assertEqual((arguments.levels, arguments.count, arguments.temperature), (range(2, 4), 1, 1.25))
        self.assertEqual((arguments.samples, arguments.seed, arguments.operand_sizes), (1, 7, "0,1,0"))
        self.assertEqual(parse([self.checkpoint, "--levels", "6"]).levels, range(6, 7))

    def test_torch_evaluate_refuses_naming_flag_value_and_rule(self):
        parse = parse_with(torch_evaluate)
        missing = os.path.join(self.folder, "none.pt")
        self.assertEqual(
            refusal_of(parse, missing),
            f"argument checkpoint: must be a checkpoint file (model.pt, step-N.pt), got {missing!r}, which does not exist",
        )
        self.assertIn(f"got {self.folder!r}, which is a folder", refusal_of(parse, self.folder))
        self.assertEqual(refusal_of(parse, self.checkpoint, "--count", "0"), "argument --count: must be an integer ≥ 1, got 0")
        self.assertEqual(refusal_of(parse, self.checkpoint, "--count", "x"), "argument --count: must be an integer ≥ 1, got 'x'")
        self.assertEqual(refusal_of(parse, self.checkpoint, "--samples", "-2"), "argument --samples: must be an integer ≥ 1, got -2")
        self.assertEqual(refusal_of(parse, self.checkpoint, "--temperature", "-1"), "argument --temperature: must be a number ≥ 0, got -1")
        self.assertIn("argument --temperature: must be a number ≥ 0, got nan", refusal_of(parse, self.checkpoint, "--temperature", "nan"))
        self.assertIn("argument --seed: must be an integer ≥ 0, got -1", refusal_of(parse, self.checkpoint, "--seed", "-1"))
        self.assertIn("argument --operand-sizes: must be three non-negative weights", refusal_of(parse, self.checkpoint, "--operand-sizes", "1,2"))
        for levels in ["7", "0-6", "6-1", "a-b", "1,6", ""]:
            message = refusal_of(parse, self.checkpoint, "--levels", levels)
            self.assertIn("argument --levels: must be a level or a range of levels from 1 to 6, e.g. 6 or 1-6", message)
            self.assertTrue(message.endswith(f"got {levels!r}"), message)
        # The device is checked by main, before the checkpoint is read (an empty file here).
        self.assertIn("argument --device: must be a torch device this machine has", refusal_of(torch_evaluate.main, self.checkpoint, "--device", "gpu"))
        self.assertIn("got 'gpu'", refusal_of(torch_evaluate.main, self.checkpoint, "--device", "gpu"))

    def test_export_gguf_checks_the_checkpoint_the_output_and_the_name(self):
        parse = parse_with(export_gguf)
        arguments = parse([self.checkpoint, self.output, "--name", "lab-large", "--f32"])
        self.assertEqual((arguments.checkpoint, arguments.output, arguments.name, arguments.f32), (self.checkpoint, self.output, "lab-large", True))
        # No --name: the name saved in the checkpoint decides (FileContentChecks); replaces a file.
        self.assertEqual((parse([self.checkpoint, self.gguf]).name, parse([self.checkpoint, self.gguf]).f32), (None, False))
        self.assertIn("argument checkpoint: must be a checkpoint file", refusal_of(parse, self.gguf + ".pt", self.output))
        self.assertEqual(
            refusal_of(parse, self.checkpoint, self.missing),
            f"argument output: must be a GGUF file to write, got {self.missing!r}, whose folder {os.path.dirname(self.missing)!r} does not exist",
        )
        self.assertEqual(refusal_of(parse, self.checkpoint, self.folder), f"argument output: must be a GGUF file to write, got {self.folder!r}, which is a folder")
        under_a_file = os.path.join(self.checkpoint, "out.gguf")
        self.assertIn(f"whose folder {self.checkpoint!r} is a file", refusal_of(parse, self.checkpoint, under_a_file))
        self.assertEqual(refusal_of(parse, self.checkpoint, ""), "argument output: must be a GGUF file to write, got ''")
        self.assertEqual(refusal_of(parse, self.checkpoint, self.output, "--name", " "), "argument --name: must be a model name that is not empty, got ' '")

    def test_export_variant_checks_the_source_the_noise_and_the_seed(self):
        parse = parse_with(export_variant)
        arguments = parse([self.gguf, self.output, "--noise", "0.01", "--seed", "1"])
        self.assertEqual((arguments.source, arguments.output, arguments.noise, arguments.seed, arguments.f32), (self.gguf, self.output, 0.01, 1, False))
        self.assertEqual((parse([self.gguf, self.output]).noise, parse([self.gguf, self.output, "--noise", "0"]).noise), (0.0, 0.0))
        missing = os.path.join(self.folder, "none.gguf")
        self.assertEqual(refusal_of(parse, missing, self.output), f"argument source: must be a lab GGUF file, got {missing!r}, which does not exist")
        self.assertIn("argument output: must be a GGUF file to write", refusal_of(parse, self.gguf, self.missing))
        self.assertEqual(refusal_of(parse, self.gguf, self.output, "--noise", "-0.01"), "argument --noise: must be a number ≥ 0, got -0.01")
        self.assertEqual(refusal_of(parse, self.gguf, self.output, "--noise", "some"), "argument --noise: must be a number ≥ 0, got 'some'")
        self.assertIn("argument --seed: must be an integer ≥ 0, got -3", refusal_of(parse, self.gguf, self.output, "--seed", "-3"))
        # A variant is chosen by --f32 and --noise; any other option is refused by name.
        self.assertEqual(refusal_of(parse, self.gguf, self.output, "--variant", "noisy"), "unrecognized arguments: --variant noisy")

    def test_gguf_reader_takes_a_gguf_and_a_checkpoint_to_write(self):
        parse = parse_with(gguf_reader)
        output = os.path.join(self.folder, "read.pt")
        self.assertEqual(vars(parse([self.gguf, output])), {"source": self.gguf, "output": output})
        self.assertEqual(refusal_of(parse), "the following arguments are required: source, output")
        self.assertIn(f"argument source: must be a lab GGUF file, got {self.folder!r}, which is a folder", refusal_of(parse, self.folder, output))
        missing = os.path.join(self.folder, "no-such-folder", "read.pt")
        self.assertIn(f"argument output: must be a checkpoint file to write, got {missing!r}, whose folder", refusal_of(parse, self.gguf, missing))

    def test_torch_probabilities_takes_a_checkpoint_and_texts(self):
        parse = parse_with(torch_probabilities)
        self.assertEqual(vars(parse([self.checkpoint, "Q: 5+5=? A:", "Q: 1+2=? A:"]))["texts"], ["Q: 5+5=? A:", "Q: 1+2=? A:"])
        self.assertEqual(parse([self.checkpoint]).texts, [])
        self.assertEqual(parse([self.checkpoint, "--", "-x"]).texts, ["-x"])
        self.assertIn("argument checkpoint: must be a checkpoint file", refusal_of(parse, os.path.join(self.folder, "none.pt"), "Q: 5+5=? A:"))

    @unittest.skipIf(os.geteuid() == 0, "root writes into any folder")
    def test_an_output_in_a_folder_that_cannot_be_written_is_refused(self):
        locked = os.path.join(self.folder, "locked")
        os.mkdir(locked, 0o555)
        self.addCleanup(os.chmod, locked, 0o755)
        output = os.path.join(locked, "out.gguf")
        self.assertIn(f"got {output!r}, which cannot be written", refusal_of(parse_with(export_gguf), self.checkpoint, output))

    def test_each_script_answers_a_bad_value_from_its_command_line_with_its_usage_and_one_line(self):
        runs = {
            "torch_evaluate.py": ([self.checkpoint, "--count", "-5"], "argument --count: must be an integer ≥ 1, got -5"),
            "export_gguf.py": ([self.checkpoint, self.missing], f"argument output: must be a GGUF file to write, got {self.missing!r}"),
            "export_variant.py": ([self.gguf, self.output, "--noise", "x"], "argument --noise: must be a number ≥ 0, got 'x'"),
            "gguf_reader.py": ([self.folder, self.output], f"argument source: must be a lab GGUF file, got {self.folder!r}, which is a folder"),
            "torch_probabilities.py": ([self.folder, "Q: 5+5=? A:"], f"argument checkpoint: must be {CHECKPOINT}, got {self.folder!r}, which is a folder"),
        }
        for script, (argv, message) in runs.items():
            # Run as `python3 script argv…` would, without paying for another torch import per script.
            stdout, stderr = io.StringIO(), io.StringIO()
            with mock.patch.object(sys, "argv", [script, *argv]), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                with self_exit() as exit_status:
                    runpy.run_path(os.path.join(HERE, script), run_name="__main__")
            self.assertEqual(exit_status, [2], stderr.getvalue())
            self.assertEqual(stdout.getvalue(), "")
            self.assertTrue(stderr.getvalue().startswith(f"usage: {script}"), stderr.getvalue())
            self.assertIn(f"{script}: error: {message}", stderr.getvalue().strip().splitlines()[-1])
        self.assertEqual(sorted(os.listdir(self.folder)), ["model.gguf", "model.pt"])  # nothing written


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


def events_of(*arguments):
    """The JSON events train.py prints for `arguments` (which must succeed)."""
    environment = dict(os.environ, OMP_NUM_THREADS="1")
    run = subprocess.run([sys.executable, "train.py", *arguments], cwd=HERE, check=True, env=environment, capture_output=True, text=True)
    return [json.loads(line) for line in run.stdout.splitlines()]


def train_refusal(*arguments):
    """train.py's exit status and last line of stderr for `arguments`, with a torch that cannot be imported:
    a refused argument must be answered before torch loads."""
    with tempfile.TemporaryDirectory() as folder:
        os.makedirs(os.path.join(folder, "torch"))
        with open(os.path.join(folder, "torch", "__init__.py"), "w") as module:
            module.write("raise SystemExit(99)\n")
        environment = dict(os.environ, PYTHONPATH=folder)
        run = subprocess.run([sys.executable, "train.py", *arguments], cwd=HERE, env=environment, capture_output=True, text=True)
    return run.returncode, run.stderr.strip().splitlines()[-1]


class ResumeArguments(unittest.TestCase):
    """A resumed run takes its saved arguments, and only the options typed again among the resumable ones."""

    @classmethod
    def setUpClass(cls):
        cls.stopped = tempfile.TemporaryDirectory()
        tiny = [*TINY[:-2], "--steps", "12", "--seed", "3"]  # TINY without its --log-every, given below
        events_of(*tiny, "--checkpoint-every", "2", "--log-every", "1", "--stop-at", "4", "--out", cls.stopped.name)

    @classmethod
    def tearDownClass(cls):
        cls.stopped.cleanup()

    def setUp(self):
        # Each test resumes its own copy of the run stopped at step 4.
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.run_folder = os.path.join(folder.name, "run")
        shutil.copytree(self.stopped.name, self.run_folder)

    def resume_file(self):
        return torch.load(os.path.join(self.run_folder, "resume.pt"))

    def test_options_left_out_keep_their_saved_values(self):
        events = events_of("--resume", self.run_folder, "--stop-at", "9")
        resumed = events[0]["arguments"]
        self.assertEqual((events[0]["event"], events[0]["step"]), ("resume", 4))
        saved = {"checkpoint_every": 2, "log_every": 1, "steps": 12, "batch": 8, "seed": 3, "dim": 32}
        self.assertEqual({key: resumed[key] for key in saved}, saved)
        self.assertEqual([event["step"] for event in events if event["event"] == "step"], [5, 6, 7, 8, 9])
        self.assertEqual(self.resume_file()["step"], 9)

    def test_options_typed_again_replace_the_saved_ones_and_are_saved(self):
        events = events_of("--resume", self.run_folder, "--log-every", "3", "--checkpoint-every", "0", "--stop-at", "8")
        self.assertEqual([event["step"] for event in events if event["event"] == "step"], [6])
        self.assertEqual((events[-1]["event"], events[-1]["step"]), ("stopped", 8))
        self.assertEqual(self.resume_file()["arguments"]["log_every"], 3)
        events = events_of("--resume", self.run_folder)
        # --log-every 3 and --checkpoint-every 0 were saved: steps 9 and 12 logged, no checkpoint on the way.
        self.assertEqual([event["step"] for event in events if event["event"] == "step"], [9, 12])
        self.assertEqual((events[-1]["event"], events[-1]["steps"]), ("done", 12))
        self.assertEqual(self.resume_file()["step"], 8)

    def test_the_saved_device_is_kept(self):
        # "cpu:0" is the CPU under another name than the default "cpu": kept only if the saved value is.
        folder = self.run_folder + "-device"
        events_of(*TINY, "--steps", "6", "--device", "cpu:0", "--stop-at", "2", "--out", folder)
        self.assertEqual(events_of("--resume", folder, "--stop-at", "3")[0]["arguments"]["device"], "cpu:0")
        self.assertEqual(events_of("--resume", folder, "--device", "cpu")[0]["arguments"]["device"], "cpu")

    def test_a_saved_device_this_machine_lacks_is_refused_with_the_way_to_move_the_run(self):
        state = self.resume_file()
        state["arguments"]["device"] = "gpu"
        torch.save(state, os.path.join(self.run_folder, "resume.pt"))
        run = subprocess.run([sys.executable, "train.py", "--resume", self.run_folder], cwd=HERE, capture_output=True, text=True)
        self.assertEqual(run.returncode, 2, run.stderr)
        message = run.stderr.strip().splitlines()[-1]
        self.assertIn("train.py: error: argument --device: must be a torch device this machine has", message)
        self.assertIn("got 'gpu'", message)
        self.assertIn("the run was saved with --device gpu: give --device (e.g. cpu) to resume it here", message)
        self.assertEqual(events_of("--resume", self.run_folder, "--device", "cpu", "--stop-at", "5")[-1]["event"], "stopped")

    def test_any_other_option_is_refused_before_torch_loads_naming_it(self):
        allowed = "only --stop-at, --stop-after-minutes, --checkpoint-every, --log-every, --eval-every, --eval-count or --device may be given again"
        for argv, named in [
            (["--steps", "5"], "argument --steps: cannot be given with --resume, got 5;"),
            (["--lr", "0.1"], "argument --lr: cannot be given with --resume, got 0.1;"),
            (["--out", self.run_folder], f"argument --out: cannot be given with --resume, got {self.run_folder!r};"),
            (["--seed", "3"], "argument --seed: cannot be given with --resume, got 3;"),  # even its saved value
            (["--step", "5", "--lr", "0.1"], "arguments --steps, --lr: cannot be given with --resume, got --steps 5, --lr 0.1;"),
        ]:
            status, message = train_refusal("--resume", self.run_folder, *argv)
            self.assertEqual(status, 2, message)
            self.assertIn(f"train.py: error: {named}", message)
            self.assertIn(allowed, message)
        self.assertEqual(self.resume_file()["step"], 4)  # nothing trained



def refusal_stderr(main, *argv):
    """The whole stderr of `main(argv)`, which must exit 2."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), self_exit() as exit_status:
        main(list(argv))
    if exit_status != [2]:
        raise AssertionError(f"{argv} exited with {exit_status}, expected 2; stderr: {stderr.getvalue()}")
    return stderr.getvalue()


def sha256_of(path):
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


class FileContentChecks(unittest.TestCase):
    """A file that exists but holds something else than its argument expects is one line, exit 2: no traceback."""

    @classmethod
    def setUpClass(cls):
        cls.run_folder = tempfile.TemporaryDirectory()
        tiny = [*TINY, "--steps", "4", "--save-every", "2", "--checkpoint-every", "1", "--name", "lab-tiny"]
        train(*tiny, "--stop-at", "3", "--out", cls.run_folder.name)
        train("--resume", cls.run_folder.name)

    @classmethod
    def tearDownClass(cls):
        cls.run_folder.cleanup()

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = folder.name
        self.junk = os.path.join(self.folder, "junk.pt")
        with open(self.junk, "wb") as file:
            file.write(b"\x80\x03not a pickle at all" * 10)
        self.empty = os.path.join(self.folder, "empty.pt")
        open(self.empty, "w").close()
        self.gguf = os.path.join(self.run_folder.name, "model.gguf")
        self.output = os.path.join(self.folder, "out.gguf")

    def assert_one_line(self, stderr, script, argument, path, reason):
        self.assertEqual(len(stderr.strip().splitlines()), 1, stderr)
        self.assertTrue(stderr.startswith(f"{script}: error: argument {argument}: {path} {reason}"), stderr)

    def test_checkpoint_readers_refuse_what_is_not_a_lab_checkpoint(self):
        for main, script in [(export_gguf.main, "export_gguf.py"), (torch_evaluate.main, "torch_evaluate.py"), (torch_probabilities.main, "torch_probabilities.py")]:
            extra = [self.output] if main is export_gguf.main else []
            with mock.patch.object(sys, "argv", [script]):
                junk = refusal_stderr(main, self.junk, *extra)
                empty = refusal_stderr(main, self.empty, *extra)
                gguf = refusal_stderr(main, self.gguf, *extra)
            self.assert_one_line(junk, script, "checkpoint", self.junk, "is not a lab checkpoint (torch cannot read it: UnpicklingError")
            self.assert_one_line(empty, script, "checkpoint", self.empty, "is not a lab checkpoint (torch cannot read it: EOFError")
            self.assert_one_line(gguf, script, "checkpoint", self.gguf, "is a GGUF file, not a lab checkpoint (read it into one with gguf_reader.py")
        resume = os.path.join(self.run_folder.name, "resume.pt")
        with mock.patch.object(sys, "argv", ["export_gguf.py"]):
            stderr = refusal_stderr(export_gguf.main, resume, self.output)
        self.assert_one_line(stderr, "export_gguf.py", "checkpoint", resume, "is train.py's resume checkpoint, not a lab checkpoint")
        self.assertFalse(os.path.exists(self.output))

    def test_gguf_readers_refuse_what_is_not_a_lab_gguf(self):
        with open(self.gguf, "rb") as file:
            data = file.read()
        other = os.path.join(self.folder, "other.gguf")
        with open(other, "wb") as file:  # the same file, another architecture (both names have five letters)
            file.write(data.replace(b"\x05\x00\x00\x00\x00\x00\x00\x00llama", b"\x05\x00\x00\x00\x00\x00\x00\x00qwen2", 1).replace(b"llama.", b"qwen2."))
        cut = os.path.join(self.folder, "cut.gguf")
        with open(cut, "wb") as file:
            file.write(data[:200])
        read = os.path.join(self.folder, "read.pt")
        cases = [
            (self.junk, "is not a lab GGUF file (it starts with b'\\x80\\x03no', not the GGUF magic b'GGUF')"),
            (self.empty, "is not a lab GGUF file (it is empty)"),
            (other, "is not a lab GGUF file (general.architecture is 'qwen2', expected 'llama')"),
            (cut, "is not a lab GGUF file (cut short or corrupt"),
        ]
        for source, reason in cases:
            with mock.patch.object(sys, "argv", ["gguf_reader.py"]):
                self.assert_one_line(refusal_stderr(gguf_reader.main, source, read), "gguf_reader.py", "source", source, reason)
            with mock.patch.object(sys, "argv", ["export_variant.py"]):
                self.assert_one_line(refusal_stderr(export_variant.main, source, self.output), "export_variant.py", "source", source, reason)
        self.assertEqual(sorted(os.listdir(self.folder)), ["cut.gguf", "empty.pt", "junk.pt", "other.gguf"])

    def test_train_refuses_an_init_that_is_not_a_lab_checkpoint(self):
        environment = dict(os.environ, OMP_NUM_THREADS="1")
        out = os.path.join(self.folder, "run")
        run = subprocess.run([sys.executable, "train.py", *TINY, "--steps", "1", "--init", self.junk, "--out", out], cwd=HERE, env=environment, capture_output=True, text=True)
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assert_one_line(run.stderr, "train.py", "--init", self.junk, "is not a lab checkpoint")

    def test_an_export_is_named_after_the_run_unless_name_is_given(self):
        folder = self.run_folder.name
        for checkpoint, written in [("step-2.pt", "step-2.gguf"), ("model.pt", "model.gguf")]:
            export_gguf.main([os.path.join(folder, checkpoint), self.output])
            self.assertEqual(sha256_of(self.output), sha256_of(os.path.join(folder, written)), checkpoint)
            self.assertEqual(gguf_reader.read_gguf(self.output)[0]["general.name"], "lab-tiny")
        export_gguf.main([os.path.join(folder, "model.pt"), self.output, "--name", "other"])
        self.assertEqual(gguf_reader.read_gguf(self.output)[0]["general.name"], "other")
        # gguf_reader.py's checkpoint keeps the GGUF's name, so that the export writes the same file back.
        read = os.path.join(self.folder, "read.pt")
        gguf_reader.main([self.gguf, read])
        export_gguf.main([read, self.output])
        self.assertEqual(sha256_of(self.output), sha256_of(self.gguf))


if __name__ == "__main__":
    unittest.main()
