"""Trains a lab model on the arithmetic chains of lab_task.py and exports it as GGUF.

Recipe (LAB-NOTES, "A task and recipe with headroom"): one level per batch drawn uniformly from 1..6,
problems generated on the fly, loss on the completion only (BOS + prompt + completion + EOS),
AdamW (0.9, 0.98), weight decay 0.01, lr 3e-3 with linear warm-up then cosine to 0.1x, batch 64,
gradient clipping 1.0. The schedule is in steps so that a run is reproducible whatever the machine's load.

    OMP_NUM_THREADS=1 /usr/bin/python3 train.py --dim 64 --layers 3 --heads 4 --ff 192 \
        --steps 5400 --seed 1 --out runs/large-s1

Writes <out>/model.pt (weights + config) and <out>/model.gguf, plus step-N.gguf / step-N.pt at each
--save-every, and logs loss, throughput and (with --eval-every) greedy accuracy on level 6.
"""

import argparse
import json
import math
import os
import random
import time

import torch
import torch.nn.functional as F

from gguf_writer import write_lab_model
from lab_model import BOS_ID, EOS_ID, LabModel, Vocabulary
from lab_task import completion_text, generate_problem, prompt_text
from torch_evaluate import greedy_accuracy

LEVELS = [1, 2, 3, 4, 5, 6]


def make_batch(vocabulary, rng, level, batch_size):
    inputs, targets = [], []
    for _ in range(batch_size):
        operands, operators = generate_problem(level, rng)
        prompt = [BOS_ID] + vocabulary.encode(prompt_text(operands, operators))
        completion = vocabulary.encode(completion_text(operands, operators)) + [EOS_ID]
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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--ff", type=int, default=192)
    parser.add_argument("--context", type=int, default=256)
    parser.add_argument("--steps", type=int, default=5400)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default="lab")
    parser.add_argument("--out", required=True)
    parser.add_argument("--save-every", type=int, default=0, help="also write step-N.gguf and step-N.pt every N steps")
    parser.add_argument("--eval-every", type=int, default=0, help="greedy level-6 accuracy every N steps")
    parser.add_argument("--eval-count", type=int, default=100)
    parser.add_argument("--log-every", type=int, default=100)
    arguments = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(arguments.seed)
    rng = random.Random(arguments.seed)
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
    model = LabModel(config)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
        lr=arguments.lr,
        betas=(0.9, 0.98),
    )
    print(json.dumps({"event": "start", "config": config, "parameters": model.parameter_count(), "arguments": vars(arguments)}), flush=True)

    started = time.time()
    running = None
    for step in range(arguments.steps):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, arguments.steps, arguments.lr, arguments.warmup, 0.1)
        level = rng.choice(LEVELS)
        inputs, targets = make_batch(vocabulary, rng, level, arguments.batch)
        logits = model(inputs)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1), ignore_index=-100)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        done = step + 1
        if done % arguments.log_every == 0 or done == arguments.steps:
            elapsed = time.time() - started
            print(json.dumps({"event": "step", "step": done, "loss": round(running, 4), "seconds": round(elapsed, 1)}), flush=True)
        if arguments.save_every and done % arguments.save_every == 0 and done < arguments.steps:
            write_lab_model(os.path.join(arguments.out, f"step-{done}.gguf"), model, vocabulary, arguments.name)
            torch.save({"config": config, "state": model.state_dict(), "steps": done}, os.path.join(arguments.out, f"step-{done}.pt"))
        if arguments.eval_every and done % arguments.eval_every == 0:
            model.eval()
            accuracy = greedy_accuracy(model, vocabulary, 6, arguments.eval_count, seed=0)
            model.train()
            print(json.dumps({"event": "eval", "step": done, "level": 6, "greedy": accuracy}), flush=True)

    seconds = time.time() - started
    torch.save({"config": config, "state": model.state_dict(), "steps": arguments.steps, "seconds": seconds}, os.path.join(arguments.out, "model.pt"))
    write_lab_model(os.path.join(arguments.out, "model.gguf"), model, vocabulary, arguments.name)
    print(json.dumps({"event": "done", "steps": arguments.steps, "seconds": round(seconds, 1), "parameters": model.parameter_count()}), flush=True)


if __name__ == "__main__":
    main()
