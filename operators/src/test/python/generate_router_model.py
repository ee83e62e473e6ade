#!/usr/bin/python3
"""Writes tiny-splade-router: the tiny-splade test model laid out as sentence-transformers v5 saves
an inference-free SPLADE Router (SparseEncoder with a Router module), from tiny-splade's files.

sentence-transformers is not installed where this project is developed, so the layout follows its
sources (v5.1, models/Router.py save(), sparse_encoder/models/SparseStaticEmbedding.py save()):

  modules.json                          [Router at path ""]
  router_config.json                    {"types", "structure", "parameters"}
  config_sentence_transformers.json
  query_0_SparseStaticEmbedding/        config.json {"frozen"}, model.safetensors (tensor "weight",
                                        float32 [vocab]), tokenizer files
  document_0_MLMTransformer/            config.json, sentence_bert_config.json, tokenizer files and,
                                        as an ONNX export adds it, onnx/model.onnx
  document_1_SpladePooling/config.json

The weights are tiny-splade's idf.json {token: weight} by token id, so the Router must encode
exactly as tiny-splade with idf.json does. Only the standard library is needed; the build copies
tiny-splade's model.onnx and the MiniLM tokenizer.json into the module folders (not committed).

  python3 operators/src/test/python/generate_router_model.py \
      operators/target/models/all-MiniLM-L6-v2/tokenizer.json operators/src/test/models
"""
import json
import os
import shutil
import struct
import sys

ROUTER = "sentence_transformers.models.Router"
STATIC = "sentence_transformers.sparse_encoder.models.SparseStaticEmbedding"
MLM = "sentence_transformers.sparse_encoder.models.MLMTransformer"
POOLING = "sentence_transformers.sparse_encoder.models.SpladePooling"


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=4, ensure_ascii=False)
        f.write("\n")


def write_safetensors(path, name, values):
    """8-byte little-endian header length, JSON header padded with spaces to 8 bytes, raw data."""
    data = struct.pack("<%df" % len(values), *values)
    header = {"__metadata__": {"format": "pt"},
              name: {"dtype": "F32", "shape": [len(values)], "data_offsets": [0, len(data)]}}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)


def main(tokenizer_json, models_dir):
    with open(tokenizer_json, encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    source = os.path.join(models_dir, "tiny-splade")
    out = os.path.join(models_dir, "tiny-splade-router")
    shutil.rmtree(out, ignore_errors=True)
    with open(os.path.join(source, "idf.json"), encoding="utf-8") as f:
        idf = json.load(f)
    weights = [0.0] * len(vocab)
    for token, weight in idf.items():
        weights[vocab[token]] = weight

    write_json(os.path.join(out, "modules.json"),
               [{"idx": 0, "name": "0", "path": "", "type": ROUTER}])
    query, doc, pool = "query_0_SparseStaticEmbedding", "document_0_MLMTransformer", "document_1_SpladePooling"
    write_json(os.path.join(out, "router_config.json"), {
        "types": {query: STATIC, doc: MLM, pool: POOLING},
        "structure": {"query": [query], "document": [doc, pool]},
        "parameters": {"default_route": "document", "allow_empty_key": True}})
    shutil.copy(os.path.join(source, "config_sentence_transformers.json"), out)

    write_json(os.path.join(out, query, "config.json"), {"frozen": False})
    write_safetensors(os.path.join(out, query, "model.safetensors"), "weight", weights)

    os.makedirs(os.path.join(out, doc))
    for name in ("config.json", "sentence_bert_config.json"):
        shutil.copy(os.path.join(source, name), os.path.join(out, doc, name))
    os.makedirs(os.path.join(out, pool))
    shutil.copy(os.path.join(source, "1_SpladePooling", "config.json"), os.path.join(out, pool))
    print("wrote", out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
