"""Trains a lab model on the arithmetic chains of lab_task.py and exports it as GGUF.

Recipe (LAB-NOTES, "A task and recipe with headroom"): one level per batch drawn uniformly from 1..6,
problems generated on the fly, loss on the completion only (BOS + prompt + completion + EOS),
AdamW (0.9, 0.98), weight decay 0.01, lr 3e-3 with linear warm-up then cosine to 0.1x, batch 64,
gradient clipping 1.0. The schedule is in steps so that a run is reproducible whatever the machine's load.

    OMP_NUM_THREADS=1 /usr/bin/python3 train.py --dim 64 --layers 3 --heads 4 --ff 192 \
        --steps 5400 --seed 1 --out runs/large-s1

Writes <out>/model.pt (weights + config) and <out>/model.gguf, plus step-N.gguf / step-N.pt at each
--save-every, and logs loss, throughput and (with --eval-every) greedy accuracy on level 6.

Task options (lab_task.py; off by default): --operand-sizes 0.2,0.3,0.5 (a mixture of 1-, 2- and 3-digit
operands) and --grouped-share 0.5 (that share of the examples solved by the grouped path: additions, then
subtractions, then one subtraction; the rest left to right).

--init CHECKPOINT starts from trained weights of the same shape (a fine-tune; e.g. gguf_reader.py's checkpoint of
a shipped model) with a fresh optimizer and schedule.

Checkpoint and resume: --checkpoint-every N writes <out>/resume.pt (weights, optimizer, step, the Python and
torch random states, the arguments) every N steps, at a stop (--stop-at STEP, --stop-after-minutes M) and on
SIGTERM / SIGINT. `train.py --resume <out>` continues from there with the saved arguments (the learning rate
is a function of the step, so the schedule continues exactly) and reaches the same weights as a run that
was never interrupted. Only the stop, logging and --device options may be given again with --resume (an
option left out keeps its saved value); any other option given with --resume is refused (resume_arguments.py).
"""

import json
import math
import os
import random
import signal
import sys
import time

from lab_task import LEVELS, OperandSizes, completion_text, generate_problem, grouped_completion_text, prompt_text
from resume_arguments import check_resumed_device, refuse_fixed_options, resumed_arguments, typed_options
from train_arguments import RESUME_FILE, build_parser, check_combinations, check_device, parse_arguments


def make_batch(vocabulary, rng, level, batch_size, sizes=None, grouped_share=0.0):
    # torch is imported where it is used, so that a refused argument never waits for it (see main).
    import torch

    from lab_model import BOS_ID, EOS_ID

    inputs, targets = [], []
    for _ in range(batch_size):
        operands, operators = generate_problem(level, rng, sizes)
        prompt = [BOS_ID] + vocabulary.encode(prompt_text(operands, operators))
        # No draw at all when the share is 0, so that the default stream stays the shipped models' stream.
        grouped = grouped_share > 0 and rng.random() < grouped_share
        text = grouped_completion_text(operands, operators) if grouped else completion_text(operands, operators)
        completion = vocabulary.encode(text) + [EOS_ID]
        sequence = prompt + completion
        inputs.append(sequence[:-1])
        # Loss on the completion only: targets of prompt positions are ignored (-100).
        targets.append([-100] * (len(prompt) - 1) + completion)
    length = max(len(s) for s in inputs)
    input_tensor = torch.full((batch_size, length), EOS_ID, dtype=torch.long)
    target_tensor = torch.full((batch_size, length), -100, dtype=torch.long)
    for row, (sequence, target) in enumerate(zip(inputs, targets)):
        input_tensor[row, : len(sequence)] = torch.tensor(sequence)
        target_tensor[row, : len(target)] = torch.tensor(target)
    return input_tensor, target_tensor


