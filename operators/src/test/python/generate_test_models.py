#!/usr/bin/python3
"""Builds the small test models for the sparse encoders and the cross-encoder, with golden outputs.

No SPLADE or cross-encoder weights can be downloaded where this project is developed, so the code
paths are tested on small BERT-architecture models built here with fixed seeds:

  tiny-splade          MLM head model, output logits [batch, seq, vocab] (SPLADE / doc-only SPLADE)
  tiny-cross-encoder   sequence classification with one label, output logits [batch, 1]

Both use the vocabulary of the bundled all-MiniLM-L6-v2 tokenizer (the build copies that
tokenizer.json next to them). The golden outputs come from torch plus a plain numpy
implementation of SPLADE pooling, inference-free query weights and the cross-encoder activation,
written independently of the Java code. Token ids come from a small WordPiece implementation
below; a Java test checks that our tokenizer produces the same ids.

Run with Debian's interpreter (python3-torch, python3-onnx, python3-numpy):
  /usr/bin/python3 operators/src/test/python/generate_test_models.py \
      operators/target/models/all-MiniLM-L6-v2/tokenizer.json operators/src/test/models
The export is deterministic: re-running it rewrites byte-identical files.
"""
import json
import math
import os
import sys
import unicodedata

import numpy as np
import torch
from torch import nn

HIDDEN = 32
LAYERS = 2
HEADS = 4
INTERMEDIATE = 64
MAX_POSITIONS = 512
SPLADE_MAX_LEN = 128
CE_MAX_LEN = 96
# Decoder bias: logits have a std of about 2.8 here, so -8.5 leaves a few hundred active
# vocabulary dimensions per text, as real SPLADE models have.
SPLADE_BIAS = -8.5


# ----------------------------------------------------------------------------- tokenizer
class WordPiece:
    """BERT uncased tokenization: clean, lower-case, strip accents, split punctuation, WordPiece."""

    def __init__(self, tokenizer_json):
        with open(tokenizer_json, encoding="utf-8") as f:
            self.vocab = json.load(f)["model"]["vocab"]
        self.inv = {i: t for t, i in self.vocab.items()}

    @staticmethod
    def _is_punct(ch):
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    def _basic(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
                continue
            out.append(" " if ch in " \t\n\r" or unicodedata.category(ch) == "Zs" else ch)
        text = "".join(out).lower()
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        words = []
        for word in text.split():
            current = ""
            for ch in word:
                if self._is_punct(ch):
                    if current:
                        words.append(current)
                    words.append(ch)
                    current = ""
                else:
                    current += ch
            if current:
                words.append(current)
        return words

    def tokenize(self, text):
        ids = []
        for word in self._basic(text):
            if len(word) > 100:
                ids.append(self.vocab["[UNK]"])
                continue
            start, pieces = 0, []
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.vocab:
                        found = piece
                        break
                    end -= 1
                if found is None:
                    pieces = [self.vocab["[UNK]"]]
                    break
                pieces.append(self.vocab[found])
                start = end
            ids.extend(pieces)
        return ids

    def encode(self, text, max_len):
        ids = self.tokenize(text)[: max_len - 2]
        return [self.vocab["[CLS]"]] + ids + [self.vocab["[SEP]"]]

    def encode_pair(self, a, b, max_len):
        ta, tb = self.tokenize(a), self.tokenize(b)
        # longest_first: drop one token at a time from the longer side (the second on ties).
        excess = len(ta) + len(tb) + 3 - max_len
        while excess > 0:
            if len(ta) > len(tb):
                ta.pop()
            else:
                tb.pop()
            excess -= 1
        cls, sep = self.vocab["[CLS]"], self.vocab["[SEP]"]
        ids = [cls] + ta + [sep] + tb + [sep]
        types = [0] * (len(ta) + 2) + [1] * (len(tb) + 1)
        return ids, types


# ----------------------------------------------------------------------------- model
class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v = nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN)
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.ln1 = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.inter = nn.Linear(HIDDEN, INTERMEDIATE)
        self.out = nn.Linear(INTERMEDIATE, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, x, mask_add):
        b, s, _ = x.shape
        hd = HIDDEN // HEADS

        def split(t):
            return t.view(b, s, HEADS, hd).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + mask_add
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, s, HIDDEN)
        x = self.ln1(x + self.attn_out(ctx))
        return self.ln2(x + self.out(nn.functional.gelu(self.inter(x))))


