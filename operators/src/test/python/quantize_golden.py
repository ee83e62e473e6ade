#!/usr/bin/python3
"""Golden outputs for io.fhs.operators.quantize: sentence-transformers' quantize_embeddings.

sentence-transformers is not installed where this project is developed, so the few numpy lines of
its quantize_embeddings (sentence_transformers/quantization.py) are repeated here verbatim, on
seeded float32 embeddings:

  int8      ranges = np.vstack((np.min(calibration, axis=0), np.max(calibration, axis=0)))
            starts = ranges[0, :]
            steps = (ranges[1, :] - ranges[0, :]) / 255
            ((embeddings - starts) / steps - 128).astype(np.int8)
  uint8     ((embeddings - starts) / steps).astype(np.uint8)
  binary    (np.packbits(embeddings > 0).reshape(embeddings.shape[0], -1) - 128).astype(np.int8)
  ubinary   np.packbits(embeddings > 0).reshape(embeddings.shape[0], -1)

All arithmetic stays in float32, as it does in sentence-transformers for float32 embeddings. The
quantized embeddings are the calibration set itself plus probes drawn inside its per-dimension
range (numpy wraps values outside it around; the Java code clamps them instead). The dimension,
16, is a multiple of 8: sentence-transformers packs the flattened matrix, which splits bytes
across rows otherwise. For a dimension of 12, "odd" packs each row on its own, the last byte
zero-padded, as a per-vector quantizer does.

Run with Debian's interpreter (python3-numpy; numpy 1.x and 2.x give the same bytes):
  /usr/bin/python3 operators/src/test/python/quantize_golden.py \
      operators/src/test/resources/quantize-golden.json
"""
import json
import sys

import numpy as np

rng = np.random.default_rng(20240611)

calibration = (rng.standard_normal((20, 16)) * 0.1 + rng.uniform(-0.05, 0.05, 16)).astype(
    np.float32
)

ranges = np.vstack((np.min(calibration, axis=0), np.max(calibration, axis=0)))
starts = ranges[0, :]
steps = (ranges[1, :] - ranges[0, :]) / 255
assert starts.dtype == np.float32 and steps.dtype == np.float32
assert np.all(starts < 0) and np.all(ranges[1, :] > 0), "probes below rely on 0 being in range"

unit = rng.uniform(0.0, 1.0, (8, 16)).astype(np.float32)
probes = np.clip(starts + unit * (ranges[1, :] - starts), starts, ranges[1, :]).astype(np.float32)
edges = np.vstack(
    (
        ranges[0, :],
        ranges[1, :],
        # Zeros, negative zeros and the smallest positive float: only the last is "> 0".
        np.array([0.0, -0.0, 1e-45, -1e-45] * 4, dtype=np.float32),
    )
).astype(np.float32)
embeddings = np.vstack((calibration, probes, edges)).astype(np.float32)

int8 = ((embeddings - starts) / steps - 128).astype(np.int8)
uint8 = ((embeddings - starts) / steps).astype(np.uint8)
binary = (np.packbits(embeddings > 0).reshape(embeddings.shape[0], -1) - 128).astype(np.int8)
ubinary = np.packbits(embeddings > 0).reshape(embeddings.shape[0], -1)

odd = rng.standard_normal((5, 12)).astype(np.float32)
odd_ubinary = np.packbits(odd > 0, axis=-1)


def floats(a):
    # float32 -> Python float is exact, and json writes the shortest repr of that double.
    return a.astype(np.float64).tolist()


golden = {
    "source": "operators/src/test/python/quantize_golden.py (numpy %s)" % np.__version__,
    "calibration": floats(calibration),
    "starts": floats(starts),
    "steps": floats(steps),
    "embeddings": floats(embeddings),
    "int8": int8.astype(int).tolist(),
    "uint8": uint8.astype(int).tolist(),
    "binary": binary.astype(int).tolist(),
    "ubinary": ubinary.astype(int).tolist(),
    "odd": {"embeddings": floats(odd), "ubinary": odd_ubinary.astype(int).tolist()},
}

with open(sys.argv[1], "w") as out:
    json.dump(golden, out, indent=1)
    out.write("\n")
