"""Prints, as JSON, the torch model's token ids and next-token probabilities at every position of texts.

    /usr/bin/python3 torch_probabilities.py runs/large-s1/model.pt "Q: 12+7=? A:" ...

Used by export-check.ts to compare the exported GGUF (run by llama.cpp) against the torch weights.
"""

import argparse
import json
import sys

import torch

from lab_checkpoint import NotALabFile, load, refuse
from lab_model import BOS_ID, Vocabulary
from train_arguments import CHECKPOINT, existing_file


def build_parser():
    """torch_probabilities.py's parser; the checkpoint is checked by its type (train_arguments.py)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=existing_file(CHECKPOINT), help="the checkpoint (model.pt, step-N.pt, gguf_reader.py's)")
    parser.add_argument("texts", nargs="*", default=[], help="the texts to score (after --, a text may start with a dash)")
    return parser


def main(argv=None):
    parser = build_parser()
    arguments = parser.parse_args(argv)
    torch.set_num_threads(1)
    try:
        model = load(arguments.checkpoint)
    except NotALabFile as error:
        refuse(parser, "checkpoint", error)
    vocabulary = Vocabulary()
    results = []
    with torch.no_grad():
        for text in arguments.texts:
            ids = [BOS_ID] + vocabulary.encode(text)
            probabilities = model(torch.tensor([ids]))[0].float().softmax(-1)
            results.append({"text": text, "tokens": ids, "probabilities": [[round(p, 7) for p in row] for row in probabilities.tolist()]})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
