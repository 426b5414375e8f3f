"""A llama-architecture transformer in torch, laid out exactly as llama.cpp evaluates it.

RMSNorm, SwiGLU feed-forward, untied output, and rotary embeddings in llama.cpp's NORM mode (adjacent
pairs (x[2i], x[2i+1]) rotated), so that the weights export to GGUF without any Q/K permutation.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# Characters of the lab's format; the GGUF stores the space as U+2581 (SentencePiece style).
CHARACTERS = list("0123456789+-=?#QA: \n")
SPECIAL_TOKENS = ["<unk>", "<s>", "</s>"]
UNK_ID, BOS_ID, EOS_ID = 0, 1, 2
BYTE_TOKEN_COUNT = 256


class Vocabulary:
    """ids 0..2 special, then one token per character, then the 256 byte-fallback tokens."""

    def __init__(self):
        self.characters = CHARACTERS
        self.char_to_id = {c: len(SPECIAL_TOKENS) + i for i, c in enumerate(CHARACTERS)}
        self.first_byte_id = len(SPECIAL_TOKENS) + len(CHARACTERS)
        self.size = self.first_byte_id + BYTE_TOKEN_COUNT

    def encode(self, text):
        ids = []
        for character in text:
            if character in self.char_to_id:
                ids.append(self.char_to_id[character])
            else:
                ids.extend(self.first_byte_id + b for b in character.encode("utf-8"))
        return ids

    def decode(self, ids):
        out = bytearray()
        for token in ids:
            if token >= self.first_byte_id:
                out.append(token - self.first_byte_id)
            elif token >= len(SPECIAL_TOKENS):
                out.extend(self.characters[token - len(SPECIAL_TOKENS)].encode("utf-8"))
        return out.decode("utf-8", errors="replace")

    def gguf_tokens(self):
        """(texts, scores, types) as llama.cpp's SentencePiece-style tokenizer expects them."""
        texts = list(SPECIAL_TOKENS)
        types = [2, 3, 3]
        for character in self.characters:
            texts.append("\u2581" if character == " " else character)
            types.append(1)
        for byte in range(BYTE_TOKEN_COUNT):
            texts.append(f"<0x{byte:02X}>")
            types.append(6)
        scores = [0.0] * len(texts)
        for index in range(len(SPECIAL_TOKENS), len(texts)):
            scores[index] = -float(index)
        return texts, scores, types


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_dim, length, base):
    inverse = base ** (-torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
    angles = torch.arange(length, dtype=torch.float32)[:, None] * inverse[None, :]
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x, cos, sin):
    # x: [batch, heads, time, head_dim]; NORM mode rotates adjacent pairs.
    even = x[..., 0::2]
    odd = x[..., 1::2]
    rotated_even = even * cos - odd * sin
    rotated_odd = even * sin + odd * cos
    return torch.stack((rotated_even, rotated_odd), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        dim, ff = config["dim"], config["ff"]
        self.heads = config["heads"]
        self.head_dim = dim // self.heads
        self.attn_norm = RMSNorm(dim, config["eps"])
        self.attn_q = nn.Linear(dim, dim, bias=False)
        self.attn_k = nn.Linear(dim, dim, bias=False)
        self.attn_v = nn.Linear(dim, dim, bias=False)
        self.attn_output = nn.Linear(dim, dim, bias=False)
        self.ffn_norm = RMSNorm(dim, config["eps"])
        self.ffn_gate = nn.Linear(dim, ff, bias=False)
        self.ffn_up = nn.Linear(dim, ff, bias=False)
        self.ffn_down = nn.Linear(ff, dim, bias=False)

    def forward(self, x, cos, sin, mask):
        batch, time, dim = x.shape
        h = self.attn_norm(x)

        def split(t):
            return t.view(batch, time, self.heads, self.head_dim).transpose(1, 2)

        # Scaling q before the product is the same attention, and cheaper than scaling the [time, time] map.
        q = apply_rope(split(self.attn_q(h)), cos, sin) * (1.0 / math.sqrt(self.head_dim))
        k = apply_rope(split(self.attn_k(h)), cos, sin)
        v = split(self.attn_v(h))
        weights = q @ k.transpose(-1, -2)
        weights = (weights + mask).softmax(-1)
        attended = (weights @ v).transpose(1, 2).reshape(batch, time, dim)
        x = x + self.attn_output(attended)
        h = self.ffn_norm(x)
        return x + self.ffn_down(F.silu(self.ffn_gate(h)) * self.ffn_up(h))


class LabModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.token_embd = nn.Embedding(config["vocab"], config["dim"])
        self.blocks = nn.ModuleList(Block(config) for _ in range(config["layers"]))
        self.output_norm = RMSNorm(config["dim"], config["eps"])
        self.output = nn.Linear(config["dim"], config["vocab"], bias=False)
        cos, sin = rope_tables(config["dim"] // config["heads"], config["context"], config["rope_base"])
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, std=0.02)
            elif isinstance(module, nn.Embedding):
                nn.init.normal_(module.weight, std=0.02)
        for block in self.blocks:
            nn.init.normal_(block.attn_output.weight, std=0.02 / math.sqrt(2 * config["layers"]))
            nn.init.normal_(block.ffn_down.weight, std=0.02 / math.sqrt(2 * config["layers"]))

    def forward(self, ids):
        time = ids.shape[1]
        x = self.token_embd(ids)
        cos, sin = self.rope_cos[:time], self.rope_sin[:time]
        # Additive causal mask (cheaper than masked_fill on CPU).
        mask = torch.full((time, time), float("-inf"), device=ids.device).triu(1)
        for block in self.blocks:
            x = block(x, cos, sin, mask)
        return self.output(self.output_norm(x))

    def parameter_count(self):
        return sum(p.numel() for p in self.parameters())

    def gguf_tensor_parameters(self):
        """(GGUF name, parameter) pairs with llama.cpp's names."""
        pairs = [("token_embd.weight", self.token_embd.weight)]
        for index, block in enumerate(self.blocks):
            for part in (
                "attn_norm",
                "attn_q",
                "attn_k",
                "attn_v",
                "attn_output",
                "ffn_norm",
                "ffn_gate",
                "ffn_up",
                "ffn_down",
            ):
                pairs.append((f"blk.{index}.{part}.weight", getattr(block, part).weight))
        pairs.append(("output_norm.weight", self.output_norm.weight))
        pairs.append(("output.weight", self.output.weight))
        return pairs

    def gguf_tensors(self):
        """(name, numpy array) pairs; Linear weights keep torch's [out, in] layout (GGUF dims [in, out])."""
        return [(name, tensor.detach().float().cpu().numpy()) for name, tensor in self.gguf_tensor_parameters()]