class Bert(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.word = nn.Embedding(vocab, HIDDEN)
        self.pos = nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.register_buffer("position_ids", torch.arange(MAX_POSITIONS).unsqueeze(0))

    def forward(self, input_ids, attention_mask, token_type_ids):
        s = input_ids.shape[1]
        x = self.word(input_ids) + self.pos(self.position_ids[:, :s]) + self.token_type(token_type_ids)
        x = self.ln(x)
        mask_add = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, mask_add)
        return x


class MaskedLM(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.bert = Bert(vocab)
        self.transform = nn.Linear(HIDDEN, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.bias = nn.Parameter(torch.full((vocab,), SPLADE_BIAS))

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.ln(nn.functional.gelu(self.transform(self.bert(input_ids, attention_mask, token_type_ids))))
        return torch.matmul(h, self.bert.word.weight.t()) + self.bias


class Classifier(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.bert = Bert(vocab)
        self.pooler = nn.Linear(HIDDEN, HIDDEN)
        self.classifier = nn.Linear(HIDDEN, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        cls = self.bert(input_ids, attention_mask, token_type_ids)[:, 0]
        return self.classifier(torch.tanh(self.pooler(cls)))


def init(model, linear_std):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=linear_std)
            nn.init.normal_(m.bias, std=0.02)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.5)
    model.eval()


def export(model, path, output):
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    mask = (ids != 0).long()
    types = torch.zeros_like(ids)
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
            "token_type_ids": {0: "batch", 1: "sequence"}}
    axes[output] = {0: "batch", 1: "sequence"} if output == "logits" and isinstance(model, MaskedLM) else {0: "batch"}
    # No constant folding: it would store the tied word embeddings twice (once transposed).
    torch.onnx.export(model, (ids, mask, types), path, input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=[output], dynamic_axes=axes, opset_version=17, do_constant_folding=False)


def run(model, rows, types=None):
    """Runs rows of ids one by one (no padding): the golden outputs never depend on batching."""
    outs = []
    with torch.no_grad():
        for i, row in enumerate(rows):
            ids = torch.tensor([row])
            t = torch.tensor([types[i]]) if types else torch.zeros_like(ids)
            outs.append(model(ids, torch.ones_like(ids), t)[0].numpy().astype(np.float64))
    return outs


# ----------------------------------------------------------------------------- goldens
TEXTS = [
    "hello world",
    "The quick brown fox jumps over the lazy dog.",
    "Neural networks are computing systems inspired by biological brains.",
    "Kafka stores streams of records; Flink processes them with exactly-once state!",
    "a",
    "What is the capital of France?",
    "Sparse retrieval with SPLADE expands queries and documents over the vocabulary.",
    "Dense retrieval encodes text into a single vector, and hybrid search fuses both rankings.",
    "Café, naïve résumé — accents are stripped by the uncased tokenizer.",
    "Numbers like 42, 3.14 and 2024 are split into word pieces too.",
    " ".join(["stream processing systems keep search indexes fresh"] * 40),
    "Why do cross-encoders rerank better than bi-encoders?",
]

PAIRS = [
    ("how do neural networks work", "Neural networks are computing systems inspired by biological brains."),
    ("how do neural networks work", "The quick brown fox jumps over the lazy dog."),
    ("capital of france", "Paris is the capital and largest city of France."),
    ("capital of france", "Berlin is the capital of Germany."),
    ("what is kafka", "Kafka stores streams of records in partitioned, replicated logs."),
    ("what is kafka", "Espresso is brewed by forcing hot water through ground coffee."),
    ("hybrid search", "Hybrid search fuses the rankings of a lexical and a semantic retriever."),
    ("hybrid search", "a"),
    ("long document", " ".join(["the document keeps going with many repeated words"] * 60)),
    (" ".join(["a very long query"] * 40), "short document"),
    ("reranking", "A cross-encoder reads the query and the passage together."),
    ("exactly once", "Flink checkpoints make state consistent after failures."),
]

SPECIAL = {0, 100, 101, 102, 103}  # [PAD] [UNK] [CLS] [SEP] [MASK]


def splade(logits, strategy):
    act = np.log1p(np.maximum(logits, 0.0))
    pooled = act.max(axis=0) if strategy == "max" else act.sum(axis=0)
    idx = np.nonzero(pooled > 0)[0]
    return [int(i) for i in idx], [float(pooled[i]) for i in idx]


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main(tokenizer_json, out_dir):
    wp = WordPiece(tokenizer_json)
    vocab = len(wp.vocab)

    # --- SPLADE (MLM) ---
    torch.manual_seed(1234)
    mlm = MaskedLM(vocab)
    init(mlm, 0.2)
    with torch.no_grad():
        mlm.bias.fill_(SPLADE_BIAS)
    d = os.path.join(out_dir, "tiny-splade")
    os.makedirs(os.path.join(d, "1_SpladePooling"), exist_ok=True)
    export(mlm, os.path.join(d, "model.onnx"), "logits")
    write_json(os.path.join(d, "config.json"), {
        "architectures": ["BertForMaskedLM"], "model_type": "bert", "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS, "num_attention_heads": HEADS, "intermediate_size": INTERMEDIATE,
        "max_position_embeddings": MAX_POSITIONS, "vocab_size": vocab, "type_vocab_size": 2})
    write_json(os.path.join(d, "modules.json"), [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.sparse_encoder.models.MLMTransformer"},
        {"idx": 1, "name": "1", "path": "1_SpladePooling", "type": "sentence_transformers.sparse_encoder.models.SpladePooling"}])
    write_json(os.path.join(d, "1_SpladePooling", "config.json"),
               {"pooling_strategy": "max", "activation_function": "relu", "word_embedding_dimension": vocab})
    write_json(os.path.join(d, "sentence_bert_config.json"), {"max_seq_length": SPLADE_MAX_LEN, "do_lower_case": False})
    write_json(os.path.join(d, "config_sentence_transformers.json"),
               {"model_type": "SparseEncoder", "prompts": {}, "default_prompt_name": None, "similarity_fn_name": "dot"})

    # Inference-free query weights, OpenSearch style: {token: weight}. Every token of the texts
    # gets a weight except a few, which must then be left out of the query vector.
    rng = np.random.default_rng(99)
    ids_per_text = [wp.encode(t, SPLADE_MAX_LEN) for t in TEXTS]
    idf = {}
    for tid in sorted({i for row in ids_per_text for i in row}):
        token = wp.inv[tid]
        if tid in SPECIAL or tid % 7 == 3:
            continue
        idf[token] = round(float(rng.uniform(0.5, 6.0)), 6)
    for tid in rng.choice(vocab, 200, replace=False):
        idf.setdefault(wp.inv[int(tid)], round(float(rng.uniform(0.5, 6.0)), 6))
    write_json(os.path.join(d, "idf.json"), idf)

    logits = run(mlm, ids_per_text)
    golden = []
    for text, ids, lg in zip(TEXTS, ids_per_text, logits):
        mi, mv = splade(lg, "max")
        si, sv = splade(lg, "sum")
        query = {}
        for tid in ids:
            w = idf.get(wp.inv[tid], 0.0)
            if tid not in SPECIAL and w > 0:
                query[tid] = w
        qi = sorted(query)
        golden.append({"text": text, "ids": ids,
                       "max": {"indices": mi, "values": mv},
                       "sum": {"indices": si, "values": sv},
                       "query": {"indices": qi, "values": [query[i] for i in qi]}})
    write_json(os.path.join(out_dir, "tiny-splade-golden.json"), golden)

    # --- cross-encoder ---
    torch.manual_seed(4321)
    ce = Classifier(vocab)
    init(ce, 0.2)
    d = os.path.join(out_dir, "tiny-cross-encoder")
    os.makedirs(d, exist_ok=True)
    export(ce, os.path.join(d, "model.onnx"), "logits")
    write_json(os.path.join(d, "config.json"), {
        "architectures": ["BertForSequenceClassification"], "model_type": "bert", "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS, "num_attention_heads": HEADS, "intermediate_size": INTERMEDIATE,
        "max_position_embeddings": MAX_POSITIONS, "vocab_size": vocab, "type_vocab_size": 2,
        "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0},
        "sentence_transformers": {"activation_fn": "torch.nn.modules.activation.Sigmoid", "version": "5.1.0"}})
    write_json(os.path.join(d, "tokenizer_config.json"), {"model_max_length": CE_MAX_LEN, "do_lower_case": True})
    encoded = [wp.encode_pair(q, p, CE_MAX_LEN) for q, p in PAIRS]
    outs = run(ce, [e[0] for e in encoded], [e[1] for e in encoded])
    golden = []
    for (q, p), (ids, types), out in zip(PAIRS, encoded, outs):
        logit = float(out[0])
        golden.append({"query": q, "document": p, "ids": ids, "token_type_ids": types,
                       "logit": logit, "sigmoid": float(1.0 / (1.0 + np.exp(-logit)))})
    write_json(os.path.join(out_dir, "tiny-cross-encoder-golden.json"), golden)
    print("wrote", out_dir)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
