"""Checks the project's exports against the reference libraries, on a machine that has them (the lent GPU machine).

For each exported Hugging Face folder: transformers loads it (AutoModelForCausalLM) and its logits for fixed token ids
match the engine's (expected.json, written by the engine). For each exported ONNX folder: Python's onnxruntime runs
model.onnx and its logits match too. Prints one line per check and exits 1 if any differs by more than 1e-4 relative.

    python3 scripts/transformers-check.py FOLDER   # FOLDER holds expected.json, NAME/ and NAME-onnx/ per model
"""
import json
import sys
from pathlib import Path

import numpy as np


def relative_error(actual, expected):
    return float(np.max(np.abs(actual - expected)) / np.max(np.abs(expected)))


def check_transformers(folder, case):
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32).eval()
    with torch.no_grad():
        logits = model(torch.tensor([case["ids"]])).logits[0].numpy()
    return type(model).__name__, logits


def check_onnx(folder, case):
    import onnxruntime as ort

    session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
    ids = np.array([case["ids"]], dtype=np.int64)
    past = np.zeros((2 * case["numLayers"], case["kvHeads"], 0, case["headDim"]), dtype=np.float32)
    feeds = {"input_ids": ids, "position_ids": np.arange(ids.shape[1], dtype=np.int64)[None], "past_key_values": past}
    return "onnxruntime " + ort.__version__, session.run(["logits"], feeds)[0][0]


def main(root):
    expected = json.loads((root / "expected.json").read_text())
    failures = 0
    for name, case in expected.items():
        reference = np.array(case["logits"], dtype=np.float32).reshape(len(case["ids"]), case["vocab"])
        for label, folder, check in [("transformers", root / name, check_transformers), ("onnx", root / f"{name}-onnx", check_onnx)]:
            try:
                loaded_by, logits = check(folder, case)
                error = relative_error(logits, reference)
                ok = error < 1e-4
                print(f"{name:8} {label:12} {loaded_by:28} max relative error {error:.2e} {'ok' if ok else 'DIFFERS'}")
            except Exception as exc:  # report every failure, then exit 1
                ok = False
                print(f"{name:8} {label:12} FAILED: {type(exc).__name__}: {exc}")
            failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