def learning_rate(step, steps, peak, warmup, floor):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def main():
    parser = build_parser(__doc__)
    # Every argument is checked before torch loads (about a second): a bad value is a usage error, exit 2.
    arguments = parse_arguments(parser)
    typed = typed_options(parser, sys.argv[1:]) if arguments.resume else {}
    refuse_fixed_options(parser, typed)
    import torch
    import torch.nn.functional as F

    from gguf_writer import write_lab_model
    from lab_checkpoint import NotALabFile, read_checkpoint, refuse
    from lab_model import LabModel, Vocabulary
    from torch_evaluate import greedy_accuracy

    state = None
    if arguments.resume:
        state = torch.load(os.path.join(arguments.resume, RESUME_FILE), map_location="cpu")
        arguments = resumed_arguments(parser, state["arguments"], typed, arguments.resume)
        check_combinations(parser, arguments)  # the saved shape with the options given again
        check_resumed_device(parser, check_device, arguments, typed)
    else:
        check_device(parser, arguments.device)

    torch.set_num_threads(1)
    torch.manual_seed(arguments.seed)
    rng = random.Random(arguments.seed)
    sizes = OperandSizes.parse(arguments.operand_sizes) if arguments.operand_sizes else None
    os.makedirs(arguments.out, exist_ok=True)
    vocabulary = Vocabulary()
    config = {
        "dim": arguments.dim,
        "layers": arguments.layers,
        "heads": arguments.heads,
        "ff": arguments.ff,
        "context": arguments.context,
        "vocab": vocabulary.size,
        "eps": 1e-5,
        "rope_base": 10000.0,
    }
    model = LabModel(config).to(arguments.device)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
        lr=arguments.lr,
        betas=(0.9, 0.98),
    )
    first_step, running, seconds_before = 0, None, 0.0
    if arguments.init and state is None:
        try:
            initial = read_checkpoint(arguments.init)
        except NotALabFile as error:
            refuse(parser, "--init", error)
        shape = ["dim", "layers", "heads", "ff", "vocab"]
        if any(initial["config"][key] != config[key] for key in shape):
            raise SystemExit(f"--init {arguments.init} has config {initial['config']}, not {config}")
        model.load_state_dict(initial["state"])
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        rng.setstate(state["python_rng"])
        torch.set_rng_state(state["torch_rng"])
        first_step, running, seconds_before = state["step"], state["running"], state["seconds"]
    event = "resume" if state is not None else "start"
    print(json.dumps({"event": event, "step": first_step, "config": config, "parameters": model.parameter_count(), "arguments": vars(arguments)}), flush=True)

    stop_requested = []
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda number, frame: stop_requested.append(number))

    def cpu_state():
        return {name: tensor.detach().cpu() for name, tensor in model.state_dict().items()}

    def save_resume(done):
        path = os.path.join(arguments.out, RESUME_FILE)
        torch.save(
            {
                "arguments": {k: v for k, v in vars(arguments).items() if k != "resume"},
                "config": config,
                "step": done,
                "model": cpu_state(),
                "optimizer": optimizer.state_dict(),
                "python_rng": rng.getstate(),
                "torch_rng": torch.get_rng_state(),
                "running": running,
                "seconds": seconds_before + time.time() - started,
            },
            path + ".tmp",
        )
        os.replace(path + ".tmp", path)  # never leave a half-written checkpoint

    started, cpu_started = time.time(), time.process_time()
    for step in range(first_step, arguments.steps):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, arguments.steps, arguments.lr, arguments.warmup, 0.1)
        level = rng.choice(LEVELS)
        inputs, targets = make_batch(vocabulary, rng, level, arguments.batch, sizes, arguments.grouped_share)
        inputs, targets = inputs.to(arguments.device), targets.to(arguments.device)
        logits = model(inputs)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1), ignore_index=-100)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        done = step + 1
        if done % arguments.log_every == 0 or done == arguments.steps:
            elapsed = seconds_before + time.time() - started
            # cpu_seconds: this process's CPU time since it started training; steps per CPU second is the speed on
            # an idle core, whatever else runs on the machine.
            cpu = time.process_time() - cpu_started
            print(json.dumps({"event": "step", "step": done, "loss": round(running, 4), "seconds": round(elapsed, 1), "cpu_seconds": round(cpu, 1)}), flush=True)
        if arguments.save_every and done % arguments.save_every == 0 and done < arguments.steps:
            write_lab_model(os.path.join(arguments.out, f"step-{done}.gguf"), model, vocabulary, arguments.name)
            torch.save({"config": config, "state": cpu_state(), "steps": done, "name": arguments.name}, os.path.join(arguments.out, f"step-{done}.pt"))
        if arguments.eval_every and done % arguments.eval_every == 0:
            model.eval()
            accuracy = greedy_accuracy(model, vocabulary, 6, arguments.eval_count, seed=0)
            model.train()
            print(json.dumps({"event": "eval", "step": done, "level": 6, "greedy": accuracy}), flush=True)
        if done == arguments.steps:
            break
        if arguments.checkpoint_every and done % arguments.checkpoint_every == 0:
            save_resume(done)
        out_of_time = arguments.stop_after_minutes and time.time() - started >= 60 * arguments.stop_after_minutes
        if stop_requested or out_of_time or done == arguments.stop_at:
            save_resume(done)
            print(json.dumps({"event": "stopped", "step": done, "resume": f"train.py --resume {arguments.out}"}), flush=True)
            return

    seconds = seconds_before + time.time() - started
    task = {"operand_sizes": arguments.operand_sizes, "grouped_share": arguments.grouped_share}
    checkpoint = {"config": config, "state": cpu_state(), "steps": arguments.steps, "seconds": seconds, "task": task, "name": arguments.name}
    torch.save(checkpoint, os.path.join(arguments.out, "model.pt"))
    write_lab_model(os.path.join(arguments.out, "model.gguf"), model, vocabulary, arguments.name)
    print(json.dumps({"event": "done", "steps": arguments.steps, "seconds": round(seconds, 1), "parameters": model.parameter_count()}), flush=True)


if __name__ == "__main__":
    main()
