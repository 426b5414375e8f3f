"""Prints, as JSON, the torch model's token ids and next-token probabilities at every position of texts.

    /usr/bin/python3 torch_probabilities.py runs/large-s1/model.pt "Q: 12+7=? A:" ...

Used by export-check.ts to compare the exported GGUF (run by llama.cpp) against the torch weights.
"""

import json
import sys

import torch

from lab_model import BOS_ID, Vocabulary
from torch_evaluate import load


def main():
    torch.set_num_threads(1)
    model = load(sys.argv[1])
    vocabulary = Vocabulary()
    results = []
    with torch.no_grad():
        for text in sys.argv[2:]:
            ids = [BOS_ID] + vocabulary.encode(text)
            probabilities = model(torch.tensor([ids]))[0].float().softmax(-1)
            results.append({"text": text, "tokens": ids, "probabilities": [[round(p, 7) for p in row] for row in probabilities.tolist()]})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
