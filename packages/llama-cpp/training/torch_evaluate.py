"""Accuracy of a lab model evaluated in torch (fast checks during training and for picking seeds).

The reported figures come from evaluate.ts, which runs the exported GGUF through node-llama-cpp.

    OMP_NUM_THREADS=1 /usr/bin/python3 torch_evaluate.py runs/large-s1/model.pt --levels 1-6 --count 200 \
        --temperature 1.0 --samples 16
    # 2-digit chains such as 37+48-19 (operand-size weights of 1-, 2-, 3-digit operands):
    OMP_NUM_THREADS=1 /usr/bin/python3 torch_evaluate.py runs/large-s1/model.pt --levels 2-3 --operand-sizes 0,1,0
"""

import argparse
import json
from collections import Counter

import torch

from lab_checkpoint import NotALabFile, load, refuse
from lab_model import BOS_ID, EOS_ID, Vocabulary
from lab_task import MAX_NEW_TOKENS, OperandSizes, answer_of, evaluation_set, extract_answer, prompt_text
from train_arguments import CHECKPOINT, check_device, existing_file, integer, level_range, number, operand_sizes
from train_arguments import seed as seed_number


@torch.no_grad()
def complete(model, vocabulary, prompts, temperature, generator):
    """Completions of prompts that all have the same token length (full recompute; tiny models)."""
    device = next(model.parameters()).device
    ids = torch.tensor([[BOS_ID] + vocabulary.encode(p) for p in prompts], device=device)
    start = ids.shape[1]
    finished = torch.zeros(len(prompts), dtype=torch.bool, device=device)
    for _ in range(MAX_NEW_TOKENS):
        logits = model(ids)[:, -1, :].float()
        if temperature == 0:
            token = logits.argmax(-1)
        else:
            token = torch.multinomial((logits / temperature).softmax(-1), 1, generator=generator).squeeze(-1)
        token = torch.where(finished, torch.full_like(token, EOS_ID), token)
        ids = torch.cat([ids, token[:, None]], dim=1)
        finished |= token == EOS_ID
        if bool(finished.all()):
            break
    texts = []
    for row in ids[:, start:].tolist():
        if EOS_ID in row:
            row = row[: row.index(EOS_ID)]
        texts.append(vocabulary.decode(row))
    return texts


def answers_for(model, vocabulary, problems, temperature, samples, generator):
    """For each problem, the list of extracted answers of `samples` completions."""
    prompts = [prompt_text(o, p) for o, p in problems]
    groups = {}
    for index, prompt in enumerate(prompts):
        groups.setdefault(len(vocabulary.encode(prompt)), []).append(index)
    results = [None] * len(problems)
    for indices in groups.values():
        batch = [prompts[i] for i in indices for _ in range(samples)]
        texts = complete(model, vocabulary, batch, temperature, generator)
        for position, index in enumerate(indices):
            results[index] = [extract_answer(t) for t in texts[position * samples : (position + 1) * samples]]
    return results


def greedy_accuracy(model, vocabulary, level, count, seed=0, sizes=None):
    problems = evaluation_set(level, count, seed, sizes)
    answers = answers_for(model, vocabulary, problems, 0.0, 1, None)
    correct = sum(1 for problem, got in zip(problems, answers) if got[0] == answer_of(*problem))
    return round(100.0 * correct / count, 1)


def sampled_accuracy(model, vocabulary, level, count, temperature, samples, seed=0, sizes=None):
    problems = evaluation_set(level, count, seed, sizes)
    generator = torch.Generator(device=next(model.parameters()).device).manual_seed(seed)
    answers = answers_for(model, vocabulary, problems, temperature, samples, generator)
    single = majority = covered = 0.0
    for problem, got in zip(problems, answers):
        gold = answer_of(*problem)
        hits = sum(1 for a in got if a == gold)
        single += hits / samples
        covered += 1 if hits > 0 else 0
        votes = Counter(a for a in got if a is not None)
        if votes:
            top = max(votes.values())
            leaders = [a for a, c in votes.items() if c == top]
            # Ties count as the share of tied leaders that are right (expected accuracy of a random tie-break).
            majority += (1 if gold in leaders else 0) / len(leaders)
    return {
        "single": round(100 * single / count, 1),
        "majority": round(100 * majority / count, 1),
        "pass": round(100 * covered / count, 1),
    }


def build_parser():
    """torch_evaluate.py's parser; every value is checked by its type (train_arguments.py), the device by main."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=existing_file(CHECKPOINT), help="the checkpoint to evaluate (model.pt, step-N.pt)")
    parser.add_argument("--levels", type=level_range, default="1-6", help="a level or a range of levels from 1 to 6, e.g. 6 or 1-6 (default 1-6)")
    parser.add_argument("--count", type=integer(1), default=200, help="problems per level, an integer >= 1 (default 200)")
    temperature = number("a number ≥ 0", lambda value: value >= 0)
    parser.add_argument("--temperature", type=temperature, default=0.0, help="a number >= 0; above 0, also sampled accuracy (default 0: greedy only)")
    parser.add_argument("--samples", type=integer(1), default=16, help="samples per problem with --temperature, an integer >= 1 (default 16)")
    parser.add_argument("--seed", type=seed_number, default=0, help="the evaluation set and sampling seed, an integer from 0 to 2^64 - 1")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cuda (default cpu)")
    parser.add_argument("--operand-sizes", type=operand_sizes, default="", help="evaluate on this operand-size mixture, e.g. 0,1,0 for 2-digit chains")
    return parser


def main(argv=None):
    parser = build_parser()
    arguments = parser.parse_args(argv)
    check_device(parser, arguments.device)
    sizes = OperandSizes.parse(arguments.operand_sizes) if arguments.operand_sizes else None
    torch.set_num_threads(1)
    try:
        model = load(arguments.checkpoint).to(arguments.device)
    except NotALabFile as error:
        refuse(parser, "checkpoint", error)
    vocabulary = Vocabulary()
    for level in arguments.levels:
        row = {"level": level, "greedy": greedy_accuracy(model, vocabulary, level, arguments.count, arguments.seed, sizes)}
        if arguments.temperature > 0:
            row["temperature"] = arguments.temperature
            row.update(sampled_accuracy(model, vocabulary, level, arguments.count, arguments.temperature, arguments.samples, arguments.seed, sizes))
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
